"""What an answer shows besides its text: the ``quickReplies`` and ``cards`` of a ``/chat`` body.

The dialogue decides what to say; this module decides which buttons and cards go with it
(:mod:`runtime.rich_reply` is their schema), from what the turn produced, never by reading the
reply's words:

- **Cards** come from the fulfilment's typed result (:attr:`DialogueOutcome.result`): a plan
  card from the :class:`~runtime.dialogue.trip.TripPlan` (its days, each as the reply says
  it, the budget and its daily split in the traveller's currency), a flight card from the
  :class:`~runtime.dialogue.context.FlightSearch` (the link exactly as the reply gives it), a
  weather card from the :class:`~runtime.dialogue.context.WeatherAnswer`. A card names the part
  of the reply it presents (``replyText``) when fulfilment said which part that is.
- **Quick replies** go where a person expects buttons; the first rule that applies wins:

  1. a "which one?" question: its options, as the question shows them;
  2. a slot question: common answers (well-known destinations; durations; budgets in the
     currency already used, else dollars, scaled to the trip's days; departure days; a return a
     week or two after the departure, or one way; days for a forecast);
  3. an offer ("Want me to find flights to Lisbon too?", "Shall I plan a trip to Rome?"): yes
     or no;
  4. a misunderstanding, thanks, small talk or a request the bot cannot do: what it can do;
  5. goodbye, cancel, a greeting or help: the page's starter suggestions.

Every message is one the dialogue reads as meant when it is sent back
(``tests/runtime/test_quick_replies.py`` sends each one through the handler). A card or a set of
quick replies that would break the schema is left out and logged, never sent.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools import Logger

from runtime.dialogue.context import FlightSearch, WeatherAnswer
from runtime.dialogue.display import display
from runtime.dialogue.money import USD_PER_UNIT, format_money
from runtime.dialogue.outlook import parse_date
from runtime.dialogue.trip import TripPlan
from runtime.dialogue.turn import TASK_INTENTS, DialogueOutcome
from runtime.rich_reply import (
    MAX_LABEL_CHARS,
    MAX_QUICK_REPLIES,
    FlightCard,
    PlanCard,
    QuickReply,
    WeatherCard,
    problems,
)
from runtime.types import DialogueState, SlotValue

logger = Logger(service="travelbot", child=True)

Card = PlanCard | FlightCard | WeatherCard

STARTERS = (
    "Plan a 5 day trip to Lisbon with $1500",
    "What's the weather in Paris?",
    "Find flights from London to Rome",
    "What can you do?",
)
"""The page's own first suggestions (``runtime/api/web/index.html``), offered again when a
conversation ends."""
HELP = "What can you do?"
CAPABILITIES = ("Plan a trip", "Check the weather", "Find flights")
DESTINATIONS = ("Lisbon", "Paris", "Tokyo", "New York", "Rome")
DURATIONS = ("3 days", "5 days", "A week", "Two weeks")
DEPARTURE_DAYS = ("Tomorrow", "Next Friday", "In two weeks")
WEATHER_DAYS = ("Today", "Tomorrow", "This weekend")
RETURN_AFTER = ((7, "A week later"), (14, "Two weeks later"))
ONE_WAY = "One way"
DAILY_USD = (60, 150, 300)
"""Budgets suggested per day, in dollars' worth: a backpacker, a mid-range, a comfort trip."""
DEFAULT_DAYS = 5
OFFERS = {"FindFlights": "Yes, find flights", "PlanTrip": "Yes, plan it"}
YES, NO = "Yes please", "No thanks"
ENDINGS = frozenset({"Goodbye", "Cancel", "Greeting", "Help"})
CAN_DO = frozenset({"FallbackIntent", "Thanks", "SmallTalk", "OutOfScope"})


@dataclass(frozen=True)
class Presentation:
    """The structured parts of one answer; both empty when it has none."""

    quick_replies: list[QuickReply] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)


def present(outcome: DialogueOutcome, today: dt.date) -> Presentation:
    """The quick replies and cards that go with ``outcome``'s reply (``today``: the turn's UTC
    day, to show dates as the reply does)."""
    cards = [c for c in _cards(outcome) if _fits(outcome.reply, "cards", c)]
    replies = _quick_replies(outcome, today)[:MAX_QUICK_REPLIES]
    if replies and not _fits(outcome.reply, "quickReplies", *replies):
        replies = []
    return Presentation(replies, cards)


def _fits(reply: str, name: str, *items: QuickReply | Card) -> bool:
    """Whether ``items`` pass the schema; logs what is wrong (nothing personal is in them)."""
    found = problems({"reply": reply, name: list(items)})
    if found:
        logger.warning("rich reply part left out", extra={"part": name, "problems": found[:5]})
    return not found


# ------------------------------------------------------------------ quick replies
def quick(label: str, message: str | None = None) -> QuickReply:
    """A button showing ``label`` (cut to fit) that sends ``message`` (default: the label)."""
    shown = label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"
    return {"label": shown, "message": message or label}


