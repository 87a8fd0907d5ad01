"""Open-Meteo: weather with no key. The forecast API gives current conditions and 16 days; the
historical weather API (ERA5 reanalysis) gives what a month is usually like.

Endpoints (``GET``, documented at open-meteo.com/en/docs and /en/docs/historical-weather-api)::

    {forecast}/v1/forecast?latitude&longitude&current=...&daily=...&timezone&forecast_days=16
        &wind_speed_unit=ms
    {archive}/v1/archive?latitude&longitude&start_date&end_date&daily=...&timezone

Coordinates and time zone come from the gazetteer place. "Typical" is the mean of the same
month over the last :data:`TYPICAL_YEARS` complete years (one request; ERA5 trails real time by
about five days, so a month counts once it ended a week ago). Answers are cached in the store:
a forecast for 30 minutes (Open-Meteo updates hourly), a month's normals for 30 days.

Terms: free for non-commercial use, data under CC BY 4.0 with attribution (every report names
Open-Meteo). A production stack is commercial use: with ``open_meteo_api_key`` in the secret
the same requests go to the customer hosts (``customer-api.open-meteo.com``, ...) with
``&apikey=``, as Open-Meteo's pricing page documents; a self-hosted or fake base URL is kept.
"""

from __future__ import annotations

import calendar
import datetime as dt
import statistics
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from aws_lambda_powertools import Logger

from runtime.errors import ProviderError
from runtime.providers.cached import CachedSource
from runtime.providers.failures import describe, malformed
from runtime.providers.geo import Place
from runtime.providers.weather.base import DailyForecast, TypicalWeather, WeatherReport
from runtime.providers.weather.codes import describe_code
from runtime.providers.web import JsonSource, Source, expect_object

logger = Logger(service="travelbot", child=True)

NAME = "open-meteo"
ARCHIVE_NAME = "open-meteo-archive"
FORECAST_DAYS = 16
TYPICAL_YEARS = 5
ERA5_LAG_DAYS = 7
RAINY_DAY_MM = 1.0
FORECAST_SOURCE = Source("Open-Meteo", "https://open-meteo.com/", "CC BY 4.0")
ARCHIVE_SOURCE = Source(
    "Open-Meteo historical weather (ERA5)",
    "https://open-meteo.com/en/docs/historical-weather-api",
    "CC BY 4.0",
)
PUBLIC_HOSTS = frozenset({"api.open-meteo.com", "archive-api.open-meteo.com"})
CURRENT = "temperature_2m,relative_humidity_2m,apparent_temperature,weather_code,wind_speed_10m"
DAILY = (
    "weather_code,temperature_2m_max,temperature_2m_min,precipitation_sum,"
    "precipitation_probability_max"
)
ARCHIVE_DAILY = "temperature_2m_max,temperature_2m_min,precipitation_sum"
ApiKey = Callable[[], str]
_T = TypeVar("_T")


def customer_url(url: str) -> str:
    """The commercial-plan host for a public Open-Meteo URL; any other URL unchanged."""
    parts = urlsplit(url)
    if parts.hostname in PUBLIC_HOSTS:
        return urlunsplit(parts._replace(netloc=f"customer-{parts.netloc}"))
    return url


def _where(place: Place) -> dict[str, str]:
    return {
        "latitude": f"{place.latitude:.4f}",
        "longitude": f"{place.longitude:.4f}",
        "timezone": place.timezone or "auto",
    }


def _spot(place: Place) -> str:
    return f"{place.latitude:.2f},{place.longitude:.2f}"


def _number(values: Sequence[Any], index: int) -> float | None:
    value = values[index] if index < len(values) else None
    return None if value is None or isinstance(value, bool) else float(value)


