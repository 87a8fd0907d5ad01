"""The weather interfaces and the values they return.

Two questions, two protocols: :class:`WeatherProvider` answers "what is it like now and in the
coming days" (Open-Meteo's forecast, or OpenWeather when its key is configured), and
:class:`ClimateProvider` answers "what is it usually like there in that month" (Open-Meteo's
historical data), for dates past any forecast. Both take a gazetteer place (coordinates, name,
time zone), never a city string to geocode, and every value names its :class:`Source`.
Fulfilment never invents weather: without a provider it says so.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from runtime.providers.geo import Place
from runtime.providers.web import Source


@dataclass(frozen=True, kw_only=True)
class DailyForecast:
    """One local day of the forecast, in degrees Celsius and millimetres."""

    date: str
    min_c: float
    max_c: float
    description: str
    precipitation_mm: float | None = None
    precipitation_chance_pct: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "date": self.date,
            "minC": self.min_c,
            "maxC": self.max_c,
            "description": self.description,
            "precipitationMm": self.precipitation_mm,
            "precipitationChancePct": self.precipitation_chance_pct,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DailyForecast:
        """The inverse of :meth:`to_dict`; raises KeyError/TypeError/ValueError when malformed."""
        chance = data.get("precipitationChancePct")
        rain = data.get("precipitationMm")
        return cls(
            date=str(data["date"]),
            min_c=float(data["minC"]),
            max_c=float(data["maxC"]),
            description=str(data["description"]),
            precipitation_mm=None if rain is None else float(rain),
            precipitation_chance_pct=None if chance is None else int(chance),
        )


@dataclass(frozen=True, kw_only=True)
class WeatherReport:
    """Current conditions and the coming days at one place (metric units).

    ``today`` is the place's local date when the report was made; ``forecast`` is in date order
    (today included when the source gives it).
    """

    city: str
    country: str
    description: str
    temp_c: float
    feels_like_c: float
    humidity_pct: int
    wind_ms: float
    source: Source
    today: str = ""
    forecast: list[DailyForecast] = field(default_factory=list)

    def day(self, date: str) -> DailyForecast | None:
        """The forecast for ``date`` (ISO), if the report covers it."""
        return next((d for d in self.forecast if d.date == date), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (also what the content cache keeps)."""
        return {
            "city": self.city,
            "country": self.country,
            "description": self.description,
            "tempC": self.temp_c,
            "feelsLikeC": self.feels_like_c,
            "humidityPct": self.humidity_pct,
            "windMs": self.wind_ms,
            "today": self.today,
            "forecast": [d.to_dict() for d in self.forecast],
            "source": self.source.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WeatherReport:
        """The inverse of :meth:`to_dict`; raises KeyError/TypeError/ValueError when malformed."""
        source = data["source"]
        return cls(
            city=str(data["city"]),
            country=str(data["country"]),
            description=str(data["description"]),
            temp_c=float(data["tempC"]),
            feels_like_c=float(data["feelsLikeC"]),
            humidity_pct=int(data["humidityPct"]),
            wind_ms=float(data["windMs"]),
            today=str(data.get("today") or ""),
            forecast=[DailyForecast.from_dict(d) for d in data["forecast"]],
            source=Source(str(source["name"]), str(source["url"]), str(source.get("terms", ""))),
        )


@dataclass(frozen=True, kw_only=True)
class TypicalWeather:
    """What a month is usually like at a place, averaged over ``first_year``..``last_year``.

    ``rainy_days`` is the average number of days with at least 1 mm of precipitation.
    """

    month: int
    first_year: int
    last_year: int
    mean_max_c: float
    mean_min_c: float
    rainy_days: float
    precipitation_mm: float
    source: Source

    @property
    def month_name(self) -> str:
        """ "March"."""
        return calendar.month_name[self.month]

    @property
    def rainy_share(self) -> float:
        """The share of the month's days that are rainy (0..1)."""
        days = calendar.monthrange(2001, self.month)[1]  # a non-leap year: February has 28
        return min(1.0, self.rainy_days / days)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (also what the content cache keeps)."""
        return {
            "month": self.month,
            "firstYear": self.first_year,
            "lastYear": self.last_year,
            "meanMaxC": self.mean_max_c,
            "meanMinC": self.mean_min_c,
            "rainyDays": self.rainy_days,
            "precipitationMm": self.precipitation_mm,
            "source": self.source.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TypicalWeather:
        """The inverse of :meth:`to_dict`; raises KeyError/TypeError/ValueError when malformed."""
        source = data["source"]
        return cls(
            month=int(data["month"]),
            first_year=int(data["firstYear"]),
            last_year=int(data["lastYear"]),
            mean_max_c=float(data["meanMaxC"]),
            mean_min_c=float(data["meanMinC"]),
            rainy_days=float(data["rainyDays"]),
            precipitation_mm=float(data["precipitationMm"]),
            source=Source(str(source["name"]), str(source["url"]), str(source.get("terms", ""))),
        )


class WeatherProvider(Protocol):
    """Current weather and a daily forecast for a place."""

    @property
    def source(self) -> Source:
        """Who the reports come from."""
        ...

    @property
    def forecast_days(self) -> int:
        """How many days ahead (today included) the forecast reaches."""
        ...

    def report(self, place: Place, *, deadline: float | None = None) -> WeatherReport:
        """Current weather and forecast; ``deadline`` is a ``time.monotonic()`` instant.

        Raises:
            ProviderError: the service failed, timed out or is not configured.
        """
        ...


class ClimateProvider(Protocol):
    """What a month is usually like at a place."""

    def typical(self, place: Place, month: int, *, deadline: float | None = None) -> TypicalWeather:
        """The usual weather of ``month`` (1-12) at ``place``.

        Raises:
            ProviderError: the service failed or timed out.
            ValueError: ``month`` is not 1..12.
        """
        ...
