"""OpenWeather as a :class:`runtime.providers.weather.base.WeatherProvider`: current weather and
the 5-day forecast, in metric units, for a gazetteer place.

Two documented endpoints (``/data/2.5/weather``, ``/data/2.5/forecast``) at the place's
coordinates (no geocoding call: the gazetteer has them), through the same
:class:`runtime.providers.web.JsonSource` as the keyless sources: one deadline per report, one
retry of a 5xx, a circuit breaker, telemetry. A report is cached in the store for 10 minutes
(OpenWeather refreshes its data about that often); when the service fails, a report up to an
hour old is served rather than none. It is used instead of Open-Meteo when the secret holds
``openweather_api_key``.

The key travels in the ``appid`` query parameter, as the API requires, so a request URL is a
secret: error messages are built from exception types and statuses only, never from URLs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from runtime.errors import ProviderError
from runtime.providers.cached import CachedSource
from runtime.providers.failures import describe, malformed
from runtime.providers.geo import Place
from runtime.providers.weather.base import DailyForecast, WeatherReport
from runtime.providers.web import JsonSource, Source, expect_object

NAME = "openweather"
FORECAST_DAYS = 5
SOURCE = Source("OpenWeather", "https://openweathermap.org/", "OpenWeather terms of service")


def read_forecast(payload: Mapping[str, Any], offset_s: int, today: str) -> list[DailyForecast]:
    """Three-hour steps grouped into the local days after ``today``: min, max, the usual sky.

    Raises:
        KeyError, IndexError, TypeError, ValueError: when a step lacks the documented fields.
    """
    days: dict[str, list[tuple[float, float, str, float]]] = {}
    for step in payload["list"]:
        day = datetime.fromtimestamp(int(step["dt"]) + offset_s, UTC).date().isoformat()
        main = step["main"]
        sky = str(step["weather"][0]["description"])
        chance = float(step.get("pop") or 0.0)  # probability of precipitation, 0..1
        days.setdefault(day, []).append(
            (float(main["temp_min"]), float(main["temp_max"]), sky, chance)
        )
    forecast = [
        DailyForecast(
            date=day,
            min_c=round(min(s[0] for s in steps), 1),
            max_c=round(max(s[1] for s in steps), 1),
            description=Counter(s[2] for s in steps).most_common(1)[0][0],
            precipitation_chance_pct=round(max(s[3] for s in steps) * 100),
        )
        for day, steps in sorted(days.items())
        if day > today
    ]
    return forecast[:FORECAST_DAYS]


def read_report(
    place: Place, current: Mapping[str, Any], forecast: Mapping[str, Any]
) -> WeatherReport:
    """Current weather and forecast as a :class:`WeatherReport`.

    Raises:
        ProviderError: kind ``malformed`` when a documented field is missing.
    """
    try:
        main = current["main"]
        offset = int(current.get("timezone") or forecast.get("city", {}).get("timezone") or 0)
        today = datetime.fromtimestamp(int(current["dt"]) + offset, UTC).date().isoformat()
        return WeatherReport(
            city=place.name,
            country=place.country,
            source=SOURCE,
            today=today,
            description=str(current["weather"][0]["description"]),
            temp_c=round(float(main["temp"]), 1),
            feels_like_c=round(float(main["feels_like"]), 1),
            humidity_pct=int(main["humidity"]),
            wind_ms=round(float(current["wind"]["speed"]), 1),
            forecast=read_forecast(forecast, offset, today),
        )
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise malformed(NAME, f"weather answer ({describe(exc)})") from exc


class OpenWeatherProvider:
    """A :class:`~runtime.providers.weather.base.WeatherProvider` on OpenWeather."""

    def __init__(
        self,
        http: JsonSource,
        *,
        endpoint: str,
        api_key: Callable[[], str],
        cache: CachedSource | None = None,
        fresh_s: int = 600,
        stale_s: int = 3600,
    ) -> None:
        self._http = http
        self._endpoint = endpoint.rstrip("/")
        self._api_key = api_key
        self._cache = cache or CachedSource(None)
        self._fresh_s = fresh_s
        self._stale_s = stale_s

    @property
    def source(self) -> Source:
        """OpenWeather."""
        return SOURCE

    @property
    def forecast_days(self) -> int:
        """Five days after today (the 5-day / 3-hour forecast)."""
        return FORECAST_DAYS + 1

    def report(self, place: Place, *, deadline: float | None = None) -> WeatherReport:
        """Current weather and forecast at ``place``.

        Raises:
            ProviderError: ``unconfigured`` without a key (no request is sent); otherwise the
                service failed and no report younger than an hour is cached.
        """
        key = self._api_key()
        if not key:
            raise ProviderError(NAME, "no API key configured", kind="unconfigured")
        where = {
            "lat": f"{place.latitude:.4f}",
            "lon": f"{place.longitude:.4f}",
            "units": "metric",
            "appid": key,
        }

        def load() -> dict[str, Any]:
            current = self._http.get(f"{self._endpoint}/data/2.5/weather", where, deadline=deadline)
            forecast = self._http.get(
                f"{self._endpoint}/data/2.5/forecast", where, deadline=deadline
            )
            return read_report(
                place,
                expect_object(NAME, current, "weather answer"),
                expect_object(NAME, forecast, "forecast answer"),
            ).to_dict()

        spot = f"{place.latitude:.2f},{place.longitude:.2f}"
        value = self._cache.fetch(
            f"openweather:v1:{spot}", load, fresh_s=self._fresh_s, stale_s=self._stale_s
        )
        try:
            return WeatherReport.from_dict(value)
        except (KeyError, TypeError, ValueError) as exc:
            raise malformed(NAME, f"cached value ({describe(exc)})") from exc
