"""Where the places index lives and what it was built from.

The index (``runtime/places/data/places.idx``) is built, never committed: ``make install``
and the Lambda package build run ``python -m runtime.places.builder``. Its header records a
digest of the repository inputs (the curated CSV files, the builder's code, the key folding
and file layout, the bot model's ``City`` values), so a stale index is noticed at load time
(logged) and by ``python -m runtime.places.builder --check`` (the Makefile rebuilds it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
INDEX_PATH = PACKAGE / "data" / "places.idx"
SOURCES = PACKAGE / "sources"


def digest_files() -> list[Path]:
    """The repository files an index is built from: curated data, builder, folding, layout."""
    files = sorted(SOURCES.glob("*.csv")) + sorted((PACKAGE / "builder").glob("*.py"))
    return [*files, PACKAGE / "keys.py", PACKAGE / "layout.py"]


def inputs_digest(city_values: Sequence[tuple[str, Sequence[str]]]) -> str:
    """SHA-256 over the repository inputs of the index and the bot model's cities."""
    digest = hashlib.sha256()
    for path in digest_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    cities = [[value, list(synonyms)] for value, synonyms in city_values]
    digest.update(json.dumps(cities, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()
