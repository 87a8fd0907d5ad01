"""Validate the held-out NLU evaluation set in ``tests/data/heldout.jsonl``.

The set is data, so these tests check its shape against the ``/chat`` contract in
README.md ("The chat API"): known intents, the slots each intent may carry and how slot values are
normalised. Each rule is a small function that returns the problems it finds; the rules are
run over the real file and over hand-made bad records, so a rule that never fires is caught.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

HELDOUT_PATH = Path(__file__).resolve().parents[1] / "data" / "heldout.jsonl"

SLOTS_BY_INTENT: dict[str, frozenset[str]] = {
    "PlanTrip": frozenset({"destination", "duration", "budget"}),
    "CheckWeather": frozenset({"destination"}),
    "FindFlights": frozenset({"origin", "destination", "date"}),
    "Greeting": frozenset(),
    "Help": frozenset(),
    "Goodbye": frozenset(),
    "FallbackIntent": frozenset(),
}
MIN_PER_INTENT: dict[str, int] = {
    "PlanTrip": 30,
    "CheckWeather": 30,
    "FindFlights": 30,
    "Greeting": 10,
    "Help": 10,
    "Goodbye": 10,
    "FallbackIntent": 20,
}
REQUIRED_KEYS = frozenset({"text", "intent", "slots"})
OPTIONAL_KEYS = frozenset({"relative"})
MAX_TEXT_CHARS = 199
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_CURRENCY = re.compile(r"^[A-Z]{3}$")
# A canonical city name: words that start with an upper-case letter ("New York",
# "Rio De Janeiro"); an IATA code such as "LHR" must have been resolved to its city.
CITY_NAME = re.compile(r"^[A-Z][a-z'.-]+(?: [A-Z][a-z'.-]+)*$")

Record = dict[str, Any]
Rule = Callable[[Record], list[str]]


def load_lines(path: Path) -> list[str]:
    """Return the lines of ``path``; a blank line is kept so that parsing reports it."""
    return path.read_text(encoding="utf-8").splitlines()


def parse_line(line: str) -> Record:
    """Parse one JSONL line into a record; raises ``ValueError`` unless it is a JSON object."""
    value = json.loads(line)
    if not isinstance(value, dict):
        raise ValueError(f"line is {type(value).__name__}, not an object")
    return value


def load_records(path: Path) -> list[Record]:
    """Parse every line of the held-out file (raises on the first malformed line)."""
    return [parse_line(line) for line in load_lines(path)]


def check_keys(record: Record) -> list[str]:
    """Report missing or unknown top-level keys and wrongly typed text/intent/slots."""
    problems: list[str] = []
    keys = set(record)
    if missing := REQUIRED_KEYS - keys:
        problems.append(f"missing keys {sorted(missing)}")
    if unknown := keys - REQUIRED_KEYS - OPTIONAL_KEYS:
        problems.append(f"unknown keys {sorted(unknown)}")
    if not isinstance(record.get("text"), str):
        problems.append("text is not a string")
    if not isinstance(record.get("intent"), str):
        problems.append("intent is not a string")
    if not isinstance(record.get("slots"), dict):
        problems.append("slots is not an object")
    return problems


def check_text(record: Record) -> list[str]:
    """Report texts that are empty, padded with spaces or too long."""
    text = record.get("text")
    if not isinstance(text, str):
        return ["text is not a string"]
    if not text.strip():
        return ["text is blank"]
    if text != text.strip():
        return ["text has leading or trailing whitespace"]
    if len(text) > MAX_TEXT_CHARS:
        return [f"text has {len(text)} characters, more than {MAX_TEXT_CHARS}"]
    return []


def check_intent_and_slot_names(record: Record) -> list[str]:
    """Report unknown intents and slot names the intent does not define."""
    intent = record.get("intent")
    if intent not in SLOTS_BY_INTENT:
        return [f"unknown intent {intent!r}"]
    slots = record.get("slots")
    if not isinstance(slots, dict):
        return ["slots is not an object"]
    extra = set(slots) - SLOTS_BY_INTENT[intent]
    return [f"slots {sorted(extra)} are not allowed for {intent}"] if extra else []


def _check_city(name: str, value: object) -> list[str]:
    if not isinstance(value, str) or not CITY_NAME.fullmatch(value):
        return [f"{name} {value!r} is not a canonical city name"]
    return []


def _check_duration(value: object) -> list[str]:
    # bool is an int subclass: True must not pass for one day.
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return [f"duration {value!r} is not a positive whole number of days"]
    return []


def _check_budget(value: object) -> list[str]:
    if not isinstance(value, dict) or set(value) != {"amount", "currency"}:
        return [f"budget {value!r} is not {{amount, currency}}"]
    problems: list[str] = []
    amount = value["amount"]
    if isinstance(amount, bool) or not isinstance(amount, int | float) or amount <= 0:
        problems.append(f"budget amount {amount!r} is not a positive number")
    currency = value["currency"]
    if not isinstance(currency, str) or not ISO_CURRENCY.fullmatch(currency):
        problems.append(f"budget currency {currency!r} is not an ISO 4217 code")
    return problems


def _check_date(value: object) -> list[str]:
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        return [f"date {value!r} is not YYYY-MM-DD"]
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return [f"date {value!r} is not a real calendar day"]
    return []


def check_slot_values(record: Record) -> list[str]:
    """Report slot values that are not normalised the way the ``/chat`` contract says."""
    slots = record.get("slots")
    if not isinstance(slots, dict):
        return ["slots is not an object"]
    problems: list[str] = []
    for name, value in slots.items():
        if name in ("destination", "origin"):
            problems += _check_city(name, value)
        elif name == "duration":
            problems += _check_duration(value)
        elif name == "budget":
            problems += _check_budget(value)
        elif name == "date":
            problems += _check_date(value)
    return problems


def check_relative_flag(record: Record) -> list[str]:
    """Report a ``relative`` flag that is not ``true``, sits on an intent with no date, or
    comes with an expected date (a relative date's value depends on the day the set runs)."""
    if "relative" not in record:
        return []
    if record["relative"] is not True:
        return ["relative must be true when present"]
    if "date" not in SLOTS_BY_INTENT.get(record.get("intent", ""), frozenset()):
        return ["relative is only meaningful for an intent with a date slot"]
    slots = record.get("slots")
    if isinstance(slots, dict) and "date" in slots:
        return ["a relative line must not carry an expected date"]
    return []


RULES: tuple[Rule, ...] = (
    check_keys,
    check_text,
    check_intent_and_slot_names,
    check_slot_values,
    check_relative_flag,
)


def problems_of(record: Record) -> list[str]:
    """Return every problem any rule finds in ``record``."""
    return [problem for rule in RULES for problem in rule(record)]


def normalised_text(text: str) -> str:
    """Fold case and runs of spaces so near-identical texts count as duplicates."""
    return " ".join(text.casefold().split())


@pytest.fixture(scope="module")
def records() -> list[Record]:
    """The parsed held-out set."""
    return load_records(HELDOUT_PATH)


def test_every_line_is_a_json_object() -> None:
    # GIVEN the raw lines of the held-out file
    lines = load_lines(HELDOUT_PATH)
    # WHEN each one is parsed
    bad = []
    for number, line in enumerate(lines, start=1):
        try:
            parse_line(line)
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            bad.append(f"line {number}: {exc}")
    # THEN every line is a JSON object and the file is not empty
    assert lines
    assert bad == []


def test_every_record_follows_the_chat_contract(records: list[Record]) -> None:
    # GIVEN the parsed held-out set
    # WHEN every rule is run over every record
    found = {
        record.get("text", f"#{index}"): problems
        for index, record in enumerate(records)
        if (problems := problems_of(record))
    }
    # THEN no record breaks a rule
    assert found == {}


def test_no_text_appears_twice(records: list[Record]) -> None:
    # GIVEN the texts of the held-out set, folded for case and spacing
    counts = Counter(normalised_text(record["text"]) for record in records)
    # WHEN the counts are inspected
    duplicates = sorted(text for text, count in counts.items() if count > 1)
    # THEN each utterance is there once
    assert duplicates == []


def test_each_intent_has_at_least_its_minimum_number_of_examples(
    records: list[Record],
) -> None:
    # GIVEN the number of records per intent
    counts = Counter(record["intent"] for record in records)
    # WHEN compared with the minimum each intent needs for a meaningful score
    short = {
        intent: counts[intent]
        for intent, minimum in MIN_PER_INTENT.items()
        if counts[intent] < minimum
    }
    # THEN no intent falls short
    assert short == {}


def test_every_slot_of_every_intent_is_expected_somewhere(records: list[Record]) -> None:
    # GIVEN the slot names that appear per intent across the set
    seen: dict[str, set[str]] = {intent: set() for intent in SLOTS_BY_INTENT}
    for record in records:
        seen[record["intent"]].update(record["slots"])
    # WHEN compared with the slots each intent defines
    # THEN every slot is exercised by at least one line
    assert seen == {intent: set(names) for intent, names in SLOTS_BY_INTENT.items()}


GOOD: Record = {
    "text": "plan 5 days in Lisbon for $1,500",
    "intent": "PlanTrip",
    "slots": {
        "destination": "Lisbon",
        "duration": 5,
        "budget": {"amount": 1500, "currency": "USD"},
    },
}


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        pytest.param({**GOOD, "intent": "BookHotel"}, "unknown intent", id="unknown-intent"),
        pytest.param({**GOOD, "slots": {"date": "2027-03-03"}}, "not allowed", id="foreign-slot"),
        pytest.param({**GOOD, "mood": "happy"}, "unknown keys", id="extra-key"),
        pytest.param({"text": "hi", "intent": "Greeting"}, "missing keys", id="no-slots"),
        pytest.param({**GOOD, "text": "x" * 200}, "more than", id="long-text"),
        pytest.param({**GOOD, "text": " "}, "blank", id="blank-text"),
        pytest.param({**GOOD, "slots": {"destination": "LIS"}}, "canonical", id="iata-code"),
        pytest.param({**GOOD, "slots": {"destination": "lisbon"}}, "canonical", id="lower-city"),
        pytest.param({**GOOD, "slots": {"duration": 0}}, "positive whole", id="zero-days"),
        pytest.param({**GOOD, "slots": {"duration": 2.5}}, "positive whole", id="float-days"),
        pytest.param({**GOOD, "slots": {"duration": True}}, "positive whole", id="bool-days"),
        pytest.param(
            {**GOOD, "slots": {"budget": {"amount": -5, "currency": "USD"}}},
            "positive number",
            id="negative-amount",
        ),
        pytest.param(
            {**GOOD, "slots": {"budget": {"amount": 5, "currency": "usd"}}},
            "ISO 4217",
            id="lower-currency",
        ),
        pytest.param({**GOOD, "slots": {"budget": 1500}}, "amount, currency", id="bare-budget"),
        pytest.param(
            {"text": "fly", "intent": "FindFlights", "slots": {"date": "03/03/2027"}},
            "YYYY-MM-DD",
            id="us-date",
        ),
        pytest.param(
            {"text": "fly", "intent": "FindFlights", "slots": {"date": "2027-02-30"}},
            "real calendar day",
            id="impossible-date",
        ),
        pytest.param(
            {
                "text": "fly tomorrow",
                "intent": "FindFlights",
                "slots": {"date": "2027-01-01"},
                "relative": True,
            },
            "must not carry",
            id="relative-with-date",
        ),
        pytest.param({**GOOD, "relative": True}, "date slot", id="relative-without-date-slot"),
        pytest.param(
            {"text": "fly tomorrow", "intent": "FindFlights", "slots": {}, "relative": False},
            "must be true",
            id="relative-false",
        ),
    ],
)
def test_a_record_that_breaks_a_rule_is_reported(bad: Record, expected: str) -> None:
    # GIVEN a record that breaks exactly one rule
    # WHEN all rules are run over it
    problems = problems_of(bad)
    # THEN the matching problem is reported
    assert any(expected in problem for problem in problems), problems


