"""Held-out accuracy of the embedded NLU: scoring shared by the accuracy test and its benchmark.

Intent accuracy: share of utterances whose intent is right. Slot accuracy: share of expected
slot values extracted exactly (relative dates are skipped: their value depends on today; place
names compare with accents and case folded).
Extra slots the NLU invents are listed as errors too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from runtime.model import default_model
from runtime.nlu.embedded import EmbeddedNlu
from runtime.nlu.text import fold
from runtime.types import NluContext

HELDOUT = Path(__file__).resolve().parents[1] / "data" / "heldout.jsonl"


PLACE_SLOTS = frozenset({"destination", "origin"})


def _same(slot: str, got: Any, expected: Any) -> bool:
    """Equal; place names compare folded (accents and case), as issue 11's data README says:
    "Cancún" is the canonical name of what older lines call "Cancun"."""
    if slot in PLACE_SLOTS and isinstance(got, str) and isinstance(expected, str):
        return fold(got) == fold(expected)
    return bool(got == expected)


def evaluate(path: Path = HELDOUT) -> dict[str, Any]:
    """Run the embedded NLU over the held-out set and score it."""
    nlu = EmbeddedNlu(default_model())
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    intent_ok = slot_ok = slot_total = extra = 0
    intent_errors: list[str] = []
    slot_errors: list[str] = []
    for row in rows:
        result = nlu.recognize(row["text"], NluContext(session_id="heldout-eval"))
        if result.intent == row["intent"]:
            intent_ok += 1
        else:
            intent_errors.append(f"{row['text']!r}: {result.intent} != {row['intent']}")
        got = dict(result.slots)
        if row.get("relative"):
            got.pop("date", None)
        for name, expected in row["slots"].items():
            slot_total += 1
            if _same(name, got.get(name), expected):
                slot_ok += 1
            else:
                slot_errors.append(f"{row['text']!r}: {name}={got.get(name)!r} != {expected!r}")
        for name in set(got) - set(row["slots"]):
            if result.intent == row["intent"]:
                extra += 1
                slot_errors.append(f"{row['text']!r}: unexpected {name}={got[name]!r}")
    return {
        "examples": len(rows),
        "intent_accuracy": round(intent_ok / len(rows), 4),
        "slot_values": slot_total,
        "slot_accuracy": round(slot_ok / slot_total, 4) if slot_total else 1.0,
        "unexpected_slots": extra,
        "intent_errors": intent_errors,
        "slot_errors": slot_errors,
    }
