"""The weather provider interface and the report it returns.

Fulfilment never invents weather: without a configured provider it says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, kw_only=True)
class DailyForecast:
    """One day of the forecast, in degrees Celsius."""

    date: str
    min_c: float
    max_c: float
    description: str


@dataclass(frozen=True, kw_only=True)
class WeatherReport:
    """Current conditions and the coming days for one city (metric units)."""

    city: str
    country: str
    description: str
    temp_c: float
    feels_like_c: float
    humidity_pct: int
    wind_ms: float
    forecast: list[DailyForecast] = field(default_factory=list)


class WeatherProvider(Protocol):
    """Looks up the weather of a city by its canonical name."""

    def report(self, city: str) -> WeatherReport:
        """Current weather and forecast; raises :class:`runtime.errors.ProviderError` on failure
        and :class:`runtime.errors.NotFoundError` when the city is unknown to the service."""
        ...
