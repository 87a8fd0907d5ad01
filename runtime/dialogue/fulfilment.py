"""Fulfilment of the task intents once every slot is filled: trip plans, weather and flights.

Replies are plain text built from the bot model's templates, one module per task
(:mod:`runtime.dialogue.plan`, :mod:`runtime.dialogue.weather`, :mod:`runtime.dialogue.flights`).
Weather and plan content come only from real sources
(:class:`runtime.providers.open_data.OpenData`): without one the reply says so, never a guess.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, Protocol

from runtime.dialogue.context import Fulfilled, FulfilmentContext
from runtime.dialogue.flights import FlightFulfiller
from runtime.dialogue.plan import PlanFulfiller
from runtime.dialogue.weather import WeatherFulfiller
from runtime.model import BotModel
from runtime.nlu.gazetteer import Gazetteer
from runtime.providers.open_data import OpenData
from runtime.store.base import LinkStore
from runtime.types import SlotValue

__all__ = ["Fulfilled", "Fulfiller", "FulfilmentContext"]


class _Task(Protocol):
    def fulfil(self, slots: dict[str, Any], ctx: FulfilmentContext) -> Fulfilled: ...


class Fulfiller:
    """Runs the fulfilment of PlanTrip, CheckWeather and FindFlights."""

    def __init__(
        self,
        model: BotModel,
        gazetteer: Gazetteer,
        store: LinkStore,
        sources: OpenData | None,
        *,
        token: Callable[[], str] = lambda: secrets.token_urlsafe(9),
    ) -> None:
        self._flights = FlightFulfiller(model, gazetteer, store, token=token)
        self._tasks: dict[str, _Task] = {
            "PlanTrip": PlanFulfiller(model, sources),
            "CheckWeather": WeatherFulfiller(model, sources),
            "FindFlights": self._flights,
        }

    def which_city(self, role: str, name: str) -> Fulfilled | None:
        """For a country named as a flight's ``role`` (origin or destination), the question
        which of its cities; None for any other place (see :meth:`FlightFulfiller.which_city`)."""
        return self._flights.which_city(role, name)

    def fulfil(self, intent: str, slots: dict[str, SlotValue], ctx: FulfilmentContext) -> Fulfilled:
        """Fulfil ``intent``; raises ``KeyError`` for an intent without fulfilment."""
        return self._tasks[intent].fulfil(slots, ctx)
