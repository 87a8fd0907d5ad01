"""Fulfilment of the task intents once every slot is filled: trip plans, weather and flights.

Replies are plain text built from the bot model's templates. Weather comes only from a real
weather provider: without one the reply says the service is not configured, never a guess.
"""

from __future__ import annotations

import secrets
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from runtime.errors import NotFoundError, ProviderError, StoreError
from runtime.model import BotModel
from runtime.nlu.gazetteer import Gazetteer
from runtime.providers.weather.base import WeatherProvider, WeatherReport
from runtime.store.base import LinkStore
from runtime.types import FlightLink, SlotValue

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
# Rough USD value of one unit, only to pick a budget tier (not for prices shown to anyone).
USD_PER_UNIT = {
    "USD": 1.0,
    "EUR": 1.08,
    "GBP": 1.27,
    "JPY": 0.0067,
    "AUD": 0.66,
    "CAD": 0.73,
    "CHF": 1.13,
    "NZD": 0.6,
    "INR": 0.012,
    "SEK": 0.095,
    "NOK": 0.093,
    "DKK": 0.145,
    "MXN": 0.055,
    "BRL": 0.19,
    "CNY": 0.14,
    "SGD": 0.74,
    "HKD": 0.128,
    "THB": 0.028,
    "ZAR": 0.054,
    "AED": 0.27,
    "TRY": 0.03,
    "PLN": 0.25,
    "CZK": 0.043,
    "KRW": 0.00073,
}
TIERS = ((80.0, "backpacker"), (220.0, "mid-range"), (float("inf"), "comfort"))
SPLIT = (("stay", 0.40), ("food", 0.25), ("activities", 0.20), ("local transport", 0.15))
DAY_THEMES = (
    "arrive, check in and walk the old town",
    "main sights and a museum in the morning, a food market in the afternoon",
    "a day trip out of town",
    "neighbourhoods off the usual path, with a local food tour",
    "parks, viewpoints and shopping",
    "a slow morning, then the sight you missed",
)
FLIGHT_SEARCH_URL = "https://www.google.com/travel/flights?q="


def format_money(amount: float, currency: str) -> str:
    """``1500, "USD"`` → ``"$1,500"``; ``90, "CHF"`` → ``"90 CHF"``."""
    number = f"{amount:,.0f}" if float(amount).is_integer() or amount >= 100 else f"{amount:,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{number} {currency}"


def budget_tier(daily: float, currency: str) -> str:
    """``backpacker``, ``mid-range`` or ``comfort`` from the daily budget."""
    usd = daily * USD_PER_UNIT.get(currency, 1.0)
    return next(name for limit, name in TIERS if usd < limit)


def weather_line(report: WeatherReport) -> str:
    """A one-line summary of the current weather."""
    return f"{report.description}, {report.temp_c:.0f}°C"


@dataclass(frozen=True)
class FulfilmentContext:
    """What fulfilment needs beyond the slots: who asks, how links are built, which variant."""

    session_id: str
    base_url: str
    now_ms: int
    variant: str = "detailed"


@dataclass(frozen=True)
class Fulfilled:
    """A reply, the dialogue state to report and an optional slot to elicit again."""

    reply: str
    dialog_state: str = "Fulfilled"
    elicit: str | None = None


