"""The small rules the dialogue and the NLU share: picking an option, reading an answer in
context, the roles of dates and places, and how values are shown."""

from __future__ import annotations

import datetime as dt

import pytest

from runtime.dialogue.clarify import pick
from runtime.dialogue.cues import called_off, plain_yes, refines, settles_for, trip_type_change
from runtime.dialogue.display import human_date, lower_first, prompt, shown
from runtime.dialogue.topics import SMALL_TALK_TOPICS, out_of_scope, topic_of
from runtime.model import default_model
from runtime.nlu.dates import find_dates
from runtime.nlu.entities import Mention
from runtime.nlu.in_context import accepts, answers_in_context, residue
from runtime.nlu.slot_roles import bare_budget, bare_number, date_roles, place_role

TODAY = dt.date(2027, 3, 1)
PORTLANDS = ["Portland, Oregon", "Portland, Maine"]
VALENCIAS = ["Valencia, Spain", "Valencia, Venezuela"]


@pytest.mark.parametrize(
    ("answer", "options", "picked"),
    [
        ("the first one", PORTLANDS, "Portland, Oregon"),
        ("second", PORTLANDS, "Portland, Maine"),
        ("the latter", PORTLANDS, "Portland, Maine"),
        ("Maine please", PORTLANDS, "Portland, Maine"),
        ("the one in oregon", PORTLANDS, "Portland, Oregon"),
        ("the spanish one", VALENCIAS, "Valencia, Spain"),
        ("venezuelan", VALENCIAS, "Valencia, Venezuela"),
        ("april", ["2027-04-03", "2027-03-04"], "2027-04-03"),
        ("the european way", ["2027-04-03", "2027-03-04"], "2027-04-03"),
        ("american style", ["2027-04-03", "2027-03-04"], "2027-03-04"),
    ],
)
def test_an_answer_picks_an_option_by_position_name_or_nationality(
    answer: str, options: list[str], picked: str
) -> None:
    assert pick(answer, None, options) == picked


def test_a_value_the_nlu_read_picks_its_option_and_an_unclear_answer_picks_none() -> None:
    assert pick("4 march", "2027-03-04", ["2027-04-03", "2027-03-04"]) == "2027-03-04"
    assert pick("portland", None, PORTLANDS) is None
    assert pick("hmm", None, VALENCIAS) is None


def mentions(text: str) -> list[Mention]:
    return find_dates(text, TODAY)


@pytest.mark.parametrize(
    "text", ["sorry, I meant the 22nd", "what about the 22nd?", "and back on the 22nd", "the 22nd"]
)
def test_values_with_connective_words_only_answer_the_task(text: str) -> None:
    assert residue(text, mentions(text)) == []
    assert answers_in_context(
        text,
        mentions(text),
        expected="FindFlights",
        predicted="SmallTalk",
        confidence=0.99,
        threshold=0.55,
    )


def test_a_question_of_its_own_is_left_to_a_confident_classifier() -> None:
    text = "how are you today?"
    assert residue(text, mentions(text)) == ["how"]  # a question word is never connective
    assert not answers_in_context(
        text,
        mentions(text),
        expected="FindFlights",
        predicted="SmallTalk",
        confidence=0.96,
        threshold=0.55,
    )
    assert answers_in_context(
        text,
        mentions(text),
        expected="FindFlights",
        predicted="SmallTalk",
        confidence=0.4,
        threshold=0.55,
    )


def test_a_yes_opens_an_acceptance_but_a_no_does_not() -> None:
    assert accepts("yes please, from Boston") and accepts("Sure, on friday")
    assert not accepts("no thanks") and not accepts("yesterday")


def test_dates_take_roles_from_their_cues_and_ranges() -> None:
    text = "leaving may 20, back may 10"
    assert date_roles(mentions(text), text, ["date", "returnDate"], None) == ["date", "returnDate"]
    text = "may 1 - may 15"
    assert date_roles(mentions(text), text, ["date", "returnDate"], None) == ["date", "returnDate"]
    text = "the 14th"
    assert date_roles(mentions(text), text, ["date", "returnDate"], "returnDate") == ["returnDate"]
    assert date_roles(mentions(text), text, ["date"], None) == ["date"]


def test_a_place_after_a_named_origin_is_the_origin() -> None:
    text = "change the origin to Boston"
    boston = Mention("place", text.index("Boston"), len(text), "Boston", cue="to")
    assert place_role(boston, text) == "origin"
    text = "flights from Boston to Miami"
    miami = Mention("place", text.index("Miami"), len(text), "Miami", cue="to")
    assert place_role(miami, text) == "destination"


def test_a_budget_without_currency_keeps_the_known_one() -> None:
    euros = {"amount": 900, "currency": "EUR"}
    assert bare_budget("make the budget 2000 instead", euros) == {
        "amount": 2000,
        "currency": "EUR",
    }
    assert bare_budget("budget of 1.5k", None) == {"amount": 1500, "currency": "USD"}
    assert bare_budget("a budget trip", euros) is None


