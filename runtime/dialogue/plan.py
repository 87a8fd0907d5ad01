"""PlanTrip: a plan built from real data about the place, within the turn's deadline.

Three open sources are asked at once (:func:`runtime.providers.parallel.run_all`): the travel
guide (sights to fill the days, and the prices of beds, meals and tickets that weight the
budget split and tell whether the budget can work there), the ECB reference rate into the local
currency, and the weather for the dates or, without dates, the month's usual weather with what
to pack. Each answer that is missing by the deadline or failed is named in one short line; the
plan is then written from what arrived (:mod:`runtime.dialogue.trip`,
:mod:`runtime.dialogue.plan_text`). A place the gazetteer cannot locate, or a deployment with
the sources off, gets a general plan that claims nothing about the place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from runtime.dialogue.budget import local_prices
from runtime.dialogue.context import Fulfilled, FulfilmentContext, Templates
from runtime.dialogue.display import human_date
from runtime.dialogue.outlook import (
    advice_for_days,
    advice_for_month,
    day_sentence,
    lookup_deadline,
    parse_date,
    today_utc,
    typical_sentence,
)
from runtime.dialogue.plan_text import days_text, render
from runtime.dialogue.trip import (
    Money,
    TripPlan,
    WeatherSummary,
    budget_lines,
    floor_in,
    itinerary,
    pick_sights,
    trip_tier,
)
from runtime.errors import ProviderError
from runtime.model import BotModel
from runtime.providers.content.base import ExchangeRate, Guide
from runtime.providers.geo import Place
from runtime.providers.open_data import OpenData
from runtime.providers.parallel import Outcome, run_all
from runtime.providers.web import Source

_T = TypeVar("_T")
WHAT = {
    "guide": "the sights and local prices (Wikivoyage)",
    "rate": "the exchange rate (ECB via Frankfurter)",
    "weather": "the weather (Open-Meteo)",
}


@dataclass
class _Found:
    guide: Guide | None = None
    rate: ExchangeRate | None = None
    weather: WeatherSummary | None = None
    unavailable: list[str] = field(default_factory=list)


class PlanFulfiller:
    """Writes the trip plan once destination, duration and budget are known."""

    def __init__(self, model: BotModel, sources: OpenData | None) -> None:
        self._text = Templates(model, "PlanTrip")
        self._sources = sources

    def fulfil(self, slots: dict[str, Any], ctx: FulfilmentContext) -> Fulfilled:
        """The plan as text, and as the :class:`TripPlan` it was written from (``details``)."""
        destination, days = str(slots["destination"]), int(slots["duration"])
        budget = Money(float(slots["budget"]["amount"]), str(slots["budget"]["currency"]))
        place = self._place(destination)
        found = self._gather(place, budget.currency, parse_date(slots.get("date")), days, ctx)
        plan = self._plan(destination, place, days, budget, found)
        concise = ctx.variant == "concise"
        reply = render(plan, self._text, concise=concise)
        return Fulfilled(reply, details=plan, shows=days_text(plan, concise=concise))

    def _place(self, destination: str) -> Place | None:
        sources = self._sources
        if sources is None or sources.places is None:
            return None
        return sources.places(destination)

    def _gather(
        self,
        place: Place | None,
        currency: str,
        start: dt.date | None,
        days: int,
        ctx: FulfilmentContext,
    ) -> _Found:
        sources = self._sources
        if place is None or sources is None:
            return _Found()
        deadline = lookup_deadline(ctx, sources.budget_s)
        tasks: dict[str, Callable[[], Any]] = {}
        if sources.guide is not None:
            guide = sources.guide
            tasks["guide"] = lambda: guide.guide(place, deadline=deadline)
        if sources.rates is not None and place.currency:
            rates, local = sources.rates, place.currency
            tasks["rate"] = lambda: rates.rate(currency, local, deadline=deadline)
        if sources.weather.configured:
            month = int(ctx.month[5:7]) if ctx.month else None
            tasks["weather"] = lambda: self._weather(
                place, start, days, today_utc(ctx), deadline, month
            )
        outcomes = run_all(tasks, deadline=deadline)
        found = _Found(
            guide=_value(outcomes.get("guide"), Guide),
            rate=_value(outcomes.get("rate"), ExchangeRate),
            weather=_value(outcomes.get("weather"), WeatherSummary),
        )
        for name, outcome in outcomes.items():
            # "Not found" is an answer (no article, no rate for that currency), not an outage.
            if isinstance(outcome.error, ProviderError):
                found.unavailable.append(WHAT[name])
        return found

    def _weather(
        self,
        place: Place,
        start: dt.date | None,
        days: int,
        today: dt.date,
        deadline: float,
        month: int | None = None,
    ) -> WeatherSummary:
        """The forecast for the trip's dates when they are within the forecast, else what the
        month of the trip (its start, the ``month`` named, or this month) is usually like."""
        assert self._sources is not None
        weather = self._sources.weather
        if start is not None and start >= today:
            end = start + dt.timedelta(days=days - 1)
            if (end - today).days < weather.forecast_days - 1:
                report = weather.report(place, days_ahead=(end - today).days, deadline=deadline)
                dates = [(start + dt.timedelta(days=i)).isoformat() for i in range(days)]
                trip = [d for d in (report.day(date) for date in dates) if d is not None]
                if trip:
                    text = "forecast for your dates: " + "; ".join(
                        f"{human_date(d.date, today)} {day_sentence(d)}" for d in trip
                    )
                    data = {"days": [d.to_dict() for d in trip]}
                    return WeatherSummary(
                        "forecast", text, advice_for_days(trip), report.source, data
                    )
        named = month
        month = start.month if start is not None else (named or today.month)
        typical = weather.typical(place, month, deadline=deadline)
        lead = "if you go this month, " if start is None and named is None else ""
        return WeatherSummary(
            "typical",
            lead + typical_sentence(place.name, typical),
            advice_for_month(typical),
            typical.source,
            typical.to_dict(),
        )

    def _plan(
        self, destination: str, place: Place | None, days: int, budget: Money, found: _Found
    ) -> TripPlan:
        daily = Money(budget.amount / days, budget.currency)
        rate = found.rate
        prices = None
        if found.guide is not None and place is not None and place.currency:
            prices = local_prices(found.guide, place.currency)
        split, basis = budget_lines(daily, rate, prices)
        sources: list[Source] = []
        if found.guide is not None:
            sources.append(found.guide.source)
        if rate is not None and rate.base != rate.quote:
            sources.append(rate.source)
        if found.weather is not None:
            sources.append(found.weather.source)
        return TripPlan(
            destination=destination,
            country=place.country if place is not None else "",
            days=days,
            budget=budget,
            daily=daily,
            tier=trip_tier(daily, rate, prices),
            split=split,
            split_basis=basis,
            itinerary=itinerary(days, pick_sights(found.guide)),
            local_total=Money(rate.convert(budget.amount), rate.quote) if rate else None,
            local_daily=Money(rate.convert(daily.amount), rate.quote) if rate else None,
            rate=rate,
            floor=floor_in(daily, rate, prices),
            weather=found.weather,
            sources=sources,
            unavailable=found.unavailable,
        )


def _value(outcome: Outcome | None, kind: type[_T]) -> _T | None:
    if outcome is None or not outcome.ok or not isinstance(outcome.value, kind):
        return None
    return outcome.value
