"""The structured parts a ``POST /chat`` answer may carry besides ``reply``: quick replies, cards.

Both are optional fields of the response; ``reply`` stays the complete plain-text answer for
every client, and clients must ignore fields (and card types) they do not know. The web page
renders them: quick replies as buttons that send their ``message``, a ``plan`` card as a day list
with the budget split, a ``flight`` card as a search button with dates in the reader's words, a
``weather`` card as a small forecast. README.md ("The chat API") documents the same schema.

A card may name the part of ``reply`` it shows (``replyText``, a verbatim substring of
``reply``): a client that renders the card may then leave that part out of the text, so a plan
is not shown twice. Dates are ISO ``YYYY-MM-DD``; amounts are numbers in the card's ISO 4217
``currency``; a flight ``url`` is absolute ``https``/``http`` or an API path such as ``/go/<id>``.

:func:`problems` checks a response body against this schema; whoever produces these fields
tests with it, so what the page is tested with is what the server sends.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal, NotRequired, TypedDict

__all__ = [
    "MAX_CARDS",
    "MAX_QUICK_REPLIES",
    "BudgetSplit",
    "FlightCard",
    "PlanBudget",
    "PlanCard",
    "PlanDay",
    "QuickReply",
    "WeatherCard",
    "problems",
]

MAX_QUICK_REPLIES = 6
MAX_CARDS = 3
MAX_LABEL_CHARS = 40
MAX_TEXT_CHARS = 300
MAX_MESSAGE_CHARS = 1000
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_URL = re.compile(r"^(https?://[^\s<>\"']+|/go/[A-Za-z0-9_-]+)$")
_MONTH = re.compile(r"\d{4}-(?:0[1-9]|1[0-2])")


class QuickReply(TypedDict):
    """A button under the bot's message: shows ``label``, sends ``message`` as the user's turn."""

    label: str
    message: str


class PlanDay(TypedDict):
    """One line of a plan: day ``day`` (through ``lastDay`` for a stretch of days)."""

    day: int
    lastDay: NotRequired[int]
    text: str


class BudgetSplit(TypedDict):
    """One share of the daily budget, e.g. ``{"label": "stay", "perDay": 120}``."""

    label: str
    perDay: float


class PlanBudget(TypedDict):
    """The trip's budget: the total, what it leaves per day, and how a day splits."""

    amount: float
    currency: str
    perDay: float
    split: list[BudgetSplit]


class PlanCard(TypedDict):
    """``PlanTrip`` fulfilled: the day list and the budget split."""

    type: Literal["plan"]
    destination: str
    days: list[PlanDay]
    budget: PlanBudget
    replyText: NotRequired[str]


class FlightCard(TypedDict):
    """``FindFlights`` fulfilled: a flight search to open."""

    type: Literal["flight"]
    origin: str
    destination: str
    date: str
    returnDate: NotRequired[str]
    url: str
    replyText: NotRequired[str]


class WeatherCard(TypedDict):
    """``CheckWeather`` fulfilled: the forecast for a place (today when neither ``date`` nor
    ``month`` is given), or what a ``month`` (``YYYY-MM``) is usually like there."""

    type: Literal["weather"]
    place: str
    summary: str
    date: NotRequired[str]
    month: NotRequired[str]
    lowC: NotRequired[float]
    highC: NotRequired[float]
    precipitationChance: NotRequired[int]
    replyText: NotRequired[str]


def _text(value: Any, where: str, limit: int = MAX_TEXT_CHARS) -> list[str]:
    if not isinstance(value, str) or not value.strip():
        return [f"{where} must be a non-empty string"]
    return [f"{where} must be at most {limit} characters"] if len(value) > limit else []


def _number(value: Any, where: str, *, low: float = 0, high: float = 1e12) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return [f"{where} must be a number"]
    return [] if low <= value <= high else [f"{where} must be between {low:g} and {high:g}"]


def _date(value: Any, where: str) -> list[str]:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return [f"{where} must be an ISO date YYYY-MM-DD"]
    return [] if len(value) == 10 else [f"{where} must be an ISO date YYYY-MM-DD"]


def _optional(
    card: Mapping[str, Any], name: str, check: Callable[..., list[str]], where: str
) -> list[str]:
    return check(card[name], f"{where}.{name}") if name in card else []


