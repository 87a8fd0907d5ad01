"""The presentation (``runtime/dialogue/present.py``): cards built from fulfilment's typed values,
the budgets it suggests, and what it leaves out rather than break the schema."""

from __future__ import annotations

import datetime as dt

import pytest

from runtime.dialogue.context import FlightSearch, Fulfilled, Templates, WeatherAnswer
from runtime.dialogue.plan_text import days_text, render
from runtime.dialogue.present import present, round_nicely
from runtime.dialogue.trip import Money, TripPlan, budget_lines, itinerary
from runtime.dialogue.turn import DialogueOutcome
from runtime.model import default_model
from runtime.providers.content.base import Listing
from runtime.rich_reply import problems
from runtime.types import DialogueState, SlotValue

TODAY = dt.date(2027, 3, 1)
SIGHTS = [Listing(kind="see", name=name) for name in ("Castle", "Cathedral", "Tower")]


def trip(days: int, sights: list[Listing], amount: float = 1000, currency: str = "EUR") -> TripPlan:
    daily = Money(amount / days, currency)
    split, basis = budget_lines(daily, None, None)
    return TripPlan(
        destination="Lisbon",
        country="Portugal",
        days=days,
        budget=Money(amount, currency),
        daily=daily,
        tier="mid-range",
        split=split,
        split_basis=basis,
        itinerary=itinerary(days, sights),
    )


def planned(plan: TripPlan, reply: str | None = None) -> DialogueOutcome:
    text = reply if reply is not None else render(plan, Templates(default_model(), "PlanTrip"))
    result = Fulfilled(text, details=plan, shows=days_text(plan))
    state = DialogueState(intent="PlanTrip", completed=True, offer="FindFlights")
    return DialogueOutcome(text, "PlanTrip", {}, "Fulfilled", state, result=result)


def answered(details: FlightSearch | WeatherAnswer, reply: str, shows: str = "") -> DialogueOutcome:
    result = Fulfilled(reply, details=details, shows=shows)
    state = DialogueState(intent="CheckWeather", completed=True)
    return DialogueOutcome(reply, "CheckWeather", {}, "Fulfilled", state, result=result)


def asking(slot: str, slots: dict[str, SlotValue], currency: str | None = None) -> list[str]:
    state = DialogueState(
        intent="PlanTrip", slots=slots, eliciting_slot=slot, last_currency=currency
    )
    outcome = DialogueOutcome("What's your budget?", "PlanTrip", slots, "ElicitSlot", state)
    return [q["label"] for q in present(outcome, TODAY).quick_replies]


def test_a_plan_card_has_every_day_as_the_reply_says_it_and_the_budget() -> None:
    # GIVEN a 6-day plan with three sights: arrival, a day of sights, three free days, departure
    outcome = planned(trip(6, SIGHTS))
    # WHEN it is presented
    [card] = present(outcome, TODAY).cards
    # THEN each day is one line, the free days each with its own suggestion, and the budget is
    # per day and split, in euros
    assert card["type"] == "plan"
    assert card["days"] == [
        {"day": 1, "text": "arrive and check in, then Castle"},
        {"day": 2, "text": "Cathedral and Tower"},
        {"day": 3, "text": "a free day: neighbourhoods off the usual path and local food"},
        {"day": 4, "text": "a free day: a day trip out of town"},
        {"day": 5, "text": "a free day: parks, viewpoints and shopping"},
        {"day": 6, "text": "a last breakfast and departure"},
    ]
    budget = card["budget"]
    assert (budget["amount"], budget["currency"], budget["perDay"]) == (1000, "EUR", 166.67)
    assert [s["label"] for s in budget["split"]] == ["stay", "food", "activities"]
    # ... and it presents the reply's day lines, which the reply holds verbatim
    assert card.get("replyText", "").startswith("Day 1: arrive and check in, then Castle.\n")
    assert card.get("replyText", "").endswith("Day 6: a last breakfast and departure.")
    assert problems({"reply": outcome.reply, "cards": [card]}) == []