def test_a_well_formed_record_has_no_problems() -> None:
    # GIVEN a record shaped exactly as the contract says
    # WHEN all rules are run over it
    # THEN nothing is reported
    assert problems_of(GOOD) == []


def test_a_line_that_is_not_an_object_is_rejected() -> None:
    # GIVEN a JSON line holding a list instead of an object
    # WHEN it is parsed
    # THEN parsing fails with a message naming the type
    with pytest.raises(ValueError, match="list"):
        parse_line('["hi", "Greeting"]')


def test_texts_differing_only_in_case_and_spacing_count_as_duplicates() -> None:
    # GIVEN two spellings of one utterance
    # WHEN both are normalised
    # THEN they are equal
    assert normalised_text("Hello  There") == normalised_text("hello there")


# -------------------------------------------------------------------- held out from training


def fold_utterance(text: str) -> str:
    """Case, accents' composition, punctuation and spacing folded, as the overlap check needs."""
    import unicodedata

    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w\s{}]", " ", folded).split())


def training_overlap(held: list[str], training: list[str]) -> list[str]:
    """The held-out lines that are also training utterances once folded."""
    trained = {fold_utterance(u) for u in training}
    return [text for text in held if fold_utterance(text) in trained]


def test_no_held_out_line_is_a_training_utterance(records: list[Record]) -> None:
    from runtime.model import default_model

    # GIVEN every sample utterance the embedded NLU, Lex and Dialogflow are trained on
    training = [u for intent in default_model().intents.values() for u in intent.utterances]
    held = [str(record["text"]) for record in records]

    # WHEN the held-out lines are compared with them, folded
    overlap = training_overlap(held, training)

    # THEN none is shared: the held-out figures measure generalisation, not recall
    assert overlap == []


def conversation_lines() -> list[str]:
    """Every ``say`` line of every dialogue under ``tests/data/conversations/`` (all splits)."""
    from tests.support.conversations import all_dialogues

    return [str(turn["say"]) for dialogue in all_dialogues() for turn in dialogue.turns]


def test_no_conversation_line_is_a_training_utterance() -> None:
    from runtime.model import default_model

    # GIVEN every sample utterance and every line the conversation suite says
    training = [u for intent in default_model().intents.values() for u in intent.utterances]
    said = conversation_lines()

    # WHEN they are compared, folded
    overlap = training_overlap(said, training)

    # THEN none is shared: the suite measures the dialogue on text it was not trained on
    assert said
    assert overlap == []


def test_the_overlap_check_sees_through_case_and_punctuation() -> None:
    assert training_overlap(["Good evening!", "hiya :)", "new line"], ["good evening", "hiya"]) == [
        "Good evening!",
        "hiya :)",
    ]
