"""Follow-ups that keep the conversation's thread (issue 11, second round), through the handler.

Each task's last answer outlives a digression; an elliptical question after a side answer asks
that side question again; what a cannot-handle request named carries over in its roles; the
offered alternative is taken when someone settles for it; trip types and relative dates change
a flight search; a which-one answer gives every slot it carries; replies show days as people
read them. The clock is Monday 1 March 2027, the weather fixed (see
:mod:`tests.support.conversations`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from runtime.types import DialogueState
from tests.support.conversations import handler_sender, in_one_session

Talk = Callable[..., list[dict[str, Any]]]


@pytest.fixture(scope="module")
def talk() -> Iterator[Talk]:
    """``talk(*messages)``: the replies to ``messages`` sent in one new session."""
    with handler_sender() as send:
        yield functools.partial(in_one_session, send)


# ------------------------------------------------------------------ answers outlive digressions
def test_a_plan_refined_after_a_weather_question_keeps_its_budget(talk: Talk) -> None:
    # GIVEN a plan, then a weather question about its place
    *_, longer = talk(
        "plan a week in Reykjavik with 1200 pounds", "weather there?", "ok make it 10 days"
    )
    # WHEN the plan is refined  THEN it is made again with every slot it had
    assert (longer["intent"], longer["dialogState"]) == ("PlanTrip", "Fulfilled")
    assert longer["slots"] == {
        "destination": "Reykjavik",
        "duration": 10,
        "budget": {"amount": 1200, "currency": "GBP"},
    }


def test_an_elliptical_question_after_a_side_answer_asks_that_side_question_again(
    talk: Talk,
) -> None:
    # GIVEN a trip being planned and a weather side question answered
    _, weather, again, resumed = talk(
        "plan a trip to Vancouver", "what's the weather there?", "and in Whistler?", "4 days"
    )
    # WHEN "and in Whistler?" follows
    # THEN it is the weather in Whistler, and the Vancouver trip goes on afterwards
    assert weather["reply"].endswith("how long will your trip to Vancouver be?")
    assert (again["intent"], again["slots"]) == ("CheckWeather", {"destination": "Whistler"})
    assert "Back to your Vancouver trip" in again["reply"]
    assert resumed["slots"] == {"destination": "Vancouver", "duration": 4}


def test_a_correction_after_a_side_answer_still_changes_the_task_in_progress(
    talk: Talk,
) -> None:
    *_, changed = talk(
        "plan a trip to Vancouver", "what's the weather there?", "actually make it Whistler"
    )
    assert (changed["intent"], changed["slots"]) == ("PlanTrip", {"destination": "Whistler"})


# ------------------------------------------------------------------ cannot-handle, then a task
def test_the_places_of_an_out_of_scope_request_carry_over_in_their_roles(talk: Talk) -> None:
    # GIVEN train tickets asked for between two places (which the bot cannot book)
    asked, flights = talk("can you book a train from Paris to Lyon?", "ok flights then, friday")
    # WHEN flights are asked for instead
    # THEN the search goes from the first place to the second, on the day said
    assert asked["intent"] == "OutOfScope"
    assert asked["slots"] == {"origin": "Paris", "destination": "Lyon"}
    assert (flights["intent"], flights["dialogState"]) == ("FindFlights", "Fulfilled")
    assert flights["slots"] == {"origin": "Paris", "destination": "Lyon", "date": "2027-03-05"}


def test_after_a_search_instead_of_a_booking_settling_for_it_shows_it_again(talk: Talk) -> None:
    booked, shown = talk(
        "book me a flight from London to Paris on the 20th", "ok just show me the options then"
    )
    assert "can't book" in booked["reply"]
    assert (shown["intent"], shown["dialogState"]) == ("FindFlights", "Fulfilled")
    assert shown["slots"] == {"origin": "London", "destination": "Paris", "date": "2027-03-20"}


def test_settling_words_do_not_override_a_request_for_another_task(talk: Talk) -> None:
    _, weather = talk("I need a hotel in Lisbon", "fine, just the weather there then")
    assert (weather["intent"], weather["slots"]) == ("CheckWeather", {"destination": "Lisbon"})


def test_a_booking_request_still_missing_a_slot_says_at_once_that_it_cannot_book(
    talk: Talk,
) -> None:
    [asked] = talk("book me a flight to Rome")
    assert asked["dialogState"] == "ElicitSlot"
    assert asked["reply"].startswith("I can't book flights myself")


def test_a_question_about_a_place_that_is_not_the_weather_offers_what_can_be_done(
    talk: Talk,
) -> None:
    asked, planned = talk("what's the population of Japan?", "yes")
    assert (asked["intent"], asked["slots"]) == ("OutOfScope", {"destination": "Japan"})
    assert "°C" not in asked["reply"] and "plan a trip to Japan" in asked["reply"]
    assert (planned["intent"], planned["slots"]) == ("PlanTrip", {"destination": "Japan"})


def test_a_message_not_understood_names_the_place_it_mentions(talk: Talk) -> None:
    [asked] = talk("tell me about Lisbon")
    assert asked["intent"] == "FallbackIntent" and asked["slots"] == {}
    assert "Lisbon" in asked["reply"]


# ------------------------------------------------------------------ flight searches
@pytest.mark.parametrize(
    "one_way", ["can you do one way only?", "I don't need a return flight", "make it one-way"]
)
def test_a_one_way_request_in_other_words_drops_the_return(talk: Talk, one_way: str) -> None:
    _, single = talk("flights from Manchester to Malaga 20/06 - 27/06", one_way)
    assert (single["intent"], single["dialogState"]) == ("FindFlights", "Fulfilled")
    assert "returnDate" not in single["slots"]
    assert single["slots"]["origin"] == "Manchester"


def test_a_return_later_than_the_first_counts_from_the_departure(talk: Talk) -> None:
    _, later = talk(
        "flights from Amsterdam to Split on June 1, back a week later", "two weeks later instead"
    )
    assert later["slots"]["date"] == "2027-06-01"
    assert later["slots"]["returnDate"] == "2027-06-15"


def test_a_bare_day_after_a_changed_return_changes_the_return_again(talk: Talk) -> None:
    *_, moved = talk(
        "flights from Lisbon to Porto on friday", "and back sunday", "make it monday instead"
    )
    assert moved["slots"]["date"] == "2027-03-05"
    assert moved["slots"]["returnDate"] == "2027-03-08"


# ------------------------------------------------------------------ clarification, units, dates
def test_an_answer_to_which_one_gives_every_slot_it_carries(talk: Talk) -> None:
    asked, planned = talk("plan 4 days in Portland", "the one in Oregon, and $1000")
    assert asked["dialogState"] == "ElicitSlot"
    assert planned["dialogState"] == "Fulfilled"
    assert planned["slots"]["budget"] == {"amount": 1000, "currency": "USD"}
    assert planned["slots"]["duration"] == 4


def test_a_currency_alone_changes_the_plans_currency_and_says_so(talk: Talk) -> None:
    _, pounds = talk("plan 3 days in London, 800 dollars", "sorry, pounds not dollars")
    assert pounds["slots"]["budget"] == {"amount": 800, "currency": "GBP"}
    assert pounds["reply"].startswith("OK, £800 instead of $800.")


def test_a_weather_answer_shows_its_days_as_people_read_them(talk: Talk) -> None:
    [weather] = talk("weather in Dubai")
    assert "Tue 2 Mar" in weather["reply"]
    assert re.search(r"\d{4}-\d{2}-\d{2}", weather["reply"]) is None


# ------------------------------------------------------------------ calling off
def test_calling_off_the_task_with_a_new_request_answers_only_the_request(talk: Talk) -> None:
    # GIVEN a trip being planned
    # WHEN the next message calls it off and asks something else
    _, weather, after = talk(
        "plan a trip to Santorini", "forget the trip, what's the weather in Athens?", "thanks"
    )
    # THEN the other question is answered and the trip does not come back
    assert (weather["intent"], weather["slots"]) == ("CheckWeather", {"destination": "Athens"})
    assert "Santorini" not in weather["reply"] + after["reply"]


def test_calling_off_a_side_question_keeps_the_task_in_progress(talk: Talk) -> None:
    *_, dropped, answered = talk(
        "flights from Hamburg to Palma",
        "is it sunny in Palma?",
        "never mind the weather",
        "the 19th",
    )
    assert dropped["intent"] == "Cancel"
    assert dropped["reply"].endswith("what date do you want to fly?")
    assert answered["slots"] == {"origin": "Hamburg", "destination": "Palma", "date": "2027-03-19"}


def test_a_bare_yes_with_nothing_asked_is_agreement_not_a_misunderstanding(talk: Talk) -> None:
    _, agreed = talk("flights from Riga to Tallinn on the 11th", "yes")
    assert agreed["intent"] == "SmallTalk"
    assert "didn't get that" not in agreed["reply"]


# ------------------------------------------------------------------ stored state
def test_a_state_stored_before_this_round_still_loads() -> None:
    # GIVEN a state as an older version stored it, without the new fields
    old = {"intent": "PlanTrip", "slots": {"destination": "Rome"}, "eliciting_slot": "duration"}
    # WHEN it is loaded  THEN the new memory is empty
    state = DialogueState.from_dict(old)
    assert (state.answered, state.aside, state.mentioned, state.focus) == ({}, None, {}, None)


def test_damaged_answer_memory_degrades_to_none() -> None:
    state = DialogueState.from_dict({"answered": {"PlanTrip": "oops", "CheckWeather": {}}})
    assert state.answered == {"CheckWeather": {}}
    assert DialogueState.from_dict({"answered": ["x"], "mentioned": 3}).answered == {}


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("how much is a flight to Paris?", "FindFlights"),
        ("any tips for visiting Rome?", "PlanTrip"),
        ("how much does a hotel cost in Rome?", "OutOfScope"),
    ],
)
def test_a_request_in_a_tasks_own_words_is_that_task_unless_it_names_what_cannot_be_done(
    talk: Talk, text: str, intent: str
) -> None:
    [answer] = talk(text)
    assert answer["intent"] == intent


# ------------------------------------------------------------------ changes without a value
@pytest.mark.parametrize(
    ("messages", "slot"),
    [
        (("plan 5 days in Amsterdam with 1000 euros", "can you make it cheaper?"), "budget"),
        (("flights from Paris to Rome on friday", "can we try a different date?"), "date"),
        (("plan 3 days in Oslo with 900 euros", "hmm, somewhere else"), "destination"),
    ],
)
def test_a_change_without_a_new_value_asks_for_that_slot_again(
    talk: Talk, messages: tuple[str, str], slot: str
) -> None:
    # GIVEN an answered task  WHEN the traveller wants a slot changed but says not to what
    *_, asked = talk(*messages)
    # THEN that slot is asked for again, and the others are kept
    assert asked["dialogState"] == "ElicitSlot"
    assert slot not in asked["slots"] and len(asked["slots"]) >= 2


def test_a_bare_amount_after_the_budget_was_reopened_keeps_its_currency(talk: Talk) -> None:
    *_, planned = talk("plan 4 days in Zurich with 2000 francs", "can we go cheaper?", "1200")
    assert planned["slots"]["budget"] == {"amount": 1200, "currency": "CHF"}


def test_a_value_ruled_out_gives_its_slot_to_the_new_one(talk: Talk) -> None:
    _, moved = talk("flights from Montreal to Vancouver on the 8th", "not montreal, toronto")
    assert (moved["slots"]["origin"], moved["slots"]["destination"]) == ("Toronto", "Vancouver")


# ------------------------------------------------------------------ declining an offer
@pytest.mark.parametrize("no", ["not yet, maybe later", "nah I'm good", "no"])
def test_a_no_to_an_offer_in_any_words_keeps_the_conversation(talk: Talk, no: str) -> None:
    # GIVEN a plan whose reply offers flights  WHEN the traveller declines in their own words
    _, declined, weather = talk("plan 5 days in Vienna with 1000 euros", no, "weather there?")
    # THEN it is a polite no that forgets nothing: the plan's place is still "there"
    assert declined["intent"] == "Cancel" and declined["reply"].startswith("No problem.")
    assert (weather["intent"], weather["slots"]) == ("CheckWeather", {"destination": "Vienna"})


def test_a_no_thanks_that_asks_something_else_gets_no_apology(talk: Talk) -> None:
    _, weather = talk("plan 5 days in Vienna with 1000 euros", "no thanks, just the weather")
    assert weather["intent"] == "CheckWeather"
    assert not weather["reply"].startswith("I'm sorry")


def test_a_hesitation_before_an_elliptical_question_changes_nothing(talk: Talk) -> None:
    *_, again = talk("plan a trip to Vancouver", "weather there?", "hmm, and in Whistler?")
    assert (again["intent"], again["slots"]) == ("CheckWeather", {"destination": "Whistler"})


def test_everything_an_out_of_scope_request_named_carries_over_to_the_plan(talk: Talk) -> None:
    _, planned = talk(
        "can you book me a hotel in Rome for 3 nights under 500 euros", "ok, plan it then"
    )
    assert (planned["intent"], planned["dialogState"]) == ("PlanTrip", "Fulfilled")
    assert planned["slots"] == {
        "destination": "Rome",
        "duration": 3,
        "budget": {"amount": 500, "currency": "EUR"},
    }


def test_asking_for_the_offered_task_in_its_own_words_takes_the_offer(talk: Talk) -> None:
    # GIVEN a plan whose reply offers flights there
    _, flights = talk("plan 5 days in Vienna with 1000 euros", "and flights?")
    # WHEN flights are asked for without a yes  THEN the search goes to the plan's place
    assert (flights["intent"], flights["slots"]) == ("FindFlights", {"destination": "Vienna"})


def test_a_search_of_its_own_after_the_offer_keeps_its_own_places(talk: Talk) -> None:
    _, flights = talk(
        "plan 5 days in Vienna with 1000 euros", "flights from Paris to Rome tomorrow"
    )
    assert flights["slots"] == {"origin": "Paris", "destination": "Rome", "date": "2027-03-02"}


@pytest.mark.parametrize(
    "refinement",
    ["we have 1000 now", "ok we have 1000", "we can spend 1000 max", "with 1k instead"],
)
def test_a_new_sum_said_in_passing_changes_the_plans_budget(talk: Talk, refinement: str) -> None:
    # GIVEN a plan (which offers flights) / WHEN the traveller says in passing what they can spend
    _, changed = talk("plan 3 days in Paris with 500 euros", refinement)
    # THEN the plan is made again with that budget, in the plan's currency, and nothing is lost
    assert (changed["intent"], changed["dialogState"]) == ("PlanTrip", "Fulfilled")
    assert changed["slots"] == {
        "destination": "Paris",
        "duration": 3,
        "budget": {"amount": 1000, "currency": "EUR"},
    }
    assert changed["reply"].startswith("OK, €1,000 instead of €500.")


@pytest.mark.parametrize(
    ("opening", "answer"),
    [("plan 10 days in Bali", "we have about 8k"), ("plan 10 days in Bali", "around 8000 tops")],
)
def test_a_hedged_sum_answers_the_budget_question(talk: Talk, opening: str, answer: str) -> None:
    _, planned = talk(opening, answer)
    assert planned["dialogState"] == "Fulfilled"
    assert planned["slots"]["budget"] == {"amount": 8000, "currency": "USD"}


@pytest.mark.parametrize(
    "message", ["plan 10 days in Bali with 8k", "plan 10 days in Bali with 8000"]
)
def test_a_sum_without_a_currency_after_with_is_the_budget(talk: Talk, message: str) -> None:
    [planned] = talk(message)
    assert planned["slots"]["budget"] == {"amount": 8000, "currency": "USD"}


@pytest.mark.parametrize(
    "message",
    [
        "plan 5 days in Rome with 2 kids",
        "plan 5 days in Rome with 100 people",
        "we have 3 days in Rome",
    ],
)
def test_a_count_of_people_or_days_is_no_budget(talk: Talk, message: str) -> None:
    [reply] = talk(message)
    assert "budget" not in reply["slots"]


def test_venting_mid_task_gets_empathy_and_the_question_again_not_a_misunderstanding(
    talk: Talk,
) -> None:
    # GIVEN a flight search asking for the date / WHEN the traveller vents
    _, vented, answered = talk(
        "i need flights from lima to quito", "ugh i hate planning trips", "may 3"
    )
    # THEN empathy, then the pending question, with no "didn't get that"
    assert vented["intent"] == "SmallTalk"
    assert "didn't get that" not in vented["reply"]
    assert vented["reply"].startswith("I'm sorry things are frustrating.")
    assert vented["reply"].endswith("what date do you want to fly?")
    # ... and the task goes on
    assert (answered["dialogState"], answered["slots"]["origin"]) == ("Fulfilled", "Lima")


def test_venting_with_nothing_in_hand_offers_what_the_bot_can_do(talk: Talk) -> None:
    [vented] = talk("ugh this is so annoying")
    assert vented["intent"] == "SmallTalk"
    assert "didn't get that" not in vented["reply"]
    assert "plan a trip" in vented["reply"]


def test_gibberish_is_still_a_misunderstanding_however_negative_it_sounds(talk: Talk) -> None:
    # GIVEN gibberish with no word of frustration / THEN it is not taken for venting
    [reply] = talk("hmm blah blah")
    assert reply["intent"] == "FallbackIntent"
    assert "didn't get that" in reply["reply"]


def test_a_country_as_a_flights_end_asks_which_of_its_cities(talk: Talk) -> None:
    # GIVEN a flight search to a country, which has no airport of its own
    asked, picked = talk("flights from dublin to portugal on april 12", "the second one")
    # THEN the bot asks which city, offering cities with an airport, as buttons
    assert asked["dialogState"] == "ElicitSlot"
    assert asked["reply"] == (
        "Portugal is a country: which city are you flying to? For example Lisbon, Porto or Funchal."
    )
    assert [q["message"] for q in asked["quickReplies"]] == ["Lisbon", "Porto", "Funchal"]
    assert "destination" not in asked["slots"]
    # ... and an answer picks one, the rest of the search kept
    assert (picked["dialogState"], picked["slots"]["destination"]) == ("Fulfilled", "Porto")
    assert picked["slots"]["origin"] == "Dublin"


def test_a_city_not_offered_is_still_a_fine_answer(talk: Talk) -> None:
    *_, answered = talk("flights from japan to dublin tomorrow", "Kyoto")
    assert (answered["dialogState"], answered["slots"]["origin"]) == ("Fulfilled", "Kyoto")


def test_a_country_is_asked_about_as_soon_as_it_is_named_for_a_flight(talk: Talk) -> None:
    # GIVEN a flight search to a country with nothing else said
    [asked] = talk("flights to japan")
    # THEN which city comes first, before the origin and the date
    assert asked["reply"].startswith("Japan is a country: which city are you flying to?")
    assert asked["slots"] == {}
