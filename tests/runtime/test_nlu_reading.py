"""The embedded NLU's reading of fragments and closed-class messages (issue 11, second round).

Closed-class messages (greetings, thanks, cancel, goodbye, how-are-you) are read by rule when
they say nothing else; fragments are read against the task at hand or a task answered earlier:
a currency named alone changes a known budget's currency, a length of time "later" or "earlier"
moves a flight's dates. The clock is Monday 1 March 2027.
"""

from __future__ import annotations

import datetime as dt

import pytest

from runtime.model import default_model
from runtime.nlu.adjust import changed_budget, changed_duration
from runtime.nlu.closed_class import closed_class
from runtime.nlu.embedded import EmbeddedNlu, model_vocabulary
from runtime.nlu.text import without_fillers
from runtime.places.lookup import Places
from runtime.types import NluContext, SlotValue

TODAY = dt.date(2027, 3, 1)
PLAN: dict[str, SlotValue] = {
    "destination": "London",
    "duration": 3,
    "budget": {"amount": 800, "currency": "USD"},
}
FLIGHT: dict[str, SlotValue] = {
    "origin": "Amsterdam",
    "destination": "Split",
    "date": "2027-06-01",
    "returnDate": "2027-06-08",
}


@pytest.fixture(scope="module")
def nlu() -> EmbeddedNlu:
    return EmbeddedNlu(default_model(), today=lambda: TODAY)


def after(intent: str, slots: dict[str, SlotValue], **more: object) -> NluContext:
    """The context once ``intent`` was answered with ``slots``."""
    return NluContext(
        session_id="s",
        active_intent=intent,
        slots=dict(slots),
        completed=True,
        answered={intent: dict(slots)},
        **more,  # type: ignore[arg-type]
    )


# ------------------------------------------------------------------ closed classes
@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("hey there!", "Greeting"),
        ("hiii again :)", "Greeting"),
        ("good morning, travel bot", "Greeting"),
        ("thanks so much!!", "Thanks"),
        ("ok great, thank u", "Thanks"),
        ("cancel pls", "Cancel"),
        ("ok never mind", "Cancel"),
        ("byeee", "Goodbye"),
        ("thanks, bye for now", "Goodbye"),
        ("sup", "SmallTalk"),
        ("how are you today?", "SmallTalk"),
    ],
)
def test_a_message_made_only_of_one_closed_class_is_read_by_rule(text: str, intent: str) -> None:
    # GIVEN a message that is only a greeting, thanks, cancel, goodbye or how-are-you
    # WHEN the rule layer reads it
    # THEN it names that intent
    assert closed_class(text) == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [("cancle", "Cancel"), ("thansk so much", "Thanks"), ("goodbey", "Goodbye")],
)
def test_one_slip_of_the_keyboard_in_a_long_closed_class_word_is_forgiven(
    text: str, intent: str
) -> None:
    assert closed_class(text) == intent


def test_short_words_and_other_words_are_not_guessed_at() -> None:
    assert closed_class("helo") is None  # too short to guess
    assert closed_class("hotel") is None  # no closed-class word one slip away
    assert closed_class("plans") is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("thanks, goodbye", "Goodbye"),
        ("never mind, thanks", "Cancel"),
        ("hi, thanks", "Thanks"),
        ("hey, how are you?", "Greeting"),
    ],
)
def test_mixed_closed_classes_are_read_as_the_one_that_closes(text: str, intent: str) -> None:
    assert closed_class(text) == intent


@pytest.mark.parametrize(
    "text",
    ["hi, plan a trip to Rome", "cancel my hotel booking", "thanks for the Lisbon plan", "ok", ""],
)
def test_a_message_that_says_anything_else_is_left_to_the_classifier(text: str) -> None:
    assert closed_class(text) is None


def test_the_rule_answers_before_the_classifier_with_a_fixed_confidence(nlu: EmbeddedNlu) -> None:
    # GIVEN a greeting the bot model has no sample utterance for
    # WHEN the NLU reads it
    result = nlu.recognize("hey there, bot!", NluContext(session_id="s"))
    # THEN it is a greeting with no slots
    assert (result.intent, result.slots, result.confidence) == ("Greeting", {}, 0.95)


