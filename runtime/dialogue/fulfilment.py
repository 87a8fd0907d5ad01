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
        self._tasks: dict[str, _Task] = {
            "PlanTrip": PlanFulfiller(model, sources),
            "CheckWeather": WeatherFulfiller(model, sources),
            "FindFlights": FlightFulfiller(model, gazetteer, store, token=token),
        }

    def fulfil(self, intent: str, slots: dict[str, SlotValue], ctx: FulfilmentContext) -> Fulfilled:
        """Fulfil ``intent``; raises ``KeyError`` for an intent without fulfilment."""
        return self._tasks[intent].fulfil(slots, ctx)
