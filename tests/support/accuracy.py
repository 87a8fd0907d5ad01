"""Held-out accuracy of the embedded NLU: scoring shared by the accuracy test and its benchmark.

Intent accuracy: share of utterances whose intent is right. Slot accuracy: share of expected
slot values extracted exactly (relative dates are skipped: their value depends on today).
Extra slots the NLU invents are listed as errors too.

``evaluate(recognize=...)`` scores any reader of a message instead, e.g. the cloud orchestrator
with every cloud hanging (``tests/runtime/test_heldout_when_clouds_hang.py``).

The held-out set was labelled before the bot had ``SmallTalk`` and ``OutOfScope``: its
out-of-domain lines ("tell me a joke", "order me a pizza") are labelled ``FallbackIntent``. For
those labels the three intents count as one class (:data:`OUT_OF_DOMAIN`): each is a right
answer to "this is not a task the bot does"; every other label must match exactly. Likewise
the set predates the optional slots :data:`NEWER_SLOTS` (a weather day, a return date): a line
that does not list them is not marked wrong for them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from runtime.model import default_model
from runtime.nlu.embedded import EmbeddedNlu
from runtime.nlu.text import fold
from runtime.types import NluContext, NluResult

HELDOUT = Path(__file__).resolve().parents[1] / "data" / "heldout.jsonl"
CONTEXT = NluContext(session_id="heldout-eval")

Recognize = Callable[[str, NluContext], NluResult]
OUT_OF_DOMAIN = frozenset({"FallbackIntent", "SmallTalk", "OutOfScope"})
NEWER_SLOTS = frozenset({("CheckWeather", "date"), ("FindFlights", "returnDate")})


PLACE_SLOTS = frozenset({"destination", "origin"})


def same_value(slot: str, got: Any, expected: Any) -> bool:
    """Equal; place names compare folded (accents and case), as issue 11's data README says:
    "Cancún" is the canonical name of what older lines call "Cancun"."""
    if slot in PLACE_SLOTS and isinstance(got, str) and isinstance(expected, str):
        return fold(got) == fold(expected)
    return bool(got == expected)


def intent_matches(predicted: str, label: str) -> bool:
    """True when ``predicted`` answers ``label``: equal, or both out of the bot's domain."""
    if label == "FallbackIntent":
        return predicted in OUT_OF_DOMAIN
    return predicted == label


def rows(path: Path = HELDOUT) -> list[dict[str, Any]]:
    """The held-out lines: text, intent, slots (and ``relative`` for relative dates)."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def evaluate(path: Path = HELDOUT, recognize: Recognize | None = None) -> dict[str, Any]:
    """Score ``recognize`` (the embedded NLU when None) over the held-out set."""
    if recognize is None:
        recognize = EmbeddedNlu(default_model()).recognize
    lines = rows(path)
    intent_ok = slot_ok = slot_total = extra = 0
    intent_errors: list[str] = []
    slot_errors: list[str] = []
    for row in lines:
        result = recognize(row["text"], CONTEXT)
        right = intent_matches(result.intent, row["intent"])
        if right:
            intent_ok += 1
        else:
            intent_errors.append(f"{row['text']!r}: {result.intent} != {row['intent']}")
        got = dict(result.slots)
        if row.get("relative"):
            got.pop("date", None)
        for name, expected in row["slots"].items():
            slot_total += 1
            if same_value(name, got.get(name), expected):
                slot_ok += 1
            else:
                slot_errors.append(f"{row['text']!r}: {name}={got.get(name)!r} != {expected!r}")
        for name in set(got) - set(row["slots"]):
            if right and (row["intent"], name) not in NEWER_SLOTS:
                extra += 1
                slot_errors.append(f"{row['text']!r}: unexpected {name}={got[name]!r}")
    return {
        "examples": len(lines),
        "intent_accuracy": round(intent_ok / len(lines), 4),
        "slot_values": slot_total,
        "slot_accuracy": round(slot_ok / slot_total, 4) if slot_total else 1.0,
        "unexpected_slots": extra,
        "intent_errors": intent_errors,
        "slot_errors": slot_errors,
    }