class Fulfiller:
    """Runs the fulfilment of PlanTrip, CheckWeather and FindFlights."""

    def __init__(
        self,
        model: BotModel,
        gazetteer: Gazetteer,
        store: LinkStore,
        weather: WeatherProvider | None,
        *,
        token: Callable[[], str] = lambda: secrets.token_urlsafe(9),
    ) -> None:
        self._model = model
        self._gazetteer = gazetteer
        self._store = store
        self._weather = weather
        self._token = token

    def fulfil(self, intent: str, slots: dict[str, SlotValue], ctx: FulfilmentContext) -> Fulfilled:
        """Fulfil ``intent``; raises ``KeyError`` for an intent without fulfilment."""
        handlers: dict[str, Callable[[dict[str, Any], FulfilmentContext], Fulfilled]] = {
            "PlanTrip": self._plan_trip,
            "CheckWeather": self._check_weather,
            "FindFlights": self._find_flights,
        }
        return handlers[intent](slots, ctx)

    def _template(self, intent: str, key: str, **values: Any) -> str:
        return self._model.intent(intent).responses[key].format(**values)

    def _report(self, city: str) -> WeatherReport | None:
        if self._weather is None:
            return None
        return self._weather.report(city)

    # ------------------------------------------------------------------ PlanTrip
    def _plan_trip(self, slots: dict[str, Any], ctx: FulfilmentContext) -> Fulfilled:
        destination, days = str(slots["destination"]), int(slots["duration"])
        amount, currency = float(slots["budget"]["amount"]), str(slots["budget"]["currency"])
        daily = amount / days
        lines = [
            self._template(
                "PlanTrip",
                "fulfilled",
                duration=days,
                destination=destination,
                budget=format_money(amount, currency),
                daily_budget=format_money(round(daily), currency),
                tier=budget_tier(daily, currency),
            )
        ]
        split = ", ".join(
            f"{name} {format_money(round(daily * share), currency)}" for name, share in SPLIT
        )
        lines.append(f"Per day: {split}.")
        if ctx.variant == "concise":
            lines.append(f"Highlights: {DAY_THEMES[1]}; {DAY_THEMES[2]}; {DAY_THEMES[3]}.")
        else:
            lines.extend(self._outline(days))
        try:
            report = self._report(destination)
        except (ProviderError, NotFoundError):
            report = None  # a plan without a weather hint is still a plan
        if report is not None:
            lines.append(
                self._template(
                    "PlanTrip",
                    "weather_hint",
                    destination=destination,
                    weather=weather_line(report),
                )
            )
        lines.append(self._template("PlanTrip", "closing", destination=destination))
        return Fulfilled("\n".join(lines))

    @staticmethod
    def _outline(days: int) -> list[str]:
        if days == 1:
            return ["Day 1: the main sights, then dinner somewhere local."]
        middle = DAY_THEMES[1:]
        shown = min(days - 1, 6)
        outline = [f"Day 1: {DAY_THEMES[0]}."]
        outline += [f"Day {d}: {middle[(d - 2) % len(middle)]}." for d in range(2, shown + 1)]
        if days - 1 > shown:
            outline.append(f"Days {shown + 1}-{days - 1}: free days or a trip to somewhere nearby.")
        outline.append(f"Day {days}: a last breakfast and departure.")
        return outline

    # ------------------------------------------------------------------ CheckWeather
    def _check_weather(self, slots: dict[str, Any], ctx: FulfilmentContext) -> Fulfilled:
        destination = str(slots["destination"])
        try:
            report = self._report(destination)
        except NotFoundError:
            return Fulfilled(
                self._template("CheckWeather", "unknown_city", destination=destination), "Failed"
            )
        except ProviderError as exc:
            key = "not_configured" if exc.kind == "unconfigured" else "unavailable"
            return Fulfilled(self._template("CheckWeather", key, destination=destination), "Failed")
        if report is None:
            return Fulfilled(
                self._template("CheckWeather", "not_configured", destination=destination), "Failed"
            )
        reply = self._template(
            "CheckWeather",
            "fulfilled",
            destination=destination,
            description=report.description,
            temp=f"{report.temp_c:.0f}°C",
            feels_like=f"{report.feels_like_c:.0f}°C",
            humidity=report.humidity_pct,
            wind=f"{report.wind_ms:.0f}",
        )
        if report.forecast:
            days = "; ".join(
                f"{d.date} {d.description}, {d.min_c:.0f}-{d.max_c:.0f}°C"
                for d in report.forecast[:5]
            )
            reply += " " + self._template("CheckWeather", "forecast", forecast=days)
        return Fulfilled(reply)

    # ------------------------------------------------------------------ FindFlights
    def _find_flights(self, slots: dict[str, Any], ctx: FulfilmentContext) -> Fulfilled:
        origin = self._gazetteer.city(str(slots["origin"]))
        destination = self._gazetteer.city(str(slots["destination"]))
        date = str(slots["date"])
        for role, city in (("origin", origin), ("destination", destination)):
            if city.code is None:
                return Fulfilled(
                    self._template("FindFlights", "no_code", city=city.name), "ElicitSlot", role
                )
        today = _iso_day(ctx.now_ms)
        if date < today:
            return Fulfilled(
                self._template("FindFlights", "past_date", date=date), "ElicitSlot", "date"
            )
        query = f"Flights from {origin.code} to {destination.code} on {date}"
        link = FlightLink(
            link_id=self._token(),
            session_id=ctx.session_id,
            url=FLIGHT_SEARCH_URL + urllib.parse.quote(query),
            created_ms=ctx.now_ms,
            variant=ctx.variant,
        )
        try:
            self._store.save_link(link)
            href = f"{ctx.base_url}/go/{link.link_id}"
        except StoreError:
            href = link.url  # the user still gets a working link; only the click is not counted
        reply = self._template(
            "FindFlights",
            "fulfilled",
            origin=origin.name,
            origin_code=origin.code,
            destination=destination.name,
            destination_code=destination.code,
            date=date,
            link=href,
        )
        return Fulfilled(reply)


def _iso_day(ms: int) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).date().isoformat()
