"""Every quick reply does what its button says when it is sent back as the next message.

Each scenario brings a conversation, through the real handler (embedded NLU, the suite's fixed
clock of Monday 2027-03-01 and its fixed weather), to an answer with quick replies, checks that
they are the ones a person would expect, then, in a new session per button, replays the
conversation, sends that button's ``message`` and checks the dialogue took it as meant: the slot
it answers is filled with that value, the yes starts the offered task, the no closes it, the
things the bot can do and the starter suggestions start what they name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from runtime.dialogue.display import display
from runtime.rich_reply import problems
from tests.support.conversations import NOW, Send, handler_sender

Body = dict[str, Any]
Check = Callable[[str, Body], list[str]]
"""What is wrong with the answer ``Body`` to the quick reply whose label is the ``str``."""

TODAY = NOW.date()


@pytest.fixture(scope="module")
def send() -> Iterator[Send]:
    with handler_sender() as sender:
        yield sender


def converse(send: Send, messages: tuple[str, ...]) -> tuple[Body, str]:
    """Send ``messages`` in a new session; the last answer and the session id."""
    body: Body = {}
    session: str | None = None
    for message in messages:
        body = send(message, session)
        session = str(body["sessionId"])
        assert problems(body) == [], (message, problems(body))
    return body, str(session)


# ------------------------------------------------------------------ what a button must do
def expect(**wanted: Any) -> Check:
    """The answer has these fields (``intent`` may be a tuple of allowed intents) and slots."""

    def check(label: str, body: Body) -> list[str]:
        wrong = []
        for name, value in wanted.items():
            if name == "slots":
                for slot, expected in value.items():
                    if body["slots"].get(slot) != expected:
                        wrong.append(f"{slot}={body['slots'].get(slot)!r}, not {expected!r}")
            elif isinstance(value, tuple):
                if body[name] not in value:
                    wrong.append(f"{name}={body[name]!r}, not one of {value!r}")
            elif body[name] != value:
                wrong.append(f"{name}={body[name]!r}, not {value!r}")
        return wrong

    return check


def by_label(checks: dict[str, Check]) -> Check:
    """The check for each label."""

    def check(label: str, body: Body) -> list[str]:
        return checks[label](label, body)

    return check


def fills(slot: str, value_of: Callable[[str, Body], Any], intent: str) -> Check:
    """The task goes on (no misunderstanding) with ``slot`` filled as the label says."""

    def check(label: str, body: Body) -> list[str]:
        wrong = expect(intent=intent)(label, body)
        got = body["slots"].get(slot)
        if got != value_of(label, body):
            wrong.append(f"{slot}={got!r} for {label!r}")
        return wrong

    return check


def the_place_named(label: str, body: Body) -> Any:
    """A destination button fills that place (a "which one?" button: the place it starts
    with, its qualifier being the gazetteer's)."""
    place = body["slots"].get("destination")
    return place if isinstance(place, str) and label.startswith(place.split(",")[0]) else label


def the_day_shown(slot: str) -> Callable[[str, Body], Any]:
    """A date button fills the day its message shows ("Sat 3 Apr")."""

    def value(label: str, body: Body) -> Any:
        got = body["slots"].get(slot)
        return got if isinstance(got, str) and display(got, TODAY) in label else label

    return value


def the_amount_shown(currency: str) -> Callable[[str, Body], Any]:
    """A budget button fills the amount it shows, in ``currency``."""

    def value(label: str, body: Body) -> Any:
        return {"amount": int(re.sub(r"\D", "", label)), "currency": currency}

    return value


DURATIONS = {"3 days": 3, "5 days": 5, "A week": 7, "Two weeks": 14}
STARTS = {
    "Plan a 5 day trip to Lisbon with $1500": expect(
        intent="PlanTrip",
        dialogState="Fulfilled",
        slots={"destination": "Lisbon", "duration": 5},
    ),
    "What's the weather in Paris?": expect(
        intent="CheckWeather", dialogState="Fulfilled", slots={"destination": "Paris"}
    ),
    "Find flights from London to Rome": expect(
        intent="FindFlights",
        dialogState="ElicitSlot",
        slots={"origin": "London", "destination": "Rome"},
    ),
    "What can you do?": expect(intent="Help"),
}
DECLINED = expect(intent=("Cancel", "Thanks"), dialogState="Fulfilled")


@dataclass(frozen=True)
class Scenario:
    """A conversation, the buttons its last answer must offer, and what each must do."""

    says: tuple[str, ...]
    labels: tuple[str, ...]
    does: Check


SCENARIOS: dict[str, Scenario] = {
    "the flights offer after a plan": Scenario(
        ("plan 5 days in Lisbon with $1500",),
        ("Yes, find flights", "No thanks"),
        by_label(
            {
                "Yes, find flights": expect(
                    intent="FindFlights",
                    dialogState="ElicitSlot",
                    slots={"destination": "Lisbon"},
                ),
                "No thanks": DECLINED,
            }
        ),
    ),
    "the plan offer after a request the bot cannot do": Scenario(
        ("I need a hotel in Rome",),
        ("Yes, plan it", "No thanks"),
        by_label(
            {
                "Yes, plan it": expect(intent="PlanTrip", slots={"destination": "Rome"}),
                "No thanks": DECLINED,
            }
        ),
    ),
    "which Portland for the weather": Scenario(
        ("weather in Portland",),
        ("Portland, Oregon", "Portland, Maine"),
        fills("destination", the_place_named, "CheckWeather"),
    ),
    "which Santiago to fly to (a label too long is cut, its message is whole)": Scenario(
        ("flights from London to Santiago tomorrow",),
        (
            "Santiago de Cuba, Cuba",
            "Santiago de Compostela, Spain",
            "Santiago, Chile",
            "Santiago de los Caballeros, Dominican R…",
        ),
        fills("destination", the_place_named, "FindFlights"),
    ),
    "which day a numeric date means": Scenario(
        ("flights from Boston to Rome on 04/05/2027",),
        ("Tue 4 May", "Mon 5 Apr"),
        fills("date", the_day_shown("date"), "FindFlights"),
    ),
    "where to go": Scenario(
        ("plan a trip",),
        ("Lisbon", "Paris", "Tokyo", "New York", "Rome"),
        fills("destination", lambda label, _: label, "PlanTrip"),
    ),
    "where to fly to, the origin left out": Scenario(
        ("find flights from Paris",),
        ("Lisbon", "Tokyo", "New York", "Rome"),
        fills("destination", lambda label, _: label, "FindFlights"),
    ),
    "how long": Scenario(
        ("plan a trip to Rome",),
        tuple(DURATIONS),
        fills("duration", lambda label, _: DURATIONS[label], "PlanTrip"),
    ),
    "how long, again after a misunderstanding": Scenario(
        ("plan a trip to Rome", "qwerty zxcv"),
        tuple(DURATIONS),
        fills("duration", lambda label, _: DURATIONS[label], "PlanTrip"),
    ),
    "how long, back from a side question": Scenario(
        ("plan a trip to Tokyo", "what's the weather there?"),
        tuple(DURATIONS),
        fills("duration", lambda label, _: DURATIONS[label], "PlanTrip"),
    ),
    "the budget, in dollars when none was used yet": Scenario(
        ("plan 5 days in Lisbon",),
        ("$300", "$750", "$1,500"),
        fills("budget", the_amount_shown("USD"), "PlanTrip"),
    ),
    "the budget, in the euros used before": Scenario(
        ("plan 3 days in Rome with 800 euros", "plan 4 days in Paris"),
        ("€220", "€560", "€1,100"),
        fills("budget", the_amount_shown("EUR"), "PlanTrip"),
    ),
    "the budget, in a currency without a symbol": Scenario(
        ("plan 3 days in Rome with 1500 CHF", "plan 4 days in Paris"),
        ("210 CHF", "530 CHF", "1,100 CHF"),
        fills("budget", the_amount_shown("CHF"), "PlanTrip"),
    ),
    "the day to fly": Scenario(
        ("flights from London to Rome",),
        ("Tomorrow", "Next Friday", "In two weeks"),
        by_label(
            {
                "Tomorrow": expect(intent="FindFlights", slots={"date": "2027-03-02"}),
                "Next Friday": expect(intent="FindFlights", slots={"date": "2027-03-05"}),
                "In two weeks": expect(intent="FindFlights", slots={"date": "2027-03-15"}),
            }
        ),
    ),
    "the day to fly back": Scenario(
        ("return flight from London to Rome on 5 april",),
        ("A week later (Mon 12 Apr)", "Two weeks later (Mon 19 Apr)", "One way"),
        by_label(
            {
                "A week later (Mon 12 Apr)": expect(
                    dialogState="Fulfilled", slots={"returnDate": "2027-04-12"}
                ),
                "Two weeks later (Mon 19 Apr)": expect(
                    dialogState="Fulfilled", slots={"returnDate": "2027-04-19"}
                ),
                "One way": expect(
                    intent="FindFlights", dialogState="Fulfilled", slots={"returnDate": None}
                ),
            }
        ),
    ),
    "the day for a forecast": Scenario(
        ("weather in Paris on 31 february",),
        ("Today", "Tomorrow", "This weekend"),
        by_label(
            {
                "Today": expect(intent="CheckWeather", slots={"date": "2027-03-01"}),
                "Tomorrow": expect(intent="CheckWeather", slots={"date": "2027-03-02"}),
                "This weekend": expect(intent="CheckWeather", slots={"date": "2027-03-06"}),
            }
        ),
    ),
    "what the bot can do, after a misunderstanding": Scenario(
        ("qwerty zxcv",),
        ("Plan a trip", "Check the weather", "Find flights"),
        by_label(
            {
                "Plan a trip": expect(intent="PlanTrip", dialogState="ElicitSlot"),
                "Check the weather": expect(intent="CheckWeather", dialogState="ElicitSlot"),
                "Find flights": expect(intent="FindFlights", dialogState="ElicitSlot"),
            }
        ),
    ),
    "the starters, after goodbye": Scenario(("bye",), tuple(STARTS), by_label(STARTS)),
    "the starters, after cancel": Scenario(
        ("plan a trip to Tokyo", "cancel"), tuple(STARTS), by_label(STARTS)
    ),
    "the starters but help, after help": Scenario(
        ("what can you do?",), tuple(STARTS)[:3], by_label(STARTS)
    ),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_each_quick_reply_is_offered_and_does_what_it_says(send: Send, name: str) -> None:
    scenario = SCENARIOS[name]
    # GIVEN a conversation whose last answer asks, offers or ends something
    body, _ = converse(send, scenario.says)
    # THEN it offers the buttons a person expects there
    offered = [(q["label"], q["message"]) for q in body.get("quickReplies", [])]
    assert [label for label, _ in offered] == list(scenario.labels), body["reply"]
    wrong: dict[str, list[str]] = {}
    for label, message in offered:
        # WHEN the same conversation is had again and that button is pressed
        _, session = converse(send, scenario.says)
        answer = send(message, session)
        # THEN the dialogue takes it as meant, never as a misunderstanding
        found = scenario.does(label, answer)
        if answer["intent"] == "FallbackIntent":
            found.append("read as a misunderstanding")
        if found:
            wrong[label] = [*found, answer["reply"]]
    assert wrong == {}
