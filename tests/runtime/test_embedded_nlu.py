"""The embedded NLU: intents learned from the model, calibrated confidence, slots in context."""

from __future__ import annotations

import datetime as dt

import pytest

from runtime.model import default_model
from runtime.nlu.classifier import FOLDS, NaiveBayes, softmax
from runtime.nlu.embedded import EmbeddedNlu, training_examples
from runtime.types import NluContext

CTX = NluContext(session_id="test-session-1")


@pytest.fixture(scope="module")
def nlu() -> EmbeddedNlu:
    return EmbeddedNlu(default_model(), today=lambda: dt.date(2026, 11, 25))


def test_the_contract_example_gives_plan_trip_with_normalised_slots(nlu: EmbeddedNlu) -> None:
    result = nlu.recognize("plan a 5 day trip to Lisbon with $1500", CTX)
    assert result.intent == "PlanTrip"
    assert result.slots == {
        "destination": "Lisbon",
        "duration": 5,
        "budget": {"amount": 1500, "currency": "USD"},
    }
    assert result.provider == "embedded"
    assert 0.55 <= result.confidence <= 1.0


@pytest.mark.parametrize(
    ("text", "intent", "slots"),
    [
        ("what's the weather like in Tokyo", "CheckWeather", {"destination": "Tokyo"}),
        ("is it raining in paris", "CheckWeather", {"destination": "Paris"}),
        (
            "find flights from London to Rome on 14 May 2027",
            "FindFlights",
            {"origin": "London", "destination": "Rome", "date": "2027-05-14"},
        ),
        (
            "I need a flight to Madrid tomorrow",
            "FindFlights",
            {"destination": "Madrid", "date": "2026-11-26"},
        ),
        ("hello!", "Greeting", {}),
        ("what can you do?", "Help", {}),
        ("thanks, bye", "Goodbye", {}),
    ],
)
def test_intents_and_slots(
    nlu: EmbeddedNlu, text: str, intent: str, slots: dict[str, object]
) -> None:
    result = nlu.recognize(text, CTX)
    assert (result.intent, result.slots) == (intent, slots)


@pytest.mark.parametrize(
    "text",
    [
        "how do I bake sourdough bread",
        "what is the capital of mongolia's football team",
        "zxcv qwer",
    ],
)
def test_out_of_domain_text_falls_back(nlu: EmbeddedNlu, text: str) -> None:
    assert nlu.recognize(text, CTX).intent == "FallbackIntent"


def test_a_bare_answer_fills_the_slot_being_elicited(nlu: EmbeddedNlu) -> None:
    asking_duration = NluContext(
        session_id="s1",
        active_intent="PlanTrip",
        eliciting_slot="duration",
        slots={"destination": "Lisbon"},
    )
    result = nlu.recognize("5", asking_duration)
    assert (result.intent, result.slots) == ("PlanTrip", {"duration": 5})
    asking_place = NluContext(session_id="s1", active_intent="FindFlights", eliciting_slot="origin")
    assert nlu.recognize("Berlin", asking_place).slots == {"origin": "Berlin"}
    asking_budget = NluContext(session_id="s1", active_intent="PlanTrip", eliciting_slot="budget")
    assert nlu.recognize("about 2k euros", asking_budget).slots == {
        "budget": {"amount": 2000, "currency": "EUR"}
    }


def test_a_clear_new_request_switches_intent_mid_dialogue(nlu: EmbeddedNlu) -> None:
    asking_budget = NluContext(session_id="s1", active_intent="PlanTrip", eliciting_slot="budget")
    result = nlu.recognize("actually, what's the weather in Oslo?", asking_budget)
    assert (result.intent, result.slots) == ("CheckWeather", {"destination": "Oslo"})


def test_below_the_threshold_the_intent_is_fallback() -> None:
    strict = EmbeddedNlu(default_model(), threshold=0.999)
    assert strict.recognize("maybe some sun somewhere", CTX).intent == "FallbackIntent"


def test_confidence_is_calibrated_on_held_out_folds() -> None:
    """Across cross-validation folds the mean confidence stays close to the accuracy (ECE ≤ 0.1)."""
    examples = training_examples(default_model())
    nlu = EmbeddedNlu(default_model())
    temperature = nlu.classifier.temperature
    rows: list[tuple[float, bool]] = []
    for fold in range(FOLDS):
        model = NaiveBayes([e for i, e in enumerate(examples) if i % FOLDS != fold])
        for text, label in (e for i, e in enumerate(examples) if i % FOLDS == fold):
            probabilities = softmax(model.scores(text), temperature)
            best = max(probabilities, key=probabilities.__getitem__)
            rows.append((probabilities[best], best == label))
    bins: dict[int, list[tuple[float, bool]]] = {}
    for confidence, correct in rows:
        bins.setdefault(min(int(confidence * 5), 4), []).append((confidence, correct))
    ece = sum(
        len(b) / len(rows) * abs(sum(c for c, _ in b) / len(b) - sum(ok for _, ok in b) / len(b))
        for b in bins.values()
    )
    assert ece <= 0.1, f"expected calibration error {ece:.3f}"
