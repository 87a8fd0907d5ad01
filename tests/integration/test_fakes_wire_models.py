"""The deterministic models behind the fakes: keyword NLU, slot filling, sentiment, weather."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.fakes.nlu import (
    DEFAULT_INTENT_SLOTS,
    FALLBACK_CONFIDENCE,
    FALLBACK_INTENT,
    Interpretation,
    SlotValue,
    keyword_resolver,
    next_turn,
)
from tests.support.fakes.sentiment import scores, word_list_scorer
from tests.support.fakes.weather_world import CITIES, condition_at, find_cities, nearest_city


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("What's the weather like?", "CheckWeather"),
        ("Find me a flight", "FindFlights"),
        ("I want to plan a trip", "PlanTrip"),
        ("hello there", "Greeting"),
        ("Hi!", "Greeting"),
        ("help", "Help"),
        ("bye", "Goodbye"),
        ("hi, plan a holiday", "PlanTrip"),
        ("purple monkey dishwasher", FALLBACK_INTENT),
        ("never mind", "Cancel"),
        ("thanks a lot", "Thanks"),
        ("thank you goodbye", "Goodbye"),
        ("book me a hotel", "OutOfScope"),
        ("this is high", FALLBACK_INTENT),  # "hi" only as a whole word
    ],
)
def test_keyword_resolver_maps_keywords_to_intents(text: str, intent: str) -> None:
    assert keyword_resolver(text).intent == intent


def test_fallback_has_a_low_confidence() -> None:
    assert keyword_resolver("blah").confidence == FALLBACK_CONFIDENCE < 0.5


def test_a_capitalised_city_after_to_or_in_is_the_destination() -> None:
    trip = keyword_resolver("Plan a trip to New York for 4 days from Boston")

    assert trip.slots["destination"] == SlotValue("New York", "New York")
    assert trip.slots["duration"] == SlotValue("4 days", "4")
    assert "origin" not in trip.slots  # PlanTrip has no origin slot
    assert keyword_resolver("flights from Porto to Rome").slots["origin"].interpreted == "Porto"
    assert "destination" not in keyword_resolver("weather in lisbon").slots


def test_a_departure_and_a_return_day_are_read_as_date_and_return_date() -> None:
    flights = keyword_resolver("flights from Porto to Rome on 2030-05-01 back on 2030-05-09")
    assert flights.slots["date"].interpreted == "2030-05-01"
    assert flights.slots["returnDate"].interpreted == "2030-05-09"
    assert "returnDate" not in keyword_resolver("weather in Rome back on 2030-05-09").slots


def test_an_optional_slot_is_never_elicited() -> None:
    # GIVEN a flight search with every required slot and no return date
    turn = next_turn(
        keyword_resolver("flights from Porto to Rome on 2030-05-01"),
        "flights from Porto to Rome on 2030-05-01",
        DEFAULT_INTENT_SLOTS,
    )
    # THEN nothing is missing
    assert turn.missing is None


def test_a_bare_value_fills_only_the_slot_being_elicited() -> None:
    turn = next_turn(
        keyword_resolver("Lisbon"),
        "Lisbon",
        DEFAULT_INTENT_SLOTS,
        active_intent="PlanTrip",
        active_slots={"destination": None, "duration": SlotValue("3 days", "3")},
        eliciting="destination",
    )

    assert turn.intent == "PlanTrip"
    assert turn.filled_elicited_slot
    assert turn.slots["destination"] == SlotValue("Lisbon", "Lisbon")
    assert turn.missing == "budget"


def test_a_new_intent_replaces_the_elicitation() -> None:
    turn = next_turn(
        Interpretation("Greeting", 0.95),
        "hello",
        DEFAULT_INTENT_SLOTS,
        active_intent="PlanTrip",
        active_slots={"destination": SlotValue("Rome", "Rome")},
        eliciting="duration",
    )

    assert (turn.intent, dict(turn.slots), turn.missing) == ("Greeting", {}, None)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("I love it", "positive"),
        ("awful, just awful", "negative"),
        ("The train leaves at noon", "neutral"),
        ("great view but terrible food", "mixed"),
    ],
)
def test_word_list_scorer_labels_and_sums_to_one(text: str, label: str) -> None:
    score = word_list_scorer(text)

    assert score.label == label
    assert score.positive + score.neutral + score.negative == pytest.approx(1.0, abs=0.011)
    assert min(score.positive, score.neutral, score.negative) >= 0


def test_scores_refuse_impossible_confidences() -> None:
    with pytest.raises(ValueError, match="sum to at most 1"):
        scores("positive", 0.8, 0.5)


def test_the_weather_world_is_deterministic_and_findable() -> None:
    when = datetime(2025, 6, 2, 12, tzinfo=UTC)

    assert [c.name for c in find_cities("paris", 5)] == ["Paris"]
    assert nearest_city(48.9, 2.4) == find_cities("Paris", 1)[0]
    assert nearest_city(0.0, -30.0) is None  # mid-Atlantic
    assert [condition_at(c, when) for c in CITIES] == [condition_at(c, when) for c in CITIES]
    assert len({condition_at(c, when).main for c in CITIES}) > 1