# ------------------------------------------------------------------ the bot model's words
def test_no_sample_utterance_word_is_the_name_of_a_notable_place() -> None:
    # GIVEN the words of every sample utterance (the gazetteer never reads them as places)
    vocabulary = model_vocabulary(default_model())
    places = Places()
    # WHEN each is looked up in the place index by its main name (not a foreign alternate)
    named = []
    for word in sorted(vocabulary):
        found = places.lookup(word)
        if found is None or not found.names or found.typo or found.alternate_only:
            continue
        if found.notable:
            named.append(word)
    # THEN none names a destination people travel to ("nice one" once hid Nice, "the capital
    # of australia" hid Australia)
    assert named == []


def test_a_destination_that_is_an_everyday_word_is_read_when_cued(nlu: EmbeddedNlu) -> None:
    result = nlu.recognize("flights from paris to nice on friday", NluContext(session_id="s"))
    assert result.slots == {"origin": "Paris", "destination": "Nice", "date": "2027-03-05"}


# ------------------------------------------------------------------ budgets
@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("sorry, pounds not dollars", "GBP"),
        ("not dollars, euros", "EUR"),
        ("can you do it in yen instead", "JPY"),
    ],
)
def test_a_currency_named_alone_changes_the_known_budgets_currency_not_its_amount(
    nlu: EmbeddedNlu, text: str, currency: str
) -> None:
    # GIVEN a plan answered with a budget of 800 USD
    # WHEN a message names another currency without an amount
    result = nlu.recognize(text, after("PlanTrip", PLAN))
    # THEN the plan's budget keeps its amount in that currency
    assert (result.intent, result.slots) == (
        "PlanTrip",
        {"budget": {"amount": 800, "currency": currency}},
    )


def test_a_currency_without_a_known_budget_fills_nothing(nlu: EmbeddedNlu) -> None:
    asking = NluContext(session_id="s", active_intent="PlanTrip", eliciting_slot="duration")
    assert "budget" not in nlu.recognize("in euros", asking).slots


# ------------------------------------------------------------------ flight dates
@pytest.mark.parametrize(
    ("text", "slots"),
    [
        ("two weeks later instead", {"returnDate": "2027-06-15"}),
        ("back ten days later", {"returnDate": "2027-06-11"}),
        ("leave two days later", {"date": "2027-06-03"}),
        ("come back a day earlier", {"returnDate": "2027-06-07"}),
    ],
)
def test_a_length_of_time_later_or_earlier_moves_a_flights_dates(
    nlu: EmbeddedNlu, text: str, slots: dict[str, SlotValue]
) -> None:
    # GIVEN a round trip out on 1 June and back on 8 June
    # WHEN a message moves a date by a length of time
    result = nlu.recognize(text, after("FindFlights", FLIGHT))
    # THEN the return counts from the departure, or the named date moves
    assert (result.intent, result.slots) == ("FindFlights", slots)


# ------------------------------------------------------------------ tasks answered earlier
def test_a_fragment_that_fills_nothing_of_the_task_at_hand_refines_the_one_answered_before(
    nlu: EmbeddedNlu,
) -> None:
    # GIVEN a plan answered, then a weather question answered after it
    context = NluContext(
        session_id="s",
        active_intent="CheckWeather",
        slots={"destination": "London"},
        completed=True,
        answered={"PlanTrip": dict(PLAN), "CheckWeather": {"destination": "London"}},
    )
    # WHEN a bare number follows, which the weather question has no slot for
    result = nlu.recognize("make it 1500", context)
    # THEN it is the plan's budget, in the plan's currency
    assert (result.intent, result.slots) == (
        "PlanTrip",
        {"budget": {"amount": 1500, "currency": "USD"}},
    )


