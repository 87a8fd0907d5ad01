"""OpenWeather as a :class:`runtime.providers.weather.base.WeatherProvider`: geocoding, current
weather and the 5-day forecast, in metric units, cached per city.

Three documented endpoints (``/geo/1.0/direct``, ``/data/2.5/weather``, ``/data/2.5/forecast``)
over ``requests`` with explicit connect/read timeouts, all within one deadline per report. A
report is cached for 10 minutes (OpenWeather refreshes its data about that often); coordinates
for a day; an unknown city for 10 minutes. When the service fails, a report up to an hour old
is served rather than none.

The key travels in the ``appid`` query parameter, as the API requires, so a request URL is a
secret: error messages are built from exception types and statuses only, never from URLs.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from runtime.errors import NotFoundError, ProviderError
from runtime.providers.failures import describe, malformed, status_error
from runtime.providers.retry import provider_retry
from runtime.providers.weather.base import DailyForecast, WeatherReport
from runtime.retry import RetryPolicy

if TYPE_CHECKING:
    import requests

NAME = "openweather"
FORECAST_DAYS = 5


@dataclass(frozen=True)
class Place:
    """A geocoded city."""

    name: str
    country: str
    lat: float
    lon: float


@dataclass(frozen=True)
class _Entry:
    at: float
    value: WeatherReport | Place | None  # None: the city is unknown to OpenWeather


def read_place(payload: Any, city: str) -> Place:
    """The first geocoding match.

    Raises:
        NotFoundError: when OpenWeather knows no such city.
        ProviderError: kind ``malformed`` when the answer is not the documented list.
    """
    if not isinstance(payload, list):
        raise malformed(NAME, "geocoding answer is not a list")
    if not payload:
        raise NotFoundError(f"no weather data for {city}")
    try:
        first = payload[0]
        return Place(
            name=str(first.get("name") or city),
            country=str(first.get("country") or ""),
            lat=float(first["lat"]),
            lon=float(first["lon"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise malformed(NAME, f"geocoding entry ({describe(exc)})") from exc


def read_forecast(payload: Mapping[str, Any], offset_s: int, today: str) -> list[DailyForecast]:
    """Three-hour steps grouped into the local days after ``today``: min, max, the usual sky.

    Raises:
        KeyError, IndexError, TypeError, ValueError: when a step lacks the documented fields.
    """
    days: dict[str, list[tuple[float, float, str]]] = {}
    for step in payload["list"]:
        day = datetime.fromtimestamp(int(step["dt"]) + offset_s, UTC).date().isoformat()
        main = step["main"]
        sky = str(step["weather"][0]["description"])
        days.setdefault(day, []).append((float(main["temp_min"]), float(main["temp_max"]), sky))
    forecast = [
        DailyForecast(
            date=day,
            min_c=round(min(s[0] for s in steps), 1),
            max_c=round(max(s[1] for s in steps), 1),
            description=Counter(s[2] for s in steps).most_common(1)[0][0],
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
    """A :class:`~runtime.providers.weather.base.WeatherProvider` on OpenWeather, per-city cache."""

    def __init__(
        self,
        *,
        endpoint: str,
        api_key: Callable[[], str],
        timeout_s: float = 3.0,
        connect_timeout_s: float = 1.0,
        cache_ttl_s: float = 600.0,
        stale_ttl_s: float = 3600.0,
        place_ttl_s: float = 86400.0,
        max_cities: int = 256,
        clock: Callable[[], float] = time.monotonic,
        session: requests.Session | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._endpoint = endpoint.rstrip("/")
        self._api_key = api_key
        self._timeout_s = timeout_s
        self._connect_timeout_s = connect_timeout_s
        self._cache_ttl_s = cache_ttl_s
        self._stale_ttl_s = max(stale_ttl_s, cache_ttl_s)
        self._place_ttl_s = place_ttl_s
        self._max_cities = max_cities
        self._clock = clock
        self._retry = retry or provider_retry()
        self._session = session  # built on first use: importing requests costs start-up time
        self._lock = threading.Lock()
        self._reports: OrderedDict[str, _Entry] = OrderedDict()
        self._places: OrderedDict[str, _Entry] = OrderedDict()

    def report(self, city: str) -> WeatherReport:
        """Current weather and forecast for ``city`` (a canonical city name).

        Raises:
            NotFoundError: OpenWeather does not know the city.
            ProviderError: the service failed and no report younger than an hour is cached.
        """
        key = city.strip().lower()
        now = self._clock()
        cached = self._cached(self._reports, key)
        if cached is not None and now - cached.at < self._cache_ttl_s:
            if cached.value is None:
                raise NotFoundError(f"no weather data for {city}")
            assert isinstance(cached.value, WeatherReport)
            return cached.value
        try:
            report = self._fetch(city, key, now + self._timeout_s)
        except NotFoundError:
            self._store(self._reports, key, None)
            raise
        except ProviderError:
            if (
                cached is not None
                and isinstance(cached.value, WeatherReport)
                and now - cached.at < self._stale_ttl_s
            ):
                return cached.value
            raise
        self._store(self._reports, key, report)
        return report

    # ------------------------------------------------------------------------------ internals

    def _cached(self, cache: OrderedDict[str, _Entry], key: str) -> _Entry | None:
        with self._lock:
            entry = cache.get(key)
            if entry is not None:
                cache.move_to_end(key)
            return entry

    def _store(self, cache: OrderedDict[str, _Entry], key: str, value: Any) -> None:
        with self._lock:
            cache[key] = _Entry(self._clock(), value)
            cache.move_to_end(key)
            while len(cache) > self._max_cities:
                cache.popitem(last=False)

    def _fetch(self, city: str, key: str, deadline: float) -> WeatherReport:
        place = self._place(city, key, deadline)
        where = {"lat": f"{place.lat:.4f}", "lon": f"{place.lon:.4f}", "units": "metric"}
        current = self._get("/data/2.5/weather", where, deadline)
        forecast = self._get("/data/2.5/forecast", where, deadline)
        if not isinstance(current, Mapping) or not isinstance(forecast, Mapping):
            raise malformed(NAME, "weather answer is not an object")
        return read_report(place, current, forecast)

    def _place(self, city: str, key: str, deadline: float) -> Place:
        cached = self._cached(self._places, key)
        if (
            cached is not None
            and isinstance(cached.value, Place)
            and self._clock() - cached.at < self._place_ttl_s
        ):
            return cached.value
        place = read_place(self._get("/geo/1.0/direct", {"q": city, "limit": "1"}, deadline), city)
        self._store(self._places, key, place)
        return place

    def _get(self, path: str, params: dict[str, str], deadline: float) -> Any:
        remaining = deadline - self._clock()
        if remaining <= 0:
            raise ProviderError(NAME, "no time left for the weather lookup", kind="timeout")
        key = self._api_key()
        if not key:
            raise ProviderError(NAME, "no API key configured", kind="unconfigured")
        import requests

        session = self._http()

        def attempt() -> Any:
            left = max(0.05, deadline - self._clock())
            try:
                response = session.get(
                    f"{self._endpoint}{path}",
                    params={**params, "appid": key},
                    timeout=(min(self._connect_timeout_s, left), left),
                )
            except requests.Timeout as exc:
                raise ProviderError(NAME, f"timed out ({describe(exc)})", kind="timeout") from exc
            except requests.ConnectionError as exc:
                message = f"connection failed ({describe(exc)})"
                raise ProviderError(NAME, message, kind="unavailable") from exc
            except requests.RequestException as exc:
                raise ProviderError(NAME, f"request failed ({describe(exc)})") from exc
            if response.status_code != 200:
                raise status_error(NAME, response.status_code, path)
            try:
                return response.json()
            except ValueError as exc:
                raise malformed(NAME, f"{path} body is not JSON") from exc

        return self._retry.run(attempt, budget_s=remaining, clock=self._clock)

    def _http(self) -> requests.Session:
        with self._lock:
            if self._session is None:
                self._session = _session()
            return self._session


def _session() -> requests.Session:
    import requests
    from requests.adapters import HTTPAdapter

    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=2, pool_maxsize=10, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
