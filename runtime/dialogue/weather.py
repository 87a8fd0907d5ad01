"""CheckWeather: current conditions and the coming days, only ever from a weather provider."""

from __future__ import annotations

from typing import Any

from runtime.dialogue.context import Fulfilled, FulfilmentContext, Templates
from runtime.errors import NotFoundError, ProviderError
from runtime.model import BotModel
from runtime.providers.weather.base import WeatherProvider, WeatherReport


def weather_line(report: WeatherReport) -> str:
    """A one-line summary of the current weather."""
    return f"{report.description}, {report.temp_c:.0f}°C"


def current_report(weather: WeatherProvider | None, city: str) -> WeatherReport | None:
    """The provider's report for ``city``, or ``None`` without a provider (never a guess)."""
    return None if weather is None else weather.report(city)


class WeatherFulfiller:
    """Answers a weather question for a destination."""

    def __init__(self, model: BotModel, weather: WeatherProvider | None) -> None:
        self._text = Templates(model, "CheckWeather")
        self._weather = weather

    def fulfil(self, slots: dict[str, Any], ctx: FulfilmentContext) -> Fulfilled:
        destination = str(slots["destination"])
        try:
            report = current_report(self._weather, destination)
        except NotFoundError:
            return Fulfilled(self._text("unknown_city", destination=destination), "Failed")
        except ProviderError as exc:
            key = "not_configured" if exc.kind == "unconfigured" else "unavailable"
            return Fulfilled(self._text(key, destination=destination), "Failed")
        if report is None:
            return Fulfilled(self._text("not_configured", destination=destination), "Failed")
        reply = self._text(
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
            reply += " " + self._text("forecast", forecast=days)
        return Fulfilled(reply)