def test_a_fragment_for_the_task_at_hand_still_goes_to_it_first(nlu: EmbeddedNlu) -> None:
    context = NluContext(
        session_id="s",
        active_intent="CheckWeather",
        slots={"destination": "London"},
        completed=True,
        answered={"PlanTrip": dict(PLAN), "CheckWeather": {"destination": "London"}},
    )
    result = nlu.recognize("and in Paris?", context)
    assert (result.intent, result.slots) == ("CheckWeather", {"destination": "Paris"})


# ------------------------------------------------------------------ relative changes
@pytest.mark.parametrize(
    ("text", "slots"),
    [
        ("add two more days", {"duration": 5}),
        ("a day shorter", {"duration": 2}),
        ("extend it by a week", {"duration": 10}),
        ("double the budget", {"budget": {"amount": 1600, "currency": "USD"}}),
        ("200 more", {"budget": {"amount": 1000, "currency": "USD"}}),
        ("make it 4 days and 900", {"duration": 4, "budget": {"amount": 900, "currency": "USD"}}),
    ],
)
def test_a_relative_change_counts_from_the_known_length_or_budget(
    nlu: EmbeddedNlu, text: str, slots: dict[str, SlotValue]
) -> None:
    # GIVEN a plan of 3 days with 800 USD
    # WHEN a message changes its length or budget by an amount
    result = nlu.recognize(text, after("PlanTrip", PLAN))
    # THEN the new value counts from the known one
    assert (result.intent, result.slots) == ("PlanTrip", slots)


def test_a_relative_change_without_a_known_value_changes_nothing() -> None:
    assert changed_duration("add two more days", None) is None
    assert changed_budget("double the budget", None) is None
    assert changed_duration("add two more days", 3) == 5
    assert changed_budget("double the budget", {"amount": 800, "currency": "EUR"}) == {
        "amount": 1600,
        "currency": "EUR",
    }


@pytest.mark.parametrize(
    ("text", "slots"),
    [
        ("what about a day earlier?", {"date": "2027-05-31"}),
        ("can I come back on the 12th instead?", {"returnDate": "2027-06-12"}),
    ],
)
def test_a_one_way_search_moves_its_departure_and_a_return_is_read_from_its_cue(
    nlu: EmbeddedNlu, text: str, slots: dict[str, SlotValue]
) -> None:
    one_way = {k: v for k, v in FLIGHT.items() if k != "returnDate"}
    result = nlu.recognize(text, after("FindFlights", one_way))
    assert (result.intent, result.slots) == ("FindFlights", slots)


def test_a_guess_for_another_task_with_words_of_its_own_outweighs_the_task_at_hand(
    nlu: EmbeddedNlu,
) -> None:
    # GIVEN a weather answer about Porto, after a plan
    context = NluContext(
        session_id="s",
        active_intent="CheckWeather",
        slots={"destination": "Porto"},
        completed=True,
        answered={"PlanTrip": dict(PLAN), "CheckWeather": {"destination": "Porto"}},
    )
    # WHEN the next message asks for a plan in its own words, the classifier unsure
    result = nlu.recognize("ok now plan porto too", context)
    # THEN it is a plan for Porto, not the weather there again
    assert (result.intent, result.slots) == ("PlanTrip", {"destination": "Porto"})


# ------------------------------------------------------------------ hesitations
@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("hmm, yeah sure, from Toronto", "yeah sure, from Toronto"),
        ("uh... 1200 please", "1200"),
        ("well, and in Whistler?", "and in Whistler?"),
        ("hmm", "hmm"),  # nothing but a hesitation stays what it is
        ("Ohio", "Ohio"),  # a word that only starts like one is kept
    ],
)
def test_an_opening_hesitation_and_a_closing_please_are_not_what_is_said(
    text: str, read: str
) -> None:
    assert without_fillers(text) == read


def test_a_bare_answer_after_a_hesitation_is_still_the_answer(nlu: EmbeddedNlu) -> None:
    asking = NluContext(session_id="s", active_intent="PlanTrip", eliciting_slot="budget")
    assert nlu.recognize("hmm, 1200", asking).slots == {
        "budget": {"amount": 1200, "currency": "USD"}
    }
