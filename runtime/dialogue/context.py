"""What fulfilment gets besides the slots, and what it gives back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from runtime.dialogue.trip import TripPlan
from runtime.model import BotModel


@dataclass(frozen=True)
class FulfilmentContext:
    """What fulfilment needs beyond the slots: who asks, how links are built, which variant,
    and by when (``deadline``, a ``time.monotonic()`` instant) the reply must be ready.
    ``month`` (``YYYY-MM``) is a month the traveller named without a day ("in march"): the
    weather typical then answers a weather question, and a plan's weather is that month's."""

    session_id: str
    base_url: str
    now_ms: int
    variant: str = "detailed"
    deadline: float | None = None
    month: str | None = None


@dataclass(frozen=True, kw_only=True)
class WeatherAnswer:
    """A weather answer as values: the place as the reply names it, the day asked (ISO; None
    for today) or the month (``YYYY-MM``), a short summary and, when the source gave them, the
    day's range in °C and the chance of precipitation in percent. ``kind`` is ``now``,
    ``forecast`` or ``typical``."""

    kind: str
    place: str
    summary: str
    date: str | None = None
    month: str | None = None  # YYYY-MM: a month's typical weather, asked without a day
    low_c: float | None = None
    high_c: float | None = None
    precipitation_chance: int | None = None


@dataclass(frozen=True, kw_only=True)
class FlightSearch:
    """A flight search handed out: the cities as the reply names them, the ISO days and the
    link exactly as the reply gives it (the tracked ``/go/`` link, or the search itself when
    the link could not be stored)."""

    origin: str
    destination: str
    date: str
    return_date: str | None
    url: str


Details = TripPlan | WeatherAnswer | FlightSearch
"""The structured value a fulfilled reply was written from."""


@dataclass(frozen=True)
class Fulfilled:
    """A reply, the dialogue state to report and an optional slot to elicit again.

    ``details`` is the typed value the reply was written from (a trip plan, a weather answer, a
    flight search), which the presentation (:mod:`runtime.dialogue.present`) turns into a card;
    ``shows`` is the verbatim part of ``reply`` that such a card presents (a plan's days, a
    day's forecast, the flight line), ``""`` when the card presents no part of it as a whole.
    ``options`` are values the ``elicit``-ed slot may take, asked as "which one?" (the cities
    with an airport in a country named as a flight's end).
    """

    reply: str
    dialog_state: str = "Fulfilled"
    elicit: str | None = None
    details: Details | None = None
    shows: str = ""
    options: tuple[str, ...] = ()


class Templates:
    """The bot model's reply templates of one intent, filled with ``str.format``."""

    def __init__(self, model: BotModel, intent: str) -> None:
        self._responses = model.intent(intent).responses

    def __call__(self, key: str, **values: Any) -> str:
        """The template ``key`` with ``values`` filled in."""
        return self._responses[key].format(**values)