def test_a_card_claims_no_part_of_a_reply_that_does_not_hold_it() -> None:
    # GIVEN a plan whose reply was worded without the day lines
    outcome = planned(trip(3, SIGHTS), reply="Here is your plan.")
    # WHEN presented THEN the card is there, without a replyText
    [card] = present(outcome, TODAY).cards
    assert "replyText" not in card


def test_a_plan_too_long_for_a_card_is_left_to_the_text_and_its_buttons_stay() -> None:
    # GIVEN a 40-day plan with nothing to name: 40 different lines, over the schema's 31
    presentation = present(planned(trip(40, [])), TODAY)
    # THEN no card is sent (the reply has every day), but the offer keeps its yes and no
    assert presentation.cards == []
    assert [q["label"] for q in presentation.quick_replies] == ["Yes, find flights", "No thanks"]


@pytest.mark.parametrize(
    ("url", "back"),
    [("https://bot.test/prod/go/AbC123", "2027-03-19"), ("/go/AbC123", None)],
)
def test_a_flight_card_has_the_days_and_the_link_as_given(url: str, back: str | None) -> None:
    search = FlightSearch(
        origin="London", destination="Rome", date="2027-03-12", return_date=back, url=url
    )
    reply = f"Flights from London (LON) to Rome (ROM) on Fri 12 Mar: {url}"
    [card] = present(answered(search, reply, shows=reply), TODAY).cards
    assert problems({"reply": reply, "cards": [card]}) == []
    assert dict(card) == {
        "type": "flight",
        "origin": "London",
        "destination": "Rome",
        "date": "2027-03-12",
        "url": url,
        "replyText": reply,
        **({"returnDate": back} if back else {}),
    }


def test_a_weather_card_says_only_what_the_source_gave() -> None:
    # GIVEN the weather now, without a forecast for today (no range, no chance of rain)
    answer = WeatherAnswer(kind="now", place="Paris", summary="Clear, 12 °C now")
    # WHEN presented THEN the card is for today and has no range nor chance
    [card] = present(answered(answer, "Weather in Paris: clear, 12°C."), TODAY).cards
    assert card == {"type": "weather", "place": "Paris", "summary": "Clear, 12 °C now"}


def test_a_forecast_card_has_the_day_the_range_and_the_chance_of_rain() -> None:
    answer = WeatherAnswer(
        kind="forecast",
        place="Paris",
        summary="Light rain",
        date="2027-03-05",
        low_c=7.96,
        high_c=13.04,
        precipitation_chance=70,
    )
    [card] = present(answered(answer, "Forecast for Paris …"), TODAY).cards
    assert (card.get("date"), card.get("lowC"), card.get("highC")) == ("2027-03-05", 8.0, 13.0)
    assert card.get("precipitationChance") == 70


def test_budgets_are_for_the_trips_days_in_the_currency_already_used() -> None:
    # dollars by default, for the days asked (60, 150 and 300 dollars' worth a day)
    assert asking("budget", {"duration": 5}) == ["$300", "$750", "$1,500"]
    # yen when yen were used, rounded as people say budgets
    assert asking("budget", {"duration": 5}, "JPY") == ["¥45,000", "¥110,000", "¥220,000"]
    # a currency the bot cannot scale (no rough rate) gives dollars rather than a guess
    assert asking("budget", {"duration": 2}, "MNT") == ["$120", "$300", "$600"]
    # one it can scale, in its own units
    assert asking("budget", {"duration": 2}, "VND")[0].endswith(" VND")
    # no duration yet: five days
    assert asking("budget", {}) == ["$300", "$750", "$1,500"]


@pytest.mark.parametrize(
    ("value", "nice"), [(7.4, 7), (42, 42), (277.8, 280), (1389, 1400), (74627, 75000)]
)
def test_amounts_are_rounded_to_two_significant_digits(value: float, nice: int) -> None:
    assert round_nicely(value) == nice
