"""Verb-less trip fragments ("munich for oktoberfest", "nepal trekking") read as a plan, with
their guards: statements about the user, questions about a place, small talk, origins, ambiguous
and unknown places, and a fragment in the middle of a task.

The NLU's reading is checked on :class:`EmbeddedNlu` alone; what the bot then does, through the
real handler. The fragments are our own, none from ``tests/data/``. The clock is Monday 1 March
2027, the weather fixed (see :mod:`tests.support.conversations`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from runtime.model import default_model
from runtime.nlu.embedded import EmbeddedNlu
from runtime.nlu.fragments import trip_purpose
from runtime.types import NluContext
from tests.support.conversations import handler_sender, in_one_session

TODAY = dt.date(2027, 3, 1)
FRESH = NluContext(session_id="s")

Talk = Callable[..., list[dict[str, Any]]]


@pytest.fixture(scope="module")
def nlu() -> EmbeddedNlu:
    return EmbeddedNlu(default_model(), today=lambda: TODAY)


@pytest.fixture(scope="module")
def talk() -> Iterator[Talk]:
    """``talk(*messages)``: the replies to ``messages`` sent in one new session."""
    with handler_sender() as send:
        yield functools.partial(in_one_session, send)


# ------------------------------------------------------------------ the reading
@pytest.mark.parametrize(
    ("text", "destination"),
    [
        ("edinburgh for hogmanay", "Edinburgh"),  # an event after "for"
        ("kyoto for cherry blossom season", "Kyoto"),
        ("nepal trekking", "Nepal"),  # an activity
        ("ibiza clubbing", "Ibiza"),
        ("maldives diving", "Maldives"),
        ("vienna christmas markets", "Vienna"),  # a plural of the lexicon
        ("lisbon for my 40th", "Lisbon"),  # no lexicon word: a short purpose after "<place> for"
        ("tokyo for work", "Tokyo"),
        ("oktoberfest in munich", "Munich"),  # the purpose first
    ],
)
def test_a_place_with_a_trip_purpose_is_a_plan_to_that_place(
    nlu: EmbeddedNlu, text: str, destination: str
) -> None:
    # GIVEN a verb-less fragment the classifier cannot place  WHEN it is read
    result = nlu.recognize(text, FRESH)
    # THEN it is a plan to its place
    assert (result.intent, result.slots) == ("PlanTrip", {"destination": destination})


@pytest.mark.parametrize(
    "text",
    [
        "I live in Paris",  # a statement about the user
        "we were in Lisbon for new year",
        "my sister is in Rome for easter",  # about someone else
        "history of Rome",  # a question about a place: no purpose
        "lol paris",  # small talk naming a place
        "lisbon for sure",  # an idiom, not a purpose
    ],
)
def test_a_sentence_or_a_place_without_a_purpose_is_no_trip(nlu: EmbeddedNlu, text: str) -> None:
    # GIVEN a message naming a place that is no trip fragment  WHEN it is read
    result = nlu.recognize(text, FRESH)
    # THEN it is not read as a plan
    assert result.intent != "PlanTrip"


def test_a_place_named_as_where_one_comes_from_is_no_trip_there(nlu: EmbeddedNlu) -> None:
    # GIVEN a purpose and a place after "from"  WHEN it is read
    result = nlu.recognize("from lyon for christmas", FRESH)
    # THEN Lyon is no destination
    assert result.slots.get("destination") != "Lyon"


def test_a_fragment_with_two_places_is_left_to_the_classifier(nlu: EmbeddedNlu) -> None:
    # GIVEN two places and a purpose: which one is the trip is not said
    result = nlu.recognize("rome or milan for easter", FRESH)
    # THEN the fragment reading does not pick one
    assert result.intent != "PlanTrip" or "destination" not in result.slots


def test_an_ambiguous_place_in_a_fragment_is_offered_as_a_choice(nlu: EmbeddedNlu) -> None:
    result = nlu.recognize("springfield for thanksgiving", FRESH)
    assert result.intent == "PlanTrip"
    assert "destination" not in result.slots
    assert len(result.ambiguous["destination"]) >= 2


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("seville for easter", True),
        ("palma sailing holiday", True),
        ("what's the population of Japan?", False),  # a question word
        ("when is oktoberfest in munich?", False),
        ("paris is lovely in the spring", False),  # a form of "be"
        ("i'm in rome for christmas", False),  # a subject pronoun
        ("we don't like skiing", False),  # a negation
    ],
)
def test_a_trip_purpose_without_a_place_span_needs_a_fragment(text: str, fragment: bool) -> None:
    # GIVEN a message whose place's position is unknown (a cloud NLU's reading)
    # WHEN it is asked whether it reads as a trip  THEN only fragments with a purpose do
    assert trip_purpose(text) is fragment


def test_a_generic_for_phrase_needs_the_place_span(nlu: EmbeddedNlu) -> None:
    # GIVEN "<place> for <phrase>" with no lexicon word
    # WHEN the place's span is not known  THEN it is no purpose (any word may be the place)
    assert trip_purpose("lisbon for my 40th") is False
    # WHEN it is known  THEN the phrase after "for" is the purpose
    assert trip_purpose("lisbon for my 40th", (0, 6)) is True


# ------------------------------------------------------------------ in the middle of a task
def test_a_fragment_that_answers_the_question_asked_stays_with_the_task(nlu: EmbeddedNlu) -> None:
    # GIVEN a flight search asking where to
    context = NluContext(
        session_id="s",
        active_intent="FindFlights",
        eliciting_slot="destination",
        slots={"origin": "Boston"},
    )
    # WHEN a trip fragment names a place
    result = nlu.recognize("vienna for the christmas markets", context)
    # THEN it is the flight's destination
    assert (result.intent, result.slots) == ("FindFlights", {"destination": "Vienna"})


def test_a_fragment_after_a_weather_answer_is_a_trip_not_the_weather_again(
    nlu: EmbeddedNlu,
) -> None:
    # GIVEN the weather in Vienna was answered
    context = NluContext(
        session_id="s",
        active_intent="CheckWeather",
        slots={"destination": "Vienna"},
        completed=True,
        answered={"CheckWeather": {"destination": "Vienna"}},
    )
    # WHEN a trip fragment about Vienna follows  THEN it is a plan
    result = nlu.recognize("vienna for the christmas markets", context)
    assert (result.intent, result.slots) == ("PlanTrip", {"destination": "Vienna"})


# ------------------------------------------------------------------ what the bot does
def test_a_trip_fragment_starts_a_plan_and_asks_the_next_question(talk: Talk) -> None:
    # GIVEN a new conversation  WHEN the traveller names a place and an event
    (reply,) = talk("edinburgh for hogmanay")
    # THEN the plan starts there and asks how long
    assert (reply["intent"], reply["dialogState"]) == ("PlanTrip", "ElicitSlot")
    assert reply["slots"] == {"destination": "Edinburgh"}
    assert "how long" in reply["reply"].lower()


def test_a_trip_fragment_the_classifier_reads_as_weather_is_a_plan(talk: Talk) -> None:
    # GIVEN a fragment the classifier calls weather though it says nothing of the weather
    (reply,) = talk("seville for easter")
    # THEN it is a plan to Seville, not a cannot-handle answer
    assert (reply["intent"], reply["slots"]) == ("PlanTrip", {"destination": "Seville"})


def test_a_trip_fragment_with_an_ambiguous_place_asks_which_one(talk: Talk) -> None:
    reply, chosen = talk("portland for christmas", "maine")
    assert (reply["intent"], reply["dialogState"]) == ("PlanTrip", "ElicitSlot")
    assert "Portland, Maine" in reply["reply"] and "Portland, Oregon" in reply["reply"]
    assert chosen["slots"] == {"destination": "Portland, Maine"}


def test_a_trip_fragment_with_a_place_that_names_nothing_says_so(talk: Talk) -> None:
    (reply,) = talk("skiing in zorbania")
    assert reply["intent"] == "PlanTrip"
    assert "couldn't find" in reply["reply"] and "zorbania" in reply["reply"].lower()


def test_a_statement_about_where_the_user_lives_starts_no_plan(talk: Talk) -> None:
    (reply,) = talk("I live in Paris")
    assert reply["intent"] != "PlanTrip"
    assert "how long" not in reply["reply"].lower()


def test_a_question_about_a_place_stays_out_of_scope(talk: Talk) -> None:
    (reply,) = talk("when is oktoberfest in munich?")
    assert reply["intent"] == "OutOfScope"


def test_a_fragment_naming_something_the_bot_cannot_do_stays_cannot_handle(talk: Talk) -> None:
    # GIVEN a place and a restaurant  THEN the bot says it cannot book tables, and offers a plan
    (reply,) = talk("rome for dinner")
    assert reply["intent"] == "OutOfScope"
    assert "restaurants" in reply["reply"] and "plan a trip to Rome" in reply["reply"]


def test_a_fragment_answering_where_to_keeps_the_flight_search(talk: Talk) -> None:
    _, answered = talk("i need a flight from boston", "vienna for the christmas markets")
    assert (answered["intent"], answered["dialogState"]) == ("FindFlights", "ElicitSlot")
    assert answered["slots"] == {"origin": "Boston", "destination": "Vienna"}