def read_forecast(place: Place, payload: Any) -> WeatherReport:
    """A :class:`WeatherReport` from a forecast answer (days with missing values are skipped).

    Raises:
        ProviderError: kind ``malformed`` when a documented field is missing or of a wrong type.
    """
    body = expect_object(NAME, payload, "forecast answer")
    try:
        current = body["current"]
        daily = body["daily"]
        times = [str(t) for t in daily["time"]]
        days: list[DailyForecast] = []
        for i, date in enumerate(times):
            low, high = (
                _number(daily["temperature_2m_min"], i),
                _number(daily["temperature_2m_max"], i),
            )
            if low is None or high is None:
                continue
            rain = _number(daily.get("precipitation_sum") or [], i)
            chance = _number(daily.get("precipitation_probability_max") or [], i)
            days.append(
                DailyForecast(
                    date=date,
                    min_c=round(low, 1),
                    max_c=round(high, 1),
                    description=describe_code(daily["weather_code"][i]),
                    precipitation_mm=None if rain is None else round(rain, 1),
                    precipitation_chance_pct=None if chance is None else round(chance),
                )
            )
        return WeatherReport(
            city=place.name,
            country=place.country,
            description=describe_code(current["weather_code"]),
            temp_c=round(float(current["temperature_2m"]), 1),
            feels_like_c=round(float(current["apparent_temperature"]), 1),
            humidity_pct=round(float(current["relative_humidity_2m"])),
            wind_ms=round(float(current["wind_speed_10m"]), 1),
            today=times[0] if times else str(current.get("time", ""))[:10],
            forecast=days,
            source=FORECAST_SOURCE,
        )
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise malformed(NAME, f"forecast answer ({describe(exc)})") from exc


def typical_window(month: int, today: dt.date, years: int = TYPICAL_YEARS) -> tuple[int, int]:
    """The first and last year of the ``years`` most recent complete occurrences of ``month``.

    Raises:
        ValueError: ``month`` is not 1..12 or ``years`` < 1.
    """
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month}")
    if years < 1:
        raise ValueError("years must be at least 1")
    last = today.year
    month_end = dt.date(last, month, calendar.monthrange(last, month)[1])
    if month_end + dt.timedelta(days=ERA5_LAG_DAYS) > today:
        last -= 1
    return last - years + 1, last


def read_typical(payload: Any, month: int, first_year: int, last_year: int) -> TypicalWeather:
    """The month's means from an archive answer (days of other months and gaps are ignored).

    Raises:
        ProviderError: kind ``malformed`` when the answer lacks the documented fields or has no
            complete day in ``month``.
    """
    body = expect_object(ARCHIVE_NAME, payload, "archive answer")
    highs: list[float] = []
    lows: list[float] = []
    rain_by_year: dict[int, list[float]] = {}
    try:
        daily = body["daily"]
        for i, day in enumerate(daily["time"]):
            when = dt.date.fromisoformat(str(day))
            high = _number(daily["temperature_2m_max"], i)
            low = _number(daily["temperature_2m_min"], i)
            rain = _number(daily["precipitation_sum"], i)
            if when.month != month:
                continue
            if high is not None and low is not None:
                highs.append(high)
                lows.append(low)
            if rain is not None:
                rain_by_year.setdefault(when.year, []).append(rain)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise malformed(ARCHIVE_NAME, f"archive answer ({describe(exc)})") from exc
    if not highs:
        raise malformed(ARCHIVE_NAME, f"no day of month {month} in the archive answer")
    years = [values for values in rain_by_year.values() if values]
    rainy = statistics.fmean(sum(1 for r in v if r >= RAINY_DAY_MM) for v in years) if years else 0
    total = statistics.fmean(sum(v) for v in years) if years else 0.0
    return TypicalWeather(
        month=month,
        first_year=first_year,
        last_year=last_year,
        mean_max_c=round(statistics.fmean(highs), 1),
        mean_min_c=round(statistics.fmean(lows), 1),
        rainy_days=round(float(rainy), 1),
        precipitation_mm=round(float(total), 1),
        source=ARCHIVE_SOURCE,
    )


class _KeyedSource:
    """A base URL plus the optional commercial key: picks the host and adds ``apikey``."""

    def __init__(self, base_url: str, api_key: ApiKey | None) -> None:
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key

    def target(self, path: str, params: Mapping[str, str]) -> tuple[str, dict[str, str]]:
        key = ""
        if self._api_key is not None:
            try:
                key = self._api_key()
            except ProviderError as exc:  # the secret is unreadable: the free API still answers
                logger.warning(
                    "open-meteo key unavailable; using the free API", extra={"error": str(exc)}
                )
        if not key:
            return f"{self._base_url}{path}", dict(params)
        return f"{customer_url(self._base_url)}{path}", {**params, "apikey": key}