def _quick_replies(outcome: DialogueOutcome, today: dt.date) -> list[QuickReply]:
    state = outcome.state
    if pending(state):
        if state.clarifying:
            return _options(state.clarifying, today)
        return _answers(state, str(state.eliciting_slot), today)
    if state.offer in OFFERS:
        return [quick(OFFERS[str(state.offer)], YES), quick(NO)]
    if outcome.intent in CAN_DO:
        return [quick(text) for text in CAPABILITIES]
    if outcome.intent in ENDINGS:
        return [quick(t) for t in STARTERS if not (outcome.intent == "Help" and t == HELP)]
    return []


def pending(state: DialogueState) -> bool:
    """True when the reply asks for a slot of a task in progress."""
    return bool(state.intent in TASK_INTENTS and not state.completed and state.eliciting_slot)


def _options(clarifying: dict[str, Any], today: dt.date) -> list[QuickReply]:
    """The options of "which one?" as the question lists them; sending one picks it."""
    options = [str(o) for o in clarifying.get("options", [])]
    labels = [str(o) for o in clarifying.get("labels") or options]
    if len(labels) != len(options):
        labels = options
    return [quick(display(label, today)) for label in labels]


def _answers(state: DialogueState, slot: str, today: dt.date) -> list[QuickReply]:
    """Common answers to the question for ``slot`` of the task in ``state``."""
    slots = state.slots
    if slot == "destination":
        taken = {str(v) for v in slots.values() if isinstance(v, str)}
        return [quick(place) for place in DESTINATIONS if place not in taken]
    if slot == "duration":
        return [quick(text) for text in DURATIONS]
    if slot == "budget":
        return _budgets(slots, state.last_currency)
    if slot == "returnDate":
        return _returns(slots.get("date"), today)
    if slot == "date":
        days = WEATHER_DAYS if state.intent == "CheckWeather" else DEPARTURE_DAYS
        return [quick(text) for text in days]
    return []


def _budgets(slots: dict[str, SlotValue], currency: str | None) -> list[QuickReply]:
    """Three budgets for the trip's days, in the currency already used (else dollars)."""
    days = slots.get("duration")
    days = days if isinstance(days, int) and days > 0 else DEFAULT_DAYS
    code = currency if currency in USD_PER_UNIT else "USD"
    per_unit = USD_PER_UNIT[code]
    amounts = sorted({round_nicely(usd * days / per_unit) for usd in DAILY_USD})
    return [quick(format_money(amount, code)) for amount in amounts]


def round_nicely(value: float) -> int:
    """``277.8`` → ``280``, ``1389`` → ``1400``: two significant digits, as people say budgets."""
    if value < 10:
        return max(1, round(value))
    return int(round(value, 1 - math.floor(math.log10(value))))


def _returns(departure: SlotValue | None, today: dt.date) -> list[QuickReply]:
    """A return a week or two after the departure (the day as the reply writes it), or none."""
    found: list[QuickReply] = []
    out = parse_date(departure)
    if out is not None:
        for days, words in RETURN_AFTER:
            back = display((out + dt.timedelta(days=days)).isoformat(), today)
            found.append(quick(f"{words} ({back})", back))
    return [*found, quick(ONE_WAY)]


# ------------------------------------------------------------------ cards
def _cards(outcome: DialogueOutcome) -> list[Card]:
    result = outcome.result
    details = result.details if result is not None else None
    if result is None or details is None:
        return []
    card: Card
    if isinstance(details, TripPlan):
        card = plan_card(details)
    elif isinstance(details, FlightSearch):
        card = flight_card(details)
    else:
        card = weather_card(details)
    if result.shows and result.shows in outcome.reply:
        card["replyText"] = result.shows
    return [card]


def plan_card(plan: TripPlan) -> PlanCard:
    """The plan's days, each as the reply says it, and its budget, per day and split."""
    money = plan.budget.currency
    return {
        "type": "plan",
        "destination": plan.destination,
        "days": [{"day": day.day, "text": day.sentence()} for day in plan.itinerary],
        "budget": {
            "amount": amount(plan.budget.amount),
            "currency": money,
            "perDay": amount(plan.daily.amount),
            "split": [
                {"label": line.name, "perDay": amount(line.amount.amount)} for line in plan.split
            ],
        },
    }


def amount(value: float) -> float:
    """Cents at most, and a whole number as one (``1500``, not ``1500.0``)."""
    rounded = round(float(value), 2)
    return int(rounded) if rounded.is_integer() else rounded


def flight_card(search: FlightSearch) -> FlightCard:
    """The search's cities, ISO days and link."""
    card: FlightCard = {
        "type": "flight",
        "origin": search.origin,
        "destination": search.destination,
        "date": search.date,
        "url": search.url,
    }
    if search.return_date:
        card["returnDate"] = search.return_date
    return card


def weather_card(answer: WeatherAnswer) -> WeatherCard:
    """The place, the day or month asked (neither: today), the summary and what is known."""
    card: WeatherCard = {"type": "weather", "place": answer.place, "summary": answer.summary}
    if answer.date:
        card["date"] = answer.date
    elif answer.month:
        card["month"] = answer.month
    if answer.low_c is not None:
        card["lowC"] = round(answer.low_c, 1)
    if answer.high_c is not None:
        card["highC"] = round(answer.high_c, 1)
    if answer.precipitation_chance is not None:
        card["precipitationChance"] = answer.precipitation_chance
    return card
