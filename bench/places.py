"""Place resolution: how often the embedded NLU fills a place slot with the right place.

Reads ``tests/data/place_mentions.jsonl`` (the held-out split) when it exists, else the dev split
``tests/data/place_mentions_dev.jsonl`` (format: ``tests/data/conversations/README.md``). Each
line's ``text`` is read as the first message of a conversation (today = 2027-03-01, the data's
clock) and ``slots[role]`` is compared with ``expect``:

- a place line is right when the value folds (NFKD, marks dropped, case-folded, hyphens and
  spaces collapsed, a leading "the" dropped) to the folded ``expect``, or when it names the
  same place with its qualifier ("Portland, Maine" for expect "Portland", country US); and the
  place's country is ``country``;
- an ``ambiguous`` line is right when the role is not filled but offered as a choice: it is in
  ``NluResult.ambiguous`` with at least two candidates (the dialogue then asks which one).

Prints the misses, then one JSON object as the last line: accuracy per category and overall,
and the median time per message. Run: ``python -m bench.places [--file PATH]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from runtime.model import default_model
from runtime.nlu.embedded import EmbeddedNlu
from runtime.types import NluContext, NluResult

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
HELD_OUT = DATA / "place_mentions.jsonl"
DEV = DATA / "place_mentions_dev.jsonl"
TODAY = dt.date(2027, 3, 1)


def fold(name: str) -> str:
    """The data README's folding of place names."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = re.sub(r"[\s\-]+", " ", plain).strip()
    return plain[4:] if plain.startswith("the ") else plain


def judge(row: dict[str, Any], result: NluResult, nlu: EmbeddedNlu) -> str | None:
    """``None`` when right, else what went wrong."""
    role = row["role"]
    if row["category"] == "ambiguous":
        if role in result.slots:
            return f"picked {result.slots[role]!r} instead of asking"
        if len(result.ambiguous.get(role, ())) < 2:
            return f"not offered as a choice (ambiguous={result.ambiguous})"
        return None
    value = result.slots.get(role)
    if not isinstance(value, str):
        detail = result.ambiguous.get(role) or result.unresolved.get(role)
        return f"no {role} (intent {result.intent}; {detail or 'nothing found'})"
    place = nlu.slots.gazetteer.place(value)
    same_name = fold(value) == fold(row["expect"])
    if place is not None:
        same_name = same_name or fold(place.short_name) == fold(row["expect"])
        if row.get("country") and place.country_code != row["country"]:
            return f"{value!r} is in {place.country_code}, expected {row['country']}"
    return None if same_name else f"{value!r} != {row['expect']!r}"


def main(argv: Sequence[str] | None = None) -> int:
    """Score every line; print misses and the JSON summary."""
    parser = argparse.ArgumentParser(description="place resolution accuracy")
    parser.add_argument("--file", type=Path, default=HELD_OUT if HELD_OUT.exists() else DEV)
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in args.file.read_text().splitlines() if line.strip()]
    nlu = EmbeddedNlu(default_model(), today=lambda: TODAY)
    nlu.recognize("warm up: a trip to Lisbon", NluContext(session_id="bench-places"))
    totals: Counter[str] = Counter()
    right: Counter[str] = Counter()
    timings = []
    for row in rows:
        started = time.perf_counter()
        result = nlu.recognize(row["text"], NluContext(session_id=f"bench-{row['id']}"))
        timings.append((time.perf_counter() - started) * 1000)
        miss = judge(row, result, nlu)
        totals[row["category"]] += 1
        if miss is None:
            right[row["category"]] += 1
        else:
            print(f"{row['id']} [{row['category']}] {row['text']!r}: {miss}")
    summary = {
        "benchmark": "place resolution",
        "file": args.file.name,
        "lines": len(rows),
        "accuracy": round(sum(right.values()) / max(len(rows), 1), 4),
        "per_category": {c: round(right[c] / totals[c], 4) for c in sorted(totals)},
        "lines_per_category": dict(sorted(totals.items())),
        "median_ms_per_message": round(statistics.median(timings), 3) if timings else None,
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