def test_refinements_and_new_requests_are_told_apart() -> None:
    assert refines("actually make it 7 days") and refines("what about Porto?")
    assert refines("budget 2000") and refines("and back on the 14th")
    assert not refines("plan a trip to Rome") and not refines("flights from Boston to Dublin")


def test_dates_are_shown_as_people_read_them_with_the_year_only_when_another() -> None:
    assert human_date("2027-12-04", TODAY) == "Sat 4 Dec"
    assert human_date("2028-01-05", TODAY) == "Wed 5 Jan 2028"
    assert human_date("not a date") == "not a date"
    assert shown({"budget": {"amount": 1500, "currency": "USD"}, "duration": 5}) == {
        "budget": "$1,500",
        "duration": "5",
    }


def test_a_prompt_leaves_out_what_is_not_known_yet() -> None:
    plan = default_model().intent("PlanTrip")
    assert prompt(plan, "duration", {}) == "How long will your trip be?"
    assert (
        prompt(plan, "duration", {"destination": "Oslo"}) == "How long will your trip to Oslo be?"
    )
    assert lower_first("How long?") == "how long?" and lower_first("I see") == "I see"


@pytest.mark.parametrize(
    ("text", "yes"),
    [
        ("yes please", True),
        ("yeah why not", True),
        ("sure, sounds great", True),
        ("of course", True),
        ("yes thanks", True),
        ("ok thanks", False),
        ("great, thanks", False),
        ("yes please, from Boston", False),
        ("nope", False),
    ],
)
def test_a_plain_yes_is_told_from_a_thank_you_and_from_a_yes_with_more(
    text: str, yes: bool
) -> None:
    assert plain_yes(text) is yes


def test_a_lone_number_is_one_that_no_mention_covers() -> None:
    text = "make it 1500 instead"
    assert bare_number(text, []) == 1500
    assert bare_number("make it 8", []) == 8
    assert bare_number("2 people at 10am for $500", []) is None
    assert bare_number("from 3 to 5", []) is None


@pytest.mark.parametrize(
    ("intent", "text", "refused"),
    [
        ("SmallTalk", "do you sell travel insurance?", True),
        ("FallbackIntent", "can you rent me a car", True),
        ("CheckWeather", "what's the exchange rate for yen", True),
        ("PlanTrip", "i need a hotel in barcelona for 3 nights", True),
        ("PlanTrip", "plan a week in rome, a nice hotel near the beach", False),
        ("CheckWeather", "is it rainy in rome? I might book a hotel", False),
        ("SmallTalk", "how are you?", False),
    ],
)
def test_a_request_the_bot_cannot_do_is_recognised_by_what_it_asks_for(
    intent: str, text: str, refused: bool
) -> None:
    assert out_of_scope(intent, text) is refused


def test_small_talk_answers_fit_the_topic() -> None:
    assert topic_of("tell me a joke", SMALL_TALK_TOPICS) == "joke"
    assert topic_of("who built you?", SMALL_TALK_TOPICS) == "identity"
    assert topic_of("you are useless", SMALL_TALK_TOPICS) == "complaint"
    assert topic_of("the weather is nice", SMALL_TALK_TOPICS) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "forget the trip, what's the weather in Athens?",
            ("PlanTrip", "what's the weather in Athens?"),
        ),
        ("never mind the weather", ("CheckWeather", "")),
        ("scrap that, flights to Rome", (None, "flights to Rome")),
        ("never mind", (None, "")),
        ("cancel my hotel booking", None),
        ("canceling is hard", None),
    ],
)
def test_a_message_that_calls_something_off_names_what_and_keeps_the_rest(
    text: str, expected: tuple[str | None, str] | None
) -> None:
    assert called_off(text) == expected


@pytest.mark.parametrize(
    ("intent", "text", "settles"),
    [
        ("Help", "ok just show me the options then", True),
        ("CheckWeather", "fine, give me the link then", True),
        ("CheckWeather", "fine, just the weather then", False),
        ("OutOfScope", "ok then book it for me", False),
        ("Cancel", "fine, forget it then", False),
    ],
)
def test_settling_for_the_offer_is_read_from_the_words(
    intent: str, text: str, settles: bool
) -> None:
    assert settles_for("FindFlights", intent, text) is settles


@pytest.mark.parametrize(
    ("text", "changes"),
    [
        ("can you do one way only?", True),
        ("make it a round trip", True),
        ("I don't need a return", True),
        ("plan a round trip of Italy", False),
        ("weather for my round trip to Rome", False),
    ],
)
def test_a_trip_type_change_names_a_trip_type_and_nothing_of_another_task(
    text: str, changes: bool
) -> None:
    assert trip_type_change(text) is changes