class OpenMeteoWeather:
    """:class:`~runtime.providers.weather.base.WeatherProvider` on Open-Meteo's forecast API."""

    def __init__(
        self,
        http: JsonSource,
        *,
        base_url: str = "https://api.open-meteo.com",
        api_key: ApiKey | None = None,
        cache: CachedSource | None = None,
        fresh_s: int = 1800,
        stale_s: int = 6 * 3600,
    ) -> None:
        self._http = http
        self._target = _KeyedSource(base_url, api_key)
        self._cache = cache or CachedSource(None)
        self._fresh_s = fresh_s
        self._stale_s = stale_s

    @property
    def source(self) -> Source:
        """Open-Meteo."""
        return FORECAST_SOURCE

    @property
    def forecast_days(self) -> int:
        """Sixteen days, today included."""
        return FORECAST_DAYS

    def report(self, place: Place, *, deadline: float | None = None) -> WeatherReport:
        """Current weather and 16 days at ``place``.

        Raises:
            ProviderError: Open-Meteo failed and no report younger than ``stale_s`` is cached.
        """

        def load() -> dict[str, Any]:
            params = {
                **_where(place),
                "current": CURRENT,
                "daily": DAILY,
                "forecast_days": str(FORECAST_DAYS),
                "wind_speed_unit": "ms",
            }
            url, query = self._target.target("/v1/forecast", params)
            return read_forecast(place, self._http.get(url, query, deadline=deadline)).to_dict()

        value = self._cache.fetch(
            f"open-meteo:v1:forecast:{_spot(place)}",
            load,
            fresh_s=self._fresh_s,
            stale_s=self._stale_s,
        )
        return _from_cache(NAME, WeatherReport.from_dict, value)


class OpenMeteoClimate:
    """:class:`~runtime.providers.weather.base.ClimateProvider` on Open-Meteo's archive API."""

    def __init__(
        self,
        http: JsonSource,
        *,
        base_url: str = "https://archive-api.open-meteo.com",
        api_key: ApiKey | None = None,
        cache: CachedSource | None = None,
        today: Callable[[], dt.date] = lambda: dt.datetime.now(dt.UTC).date(),
        fresh_s: int = 30 * 86400,
        stale_s: int = 90 * 86400,
    ) -> None:
        self._http = http
        self._target = _KeyedSource(base_url, api_key)
        self._cache = cache or CachedSource(None)
        self._today = today
        self._fresh_s = fresh_s
        self._stale_s = stale_s

    def typical(self, place: Place, month: int, *, deadline: float | None = None) -> TypicalWeather:
        """The usual weather of ``month`` at ``place`` over the last five years.

        Raises:
            ValueError: ``month`` is not 1..12.
            ProviderError: the archive failed and nothing is cached.
        """
        first, last = typical_window(month, self._today())

        def load() -> dict[str, Any]:
            end_day = calendar.monthrange(last, month)[1]
            params = {
                **_where(place),
                "start_date": f"{first:04d}-{month:02d}-01",
                "end_date": f"{last:04d}-{month:02d}-{end_day:02d}",
                "daily": ARCHIVE_DAILY,
            }
            url, query = self._target.target("/v1/archive", params)
            payload = self._http.get(url, query, deadline=deadline)
            return read_typical(payload, month, first, last).to_dict()

        value = self._cache.fetch(
            f"open-meteo:v1:typical:{_spot(place)}:{month}:{last}",
            load,
            fresh_s=self._fresh_s,
            stale_s=self._stale_s,
        )
        return _from_cache(ARCHIVE_NAME, TypicalWeather.from_dict, value)


def _from_cache(
    name: str, build: Callable[[Mapping[str, Any]], _T], value: Mapping[str, Any]
) -> _T:
    try:
        return build(value)
    except (KeyError, TypeError, ValueError) as exc:
        raise malformed(name, f"cached value ({describe(exc)})") from exc
