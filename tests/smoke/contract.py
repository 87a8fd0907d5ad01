"""The chat API contract (README.md, "The chat API") as assertions, shared by the smoke tests.

Each check names the field that is wrong, so a failing smoke run against a deployment says what
drifted (a gateway answering in its own error format, a missing field, a wrong type).
"""

from __future__ import annotations

import re
from typing import Any

from runtime.rich_reply import problems

SESSION_ID_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INTENTS = frozenset(
    {"PlanTrip", "CheckWeather", "FindFlights", "Greeting", "Help", "Goodbye", "FallbackIntent"}
)
# Lex V2 dialog action types and intent states; the contract names ElicitSlot and Fulfilled.
DIALOG_STATES = frozenset(
    {
        "ElicitIntent",
        "ElicitSlot",
        "ConfirmIntent",
        "Delegate",
        "ReadyForFulfillment",
        "InProgress",
        "Fulfilled",
        "Failed",
        "Close",
    }
)
NLU_PROVIDERS = frozenset({"lex", "dialogflow", "embedded"})
SENTIMENTS = frozenset({"positive", "neutral", "negative", "mixed"})
CHAT_FIELDS = frozenset(
    {"sessionId", "reply", "intent", "slots", "dialogState", "nlu", "sentiment", "variant"}
    | {"latencyMs"}
)
OPTIONAL_CHAT_FIELDS = frozenset({"quickReplies", "cards"})
"""Fields an answer may add (README.md, "Quick replies and cards"), checked by their schema."""
PLACE_SLOTS = frozenset({"destination", "origin"})


def is_number(value: Any) -> bool:
    """True for int and float, never for bool (which is an int in Python)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_int(value: Any) -> bool:
    """True for int, never for bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def assert_slots(slots: Any) -> None:
    """Slot values are normalised: places are names, days whole, money {amount, currency}."""
    assert isinstance(slots, dict), f"slots must be an object, got {slots!r}"
    for name, value in slots.items():
        if name in PLACE_SLOTS:
            assert isinstance(value, str) and value.strip(), f"slot {name} = {value!r}"
        elif name == "duration":
            assert is_int(value) and value > 0, f"slot duration must be whole days, got {value!r}"
        elif name == "budget":
            assert isinstance(value, dict) and set(value) == {"amount", "currency"}, value
            assert is_number(value["amount"]) and value["amount"] > 0, f"budget {value!r}"
            assert CURRENCY_RE.match(str(value["currency"])), f"budget currency in {value!r}"
        elif name == "date":
            assert isinstance(value, str) and ISO_DATE_RE.match(value), f"slot date = {value!r}"
        else:
            raise AssertionError(f"unknown slot {name!r} = {value!r}")


def assert_chat_body(body: Any) -> None:
    """A ``POST /chat`` 200 body has the contract's fields with their types, and nothing else
    but the optional quick replies and cards, which fit their schema."""
    assert isinstance(body, dict), f"chat body must be an object, got {body!r}"
    fields = set(body)
    assert CHAT_FIELDS <= fields <= CHAT_FIELDS | OPTIONAL_CHAT_FIELDS, (
        f"fields {sorted(body)}: contract {sorted(CHAT_FIELDS)}, optional quickReplies, cards"
    )
    assert problems(body) == [], f"quickReplies/cards: {problems(body)}"
    assert isinstance(body["sessionId"], str) and SESSION_ID_RE.match(body["sessionId"]), body
    assert isinstance(body["reply"], str) and body["reply"].strip(), f"reply {body['reply']!r}"
    assert body["intent"] in INTENTS, f"intent {body['intent']!r}"
    assert_slots(body["slots"])
    assert body["dialogState"] in DIALOG_STATES, f"dialogState {body['dialogState']!r}"
    nlu = body["nlu"]
    assert isinstance(nlu, dict) and set(nlu) == {"provider", "confidence"}, f"nlu {nlu!r}"
    assert nlu["provider"] in NLU_PROVIDERS, f"nlu provider {nlu['provider']!r}"
    assert is_number(nlu["confidence"]) and 0 <= nlu["confidence"] <= 1, f"nlu {nlu!r}"
    sentiment = body["sentiment"]
    assert isinstance(sentiment, dict), f"sentiment {sentiment!r}"
    assert set(sentiment) == {"label", "score"}, f"sentiment {sentiment!r}"
    assert sentiment["label"] in SENTIMENTS, f"sentiment label {sentiment['label']!r}"
    assert is_number(sentiment["score"]) and 0 <= sentiment["score"] <= 1, sentiment
    assert isinstance(body["variant"], str) and body["variant"], f"variant {body['variant']!r}"
    assert is_int(body["latencyMs"]) and body["latencyMs"] >= 0, f"latency {body['latencyMs']!r}"


def assert_error_body(body: Any) -> None:
    """An error body is exactly ``{"error": {"code": str, "message": str}}``, no stack trace."""
    assert isinstance(body, dict) and set(body) == {"error"}, f"error body {body!r}"
    error = body["error"]
    assert isinstance(error, dict) and set(error) == {"code", "message"}, f"error {error!r}"
    assert isinstance(error["code"], str) and re.fullmatch(r"[a-z_]+", error["code"]), error
    assert isinstance(error["message"], str) and error["message"].strip(), error
    assert "Traceback" not in error["message"], "an error message carries a stack trace"
