"""Compare a fake's JSON answer with a published response sample, key by key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).parent / "samples"


def load_sample(name: str) -> Any:
    """A JSON sample from ``tests/support/fakes/samples/`` by file name."""
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def missing_keys(
    sample: Any, actual: Any, maps: frozenset[str] = frozenset(), path: str = "$"
) -> list[str]:
    """Paths of keys present in ``sample`` but absent from ``actual``.

    Objects are compared key by key and arrays by their first elements. Objects whose keys are
    data (slot names, attribute maps, language codes) are named in ``maps`` by path: there the
    first value of the sample is compared with every non-null value of ``actual``. A path looks
    like ``$.results.documents[].id``.
    """
    if isinstance(sample, dict) and isinstance(actual, dict):
        if path in maps:
            if not sample:
                return []
            reference = next(iter(sample.values()))
            found: list[str] = []
            for value in actual.values():
                if value is not None:
                    new = missing_keys(reference, value, maps, f"{path}.*")
                    found.extend(p for p in new if p not in found)
            return found
        missing: list[str] = []
        for key, value in sample.items():
            child = f"{path}.{key}"
            if key not in actual:
                missing.append(child)
            else:
                missing.extend(missing_keys(value, actual[key], maps, child))
        return missing
    if isinstance(sample, list) and isinstance(actual, list) and sample and actual:
        return missing_keys(sample[0], actual[0], maps, f"{path}[]")
    return []
