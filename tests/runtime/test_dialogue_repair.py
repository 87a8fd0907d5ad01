"""Conversation repair through the real handler: context after a result, corrections,
digressions, cancel/thanks/goodbye, yes with more, several slots, cannot-handle, clarifying.

The clock is fixed (Monday 1 March 2027, 10:00 UTC). Where a behaviour depends on what the NLU
reports rather than on how it finds it (an ambiguous or unknown place, which the gazetteer
decides), a scripted understander replays that report for one message and lets the embedded
NLU read every other.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest

from runtime import services
from runtime.model import default_model
from runtime.nlu.embedded import EmbeddedNlu
from runtime.sentiment.embedded import EmbeddedSentiment
from runtime.types import DialogueState, NluContext, NluResult, Understanding
from runtime.understanding import EmbeddedUnderstander
from tests.conftest import chat_event
from tests.support.conversations import NOW, fixed_sources, gazetteer_places, in_one_session

Invoke = Callable[[dict[str, Any]], tuple[int, dict[str, str], Any]]


@functools.cache
def embedded() -> EmbeddedUnderstander:
    """One embedded understander at the fixed clock for the module (it is stateless)."""
    nlu = EmbeddedNlu(default_model(), today=lambda: NOW.date())
    return EmbeddedUnderstander(nlu, EmbeddedSentiment())


class Scripted:
    """The embedded understander, except for scripted messages whose NLU result is given."""

    def __init__(self, script: dict[str, NluResult]) -> None:
        self._inner = embedded()
        self._script = script

    def understand(self, text: str, context: NluContext, budget_s: float) -> Understanding:
        understood = self._inner.understand(text, context, budget_s)
        if text in self._script:
            return dataclasses.replace(understood, nlu=self._script[text])
        return understood


@pytest.fixture
def chat(runtime_services: Any, invoke: Invoke) -> Callable[..., Any]:
    """Starts services at the fixed clock; returns ``say(message, session=None, script=None)``."""
    started: dict[str, Any] = {}

    def start(script: dict[str, NluResult] | None = None) -> None:
        runtime_services(
            sources=fixed_sources(gazetteer_places()),
            clock=NOW.timestamp,
            understander=Scripted(script or {}),
        )
        started["yes"] = True

    def say(message: str, session: str | None = None) -> dict[str, Any]:
        if not started:
            start()
        body: dict[str, Any] = {"message": message}
        if session:
            body["sessionId"] = session
        status, _, reply = invoke(chat_event(body))
        assert status == 200, reply
        return dict(reply)

    say.start = start  # type: ignore[attr-defined]
    return say


# ------------------------------------------------------------------ 1. context after a result
def test_a_finished_plan_can_be_refined_without_repeating_it(chat: Any) -> None:
    # GIVEN a finished plan  WHEN the traveller asks for 7 days instead
    plan, longer = in_one_session(
        chat, "plan 5 days in Lisbon with $1500", "actually make it 7 days"
    )
    # THEN the plan is made again with the place and budget it had
    assert plan["dialogState"] == longer["dialogState"] == "Fulfilled"
    assert longer["slots"] == {
        "destination": "Lisbon",
        "duration": 7,
        "budget": {"amount": 1500, "currency": "USD"},
    }
    assert "7-day plan for Lisbon" in longer["reply"]


def test_a_budget_without_a_currency_keeps_the_currency_of_the_plan(chat: Any) -> None:
    _, cheaper = in_one_session(chat, "4 days in Vienna, budget 900 euros", "budget 2000 instead")
    assert cheaper["slots"]["budget"] == {"amount": 2000, "currency": "EUR"}


def test_a_lone_number_changes_the_budget_or_the_length_of_a_plan(chat: Any) -> None:
    _, richer, longer = in_one_session(
        chat, "plan 5 days in Rome with 1000 euros", "make it 1500 instead", "make it 8"
    )
    assert richer["slots"]["budget"] == {"amount": 1500, "currency": "EUR"}
    assert longer["slots"]["duration"] == 8


def test_a_new_request_of_the_same_kind_starts_afresh(chat: Any) -> None:
    _, rome = in_one_session(chat, "plan a week in Athens with $1200", "now plan a trip to Rome")
    assert (rome["dialogState"], rome["slots"]) == ("ElicitSlot", {"destination": "Rome"})


# ------------------------------------------------------------------ 2. corrections
def test_a_correction_says_what_changed(chat: Any) -> None:
    replies = in_one_session(
        chat, "I need a flight to Nairobi", "from Addis Ababa", "actually from Kigali"
    )
    corrected = replies[-1]
    assert corrected["slots"] == {"origin": "Kigali", "destination": "Nairobi"}
    assert corrected["reply"].startswith("OK, Kigali instead of Addis Ababa.")
    assert corrected["reply"].endswith("What date do you want to fly?")


def test_a_named_slot_is_changed_even_after_to(chat: Any) -> None:
    _, moved = in_one_session(
        chat, "flights from New York to Miami on the 20th", "change the origin to Boston"
    )
    assert moved["slots"] == {"origin": "Boston", "destination": "Miami", "date": "2027-03-20"}


# ------------------------------------------------------------------ 3. digression and resume
def test_a_side_question_is_answered_and_the_task_resumes(chat: Any) -> None:
    asked, weather, resumed = in_one_session(
        chat, "plan a trip to Tokyo", "is it warm in Tokyo right now?", "ok, 10 days"
    )
    assert asked["dialogState"] == "ElicitSlot"
    assert weather["intent"] == "CheckWeather"
    assert weather["reply"].endswith(
        "Back to your Tokyo trip: how long will your trip to Tokyo be?"
    )
    assert resumed["slots"] == {"destination": "Tokyo", "duration": 10}


def test_help_mid_task_is_followed_by_the_pending_question(chat: Any) -> None:
    _, helped = in_one_session(chat, "flights from Madrid please", "what can you do?")
    assert helped["intent"] == "Help"
    assert helped["reply"].endswith("Back to your flight search: where are you flying to?")


# ------------------------------------------------------------------ 4. cancel, thanks, goodbye
def test_cancel_drops_the_task_and_its_slots(runtime_services: Any, chat: Any) -> None:
    _, cancelled, fresh = in_one_session(
        chat, "flights from Boston to Dublin", "forget it", "plan a trip"
    )
    assert (cancelled["intent"], cancelled["dialogState"], cancelled["slots"]) == (
        "Cancel",
        "Fulfilled",
        {},
    )
    assert "what date" not in cancelled["reply"].lower()
    assert fresh["slots"] == {}


def test_cancelling_a_side_task_returns_to_the_interrupted_one(chat: Any) -> None:
    replies = in_one_session(chat, "plan a trip to Oslo", "flights to Bergen", "never mind")
    assert replies[-1]["intent"] == "Cancel"
    assert replies[-1]["reply"].endswith(
        "Back to your Oslo trip: how long will your trip to Oslo be?"
    )


def test_thanks_mid_task_keeps_the_task(chat: Any) -> None:
    _, thanked, answered = in_one_session(
        chat, "plan a trip to Seoul", "thank you so much", "5 days"
    )
    assert thanked["intent"] == "Thanks" and "Seoul" in thanked["reply"]
    assert answered["slots"] == {"destination": "Seoul", "duration": 5}


def test_goodbye_closes_and_forgets(runtime_services: Any, chat: Any) -> None:
    _, bye = in_one_session(chat, "plan a trip to Rome", "bye!")
    assert bye["intent"] == "Goodbye" and "how long" not in bye["reply"].lower()


# ------------------------------------------------------------------ 5. yes with more, several slots
def test_yes_with_an_origin_starts_the_offered_flight_search(chat: Any) -> None:
    _, flights = in_one_session(
        chat, "plan 3 days in Copenhagen with 1200 euros", "yes please, from Boston"
    )
    assert (flights["intent"], flights["slots"]) == (
        "FindFlights",
        {"destination": "Copenhagen", "origin": "Boston"},
    )


def test_one_answer_fills_several_slots(chat: Any) -> None:
    _, plan = in_one_session(chat, "I want to plan a getaway", "Rome, 6 days, 2000 euros")
    assert plan["dialogState"] == "Fulfilled"
    assert plan["slots"] == {
        "destination": "Rome",
        "duration": 6,
        "budget": {"amount": 2000, "currency": "EUR"},
    }


def test_thanks_after_an_offer_is_not_a_yes(chat: Any) -> None:
    _, thanked = in_one_session(chat, "plan 5 days in Rome with 1000 euros", "great thanks")
    assert thanked["intent"] == "Thanks" and "flying from" not in thanked["reply"].lower()


def test_an_ok_while_asked_something_asks_again_without_an_apology(chat: Any) -> None:
    _, _, okay = in_one_session(chat, "i want to go to lisbon", "is it raining in Lisbon?", "ok")
    assert okay["reply"] == "How long will your trip to Lisbon be?"


def test_the_day_after_follows_the_date_of_the_search(chat: Any) -> None:
    _, later = in_one_session(
        chat, "flights from Boston to Denver tomorrow", "what about the day after?"
    )
    assert later["slots"]["date"] == "2027-03-03"


# ------------------------------------------------------------------ 6. chitchat, cannot-handle
def test_small_talk_gets_a_friendly_answer(chat: Any) -> None:
    (answer,) = in_one_session(chat, "how are you?")
    assert answer["intent"] == "SmallTalk" and "didn't get" not in answer["reply"]


def test_out_of_scope_says_what_it_can_do_with_the_place_and_a_yes_plans_it(chat: Any) -> None:
    refused, planning = in_one_session(chat, "book me a hotel in Rome", "yes")
    assert refused["intent"] == "OutOfScope"
    assert refused["reply"].startswith("I can't book hotels")
    assert "plan a trip to Rome" in refused["reply"]
    assert (planning["intent"], planning["slots"]) == ("PlanTrip", {"destination": "Rome"})


def test_misunderstandings_in_a_row_never_repeat_a_reply(chat: Any) -> None:
    replies = [r["reply"] for r in in_one_session(chat, "asdfgh", "qwertz", "yxcvb", "poiuz")]
    assert all(a != b for a, b in itertools.pairwise(replies))
    assert all(word in replies[1] for word in ("plan", "weather", "flights"))


# ------------------------------------------------------------------ clarifying, dates
def ambiguous_place() -> NluResult:
    return NluResult(
        intent="CheckWeather",
        confidence=0.95,
        slots={},
        provider="embedded",
        ambiguous={"destination": ("Valencia, Spain", "Valencia, Venezuela")},
    )


@pytest.mark.parametrize("answer", ["the spanish one", "Spain", "the first"])
def test_an_ambiguous_place_is_asked_about_and_the_answer_picks_one(chat: Any, answer: str) -> None:
    # GIVEN an NLU that finds two places called Valencia
    chat.start({"weather in valencia": ambiguous_place()})
    # WHEN the traveller asks for the weather there and then answers the question
    asked, picked = in_one_session(chat, "weather in valencia", answer)
    # THEN the bot asks which one, naming both, and fills the one picked
    assert asked["dialogState"] == "ElicitSlot"
    assert asked["reply"] == "Which Valencia do you mean: Valencia, Spain or Valencia, Venezuela?"
    assert (picked["intent"], picked["slots"]) == (
        "CheckWeather",
        {"destination": "Valencia, Spain"},
    )


def test_an_unknown_place_is_named_back_not_dropped(chat: Any) -> None:
    unknown = NluResult(
        intent="PlanTrip",
        confidence=0.9,
        slots={},
        provider="embedded",
        unresolved={"destination": "Atlantis"},
    )
    chat.start({"plan a trip to Atlantis": unknown})
    (asked,) = in_one_session(chat, "plan a trip to Atlantis")
    assert (
        asked["reply"] == 'I couldn\'t find a place called "Atlantis". Where would you like to go?'
    )


def test_a_numeric_date_that_reads_two_ways_is_asked_about(chat: Any) -> None:
    asked, picked = in_one_session(chat, "flights from Paris to Madrid on 03/04/2027", "the second")
    assert asked["reply"] == "Do you mean Sat 3 Apr or Thu 4 Mar?"
    assert picked["slots"]["date"] == "2027-03-04"


def test_a_past_date_is_called_past(chat: Any) -> None:
    (asked,) = in_one_session(chat, "flights from Rome to Paris yesterday")
    assert asked["dialogState"] == "ElicitSlot" and "date" not in asked["slots"]
    assert asked["reply"].startswith("Sun 28 Feb is in the past.")


def test_a_return_before_the_departure_is_asked_again(chat: Any) -> None:
    (asked,) = in_one_session(chat, "flights from Rome to Tokyo leaving may 20, back may 10")
    assert asked["dialogState"] == "ElicitSlot"
    assert "before your departure" in asked["reply"]


def test_a_round_trip_asks_for_the_return_and_shows_both_days(chat: Any) -> None:
    asked, found = in_one_session(chat, "round trip from Amsterdam to Lisbon on April 2", "April 9")
    assert asked["reply"] == "When do you want to fly back?"
    assert found["slots"]["returnDate"] == "2027-04-09"
    assert "out Fri 2 Apr, back Fri 9 Apr" in found["reply"]


# ------------------------------------------------------------------ the stored state
def test_a_state_stored_before_this_version_still_loads() -> None:
    # GIVEN a state as the previous version stored it, and a key from a newer one
    old = {
        "intent": "PlanTrip",
        "slots": {"destination": "Lisbon"},
        "eliciting_slot": "duration",
        "last_place": "Lisbon",
        "turn_count": 2,
        "fallback_count": 0,
        "offer": None,
        "from_the_future": True,
    }
    # WHEN it is read
    state = DialogueState.from_dict(old)
    # THEN it is a task in progress with no repair memory yet
    assert (state.intent, state.eliciting_slot, state.completed, state.paused) == (
        "PlanTrip",
        "duration",
        False,
        None,
    )


def test_damaged_nested_memory_degrades_to_none() -> None:
    # GIVEN a stored state whose paused task and question are not in their shape
    state = DialogueState.from_dict(
        {
            "intent": "FindFlights",
            "slots": {"date": "not-a-day"},
            "eliciting_slot": "returnDate",
            "paused": {"intent": "PlanTrip", "slots": "Oslo"},
            "clarifying": {"slot": "date", "options": "2027-04-03"},
        }
    )
    # THEN neither is trusted, and the task itself still reads
    assert (state.paused, state.clarifying, state.intent) == (None, None, "FindFlights")


def test_a_damaged_date_in_the_stored_state_does_not_break_the_turn(
    runtime_services: Any, chat: Any
) -> None:
    # GIVEN a session whose stored flight search holds a date that is no day
    (first,) = in_one_session(chat, "flights from Rome to Paris")
    store = services.current().store
    damaged = DialogueState(
        intent="FindFlights",
        slots={"origin": "Rome", "destination": "Paris", "date": "someday"},
        completed=True,
    )
    store.put_state(first["sessionId"], damaged)
    # WHEN the traveller adds a return date
    back = chat("and back on the 14th", first["sessionId"])
    # THEN the turn is answered, not a server error
    assert back["intent"] == "FindFlights" and back["dialogState"] in ("ElicitSlot", "Fulfilled")


def test_the_state_survives_json() -> None:
    state = DialogueState(
        intent="FindFlights",
        slots={"origin": "Rome", "date": "2027-04-03"},
        completed=True,
        paused={
            "intent": "PlanTrip",
            "slots": {"destination": "Oslo"},
            "eliciting_slot": "duration",
        },
        clarifying={"slot": "date", "options": ["2027-04-03", "2027-03-04"]},
        last_date="2027-04-03",
    )
    assert DialogueState.from_dict(json.loads(json.dumps(state.to_dict()))) == state


def test_the_fixed_clock_is_a_monday() -> None:
    assert NOW.date() == dt.date(2027, 3, 1) and NOW.date().weekday() == 0