def _plan(card: Mapping[str, Any], where: str) -> list[str]:
    found = _text(card.get("destination"), f"{where}.destination")
    days = card.get("days")
    if not isinstance(days, list) or not 1 <= len(days) <= 31:
        found.append(f"{where}.days must be a list of 1 to 31 days")
        days = []
    for i, day in enumerate(days):
        at = f"{where}.days[{i}]"
        if not isinstance(day, Mapping):
            found.append(f"{at} must be an object")
            continue
        found += _number(day.get("day"), f"{at}.day", low=1, high=365)
        if "lastDay" in day:
            found += _number(day["lastDay"], f"{at}.lastDay", low=day.get("day") or 1, high=365)
        found += _text(day.get("text"), f"{at}.text")
    budget = card.get("budget")
    if not isinstance(budget, Mapping):
        return [*found, f"{where}.budget must be an object"]
    found += _number(budget.get("amount"), f"{where}.budget.amount")
    found += _number(budget.get("perDay"), f"{where}.budget.perDay")
    if not isinstance(budget.get("currency"), str) or not _CURRENCY.match(budget["currency"]):
        found.append(f"{where}.budget.currency must be an ISO 4217 code")
    split = budget.get("split")
    if not isinstance(split, list) or len(split) > 8:
        return [*found, f"{where}.budget.split must be a list of at most 8 shares"]
    for i, share in enumerate(split):
        at = f"{where}.budget.split[{i}]"
        if not isinstance(share, Mapping):
            found.append(f"{at} must be an object")
            continue
        found += _text(share.get("label"), f"{at}.label", MAX_LABEL_CHARS)
        found += _number(share.get("perDay"), f"{at}.perDay")
    return found


def _flight(card: Mapping[str, Any], where: str) -> list[str]:
    found = _text(card.get("origin"), f"{where}.origin")
    found += _text(card.get("destination"), f"{where}.destination")
    found += _date(card.get("date"), f"{where}.date")
    found += _optional(card, "returnDate", _date, where)
    url = card.get("url")
    if not isinstance(url, str) or not _URL.match(url):
        found.append(f"{where}.url must be an http(s) URL or a /go/<id> path")
    return found


def _weather(card: Mapping[str, Any], where: str) -> list[str]:
    found = _text(card.get("place"), f"{where}.place")
    found += _text(card.get("summary"), f"{where}.summary")
    found += _optional(card, "date", _date, where)
    if "month" in card:
        if not isinstance(card["month"], str) or not _MONTH.fullmatch(card["month"]):
            found.append(f"{where}.month must be a month as YYYY-MM")
        if "date" in card:
            found.append(f"{where} must have a date or a month, not both")
    for name in ("lowC", "highC"):
        if name in card:
            found += _number(card[name], f"{where}.{name}", low=-100, high=100)
    if "precipitationChance" in card:
        found += _number(card["precipitationChance"], f"{where}.precipitationChance", high=100)
    return found


_CARDS: dict[str, Callable[[Mapping[str, Any], str], list[str]]] = {
    "plan": _plan,
    "flight": _flight,
    "weather": _weather,
}


def _quick_replies(value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_QUICK_REPLIES:
        return [f"quickReplies must be a list of at most {MAX_QUICK_REPLIES}"]
    found: list[str] = []
    for i, item in enumerate(value):
        at = f"quickReplies[{i}]"
        if not isinstance(item, Mapping):
            found.append(f"{at} must be an object")
            continue
        found += _text(item.get("label"), f"{at}.label", MAX_LABEL_CHARS)
        found += _text(item.get("message"), f"{at}.message", MAX_MESSAGE_CHARS)
    return found


def problems(body: Mapping[str, Any]) -> list[str]:
    """What in ``body``'s ``quickReplies`` and ``cards`` breaks the schema (empty: nothing).

    Unknown fields are allowed (clients ignore them); so is an unknown card ``type``, which
    clients skip, but its ``replyText`` must still be a substring of ``reply``.
    """
    found = _quick_replies(body["quickReplies"]) if "quickReplies" in body else []
    cards = body.get("cards", [])
    if not isinstance(cards, list) or len(cards) > MAX_CARDS:
        return [*found, f"cards must be a list of at most {MAX_CARDS}"]
    reply = body.get("reply")
    for i, card in enumerate(cards):
        where = f"cards[{i}]"
        if not isinstance(card, Mapping) or not isinstance(card.get("type"), str):
            found.append(f"{where} must be an object with a string 'type'")
            continue
        check = _CARDS.get(card["type"])
        found += check(card, where) if check else []
        text = card.get("replyText")
        if text is not None and (
            not isinstance(text, str) or not text or text not in (reply or "")
        ):
            found.append(f"{where}.replyText must be a non-empty part of 'reply'")
    return found
