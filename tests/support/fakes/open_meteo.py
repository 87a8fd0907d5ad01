"""Wire-level fake of Open-Meteo's forecast and historical weather (archive) APIs.

Endpoints (``GET``, no key; an ``apikey`` parameter is accepted and recorded, as on the customer
hosts), answered from a deterministic climate so tests can compute the exact numbers:

- ``/v1/forecast?latitude&longitude&current=...&daily=...&timezone&forecast_days&wind_speed_unit``
  -> ``{latitude, longitude, generationtime_ms, utc_offset_seconds, timezone,
  timezone_abbreviation, elevation, current_units, current, daily_units, daily}``, as in
  ``samples/open_meteo_forecast.json``; days start at the place's local today.
- ``/v1/archive?latitude&longitude&start_date&end_date&daily=...&timezone`` -> the same envelope
  with ``daily`` only (``samples/open_meteo_archive.json``); an end date less than
  :data:`ARCHIVE_LAG_DAYS` days ago is out of range, as ERA5 trails real time.

Errors are 400 ``{"error": true, "reason": "..."}`` (``samples/open_meteo_error.json``): missing
or bad coordinates, an unknown variable, more than 16 forecast days, a bad date or time zone.
One server answers both paths; tests that need the hosts to fail separately start two.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tests.support.fakes.base import FakeServer, RecordedRequest, Response, json_response

MAX_FORECAST_DAYS = 16
ARCHIVE_LAG_DAYS = 5
RAINY_CODES = (61, 63, 80, 51)
CODE_CYCLE = (0, 1, 2, 3, 61, 2, 1, 63, 3, 0, 80, 51)
DAILY_UNITS = {
    "weather_code": "wmo code",
    "temperature_2m_max": "°C",
    "temperature_2m_min": "°C",
    "precipitation_sum": "mm",
    "precipitation_probability_max": "%",
}
CURRENT_UNITS = {
    "temperature_2m": "°C",
    "relative_humidity_2m": "%",
    "apparent_temperature": "°C",
    "weather_code": "wmo code",
    "wind_speed_10m": "km/h",
}
Clock = Callable[[], dt.datetime]


def _spot(lat: float, lon: float) -> int:
    return round(lat * 100) * 31 + round(lon * 100) * 17


def mean_c(lat: float, month: int) -> float:
    """The fake climate's mean temperature: warmer near the equator, seasons by hemisphere."""
    base = 29.0 - 0.38 * abs(lat)
    amplitude = 0.16 * abs(lat)
    peak = 7 if lat >= 0 else 1
    return base + amplitude * math.cos((month - peak) / 12 * 2 * math.pi)


def day_weather(lat: float, lon: float, day: dt.date) -> dict[str, float | int]:
    """One day of weather at (lat, lon): code, max, min, precipitation and its chance."""
    spot = _spot(lat, lon)
    code = CODE_CYCLE[(day.toordinal() + spot) % len(CODE_CYCLE)]
    rainy = code in RAINY_CODES
    wobble = ((day.toordinal() * 7 + spot) % 5) - 2
    mean = mean_c(lat, day.month)
    return {
        "weather_code": code,
        "temperature_2m_max": round(mean + 4 + wobble - (2 if rainy else 0), 1),
        "temperature_2m_min": round(mean - 4 + wobble / 2, 1),
        "precipitation_sum": round(2.0 + (spot + day.day) % 6, 1) if rainy else 0.0,
        "precipitation_probability_max": 60 + (day.day * 3) % 35 if rainy else (day.day * 2) % 20,
    }


class OpenMeteoFake(FakeServer):
    """Local Open-Meteo answering forecast and archive requests."""

    name = "open-meteo"

    def __init__(self, clock: Clock | None = None) -> None:
        super().__init__()
        self.clock: Clock = clock or (lambda: dt.datetime.now(dt.UTC))

    def error_response(self, status: int, message: str | None = None) -> Response:
        """``{"error": true, "reason": ...}``."""
        return json_response(status, {"error": True, "reason": message or f"HTTP {status}"})

    def handle(self, request: RecordedRequest) -> Response:
        """Route by path."""
        if request.method != "GET":
            return self.error_response(405, "Method not allowed")
        if request.path == "/v1/forecast":
            return self._forecast(request)
        if request.path == "/v1/archive":
            return self._archive(request)
        return self.error_response(404, "Not Found")

    # ------------------------------------------------------------------------------ helpers

    def _where(self, request: RecordedRequest) -> tuple[float, float, dt.tzinfo, str] | Response:
        try:
            lat = float(request.query_value("latitude") or "")
            lon = float(request.query_value("longitude") or "")
        except ValueError:
            return self.error_response(400, "Parameter 'latitude' and 'longitude' are required")
        if not -90 <= lat <= 90 or not -180 <= lon <= 180:
            return self.error_response(400, "Latitude must be in range of -90 to 90°.")
        name = request.query_value("timezone") or "GMT"
        if name == "auto":
            return lat, lon, dt.timezone(dt.timedelta(hours=round(lon / 15))), "GMT"
        try:
            return lat, lon, ZoneInfo(name), name
        except (ZoneInfoNotFoundError, ValueError):
            return self.error_response(400, "Invalid timezone")

    def _variables(
        self, request: RecordedRequest, key: str, known: dict[str, str]
    ) -> list[str] | Response:
        names = [n for n in (request.query_value(key) or "").split(",") if n]
        for name in names:
            if name not in known:
                return self.error_response(
                    400,
                    f"Cannot initialize WeatherVariable from invalid String value {name} "
                    f"for key {key}",
                )
        return names

    @staticmethod
    def _envelope(
        lat: float, lon: float, zone: dt.tzinfo, name: str, now: dt.datetime
    ) -> dict[str, Any]:
        local = now.astimezone(zone)
        offset = local.utcoffset() or dt.timedelta()
        return {
            "latitude": round(lat, 2),
            "longitude": round(lon, 2),
            "generationtime_ms": 0.0629425048828125,
            "utc_offset_seconds": int(offset.total_seconds()),
            "timezone": name,
            "timezone_abbreviation": local.tzname() or "GMT",
            "elevation": float(abs(_spot(lat, lon)) % 300),
        }

    def _forecast(self, request: RecordedRequest) -> Response:
        where = self._where(request)
        if isinstance(where, Response):
            return where
        lat, lon, zone, name = where
        daily = self._variables(request, "daily", DAILY_UNITS)
        current = self._variables(request, "current", CURRENT_UNITS)
        if isinstance(daily, Response):
            return daily
        if isinstance(current, Response):
            return current
        try:
            days = int(request.query_value("forecast_days") or "7")
        except ValueError:
            return self.error_response(400, "Forecast days is invalid.")
        if not 0 <= days <= MAX_FORECAST_DAYS:
            return self.error_response(400, "Forecast days is invalid. Allowed range 0 to 16.")
        now = self.clock()
        payload = self._envelope(lat, lon, zone, name, now)
        local = now.astimezone(zone)
        ms = request.query_value("wind_speed_unit") == "ms"
        if current:
            payload["current_units"] = {"time": "iso8601", "interval": "seconds"} | {
                n: ("m/s" if n == "wind_speed_10m" and ms else CURRENT_UNITS[n]) for n in current
            }
            payload["current"] = self._current(lat, lon, local, current, ms)
        if daily:
            dates = [local.date() + dt.timedelta(days=i) for i in range(days)]
            payload["daily_units"] = {"time": "iso8601"} | {n: DAILY_UNITS[n] for n in daily}
            payload["daily"] = self._daily(lat, lon, dates, daily)
        return json_response(200, payload)

    @staticmethod
    def _current(
        lat: float, lon: float, local: dt.datetime, names: list[str], ms: bool
    ) -> dict[str, Any]:
        today = day_weather(lat, lon, local.date())
        hours = local.hour + local.minute / 60
        high, low = float(today["temperature_2m_max"]), float(today["temperature_2m_min"])
        temp = round(low + (high - low) * (1 + math.cos((hours - 15) / 24 * 2 * math.pi)) / 2, 1)
        wind = 2.0 + (_spot(lat, lon) % 5) * 0.7
        values: dict[str, Any] = {
            "temperature_2m": temp,
            "relative_humidity_2m": 80 if today["weather_code"] in RAINY_CODES else 55,
            "apparent_temperature": round(temp - 0.3 * wind, 1),
            "weather_code": today["weather_code"],
            "wind_speed_10m": round(wind if ms else wind * 3.6, 1),
        }
        stamp = local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)
        return {"time": stamp.strftime("%Y-%m-%dT%H:%M"), "interval": 900} | {
            n: values[n] for n in names
        }

    @staticmethod
    def _daily(lat: float, lon: float, dates: list[dt.date], names: list[str]) -> dict[str, Any]:
        rows = [day_weather(lat, lon, d) for d in dates]
        return {"time": [d.isoformat() for d in dates]} | {
            n: [row[n] for row in rows] for n in names
        }

    def _archive(self, request: RecordedRequest) -> Response:
        where = self._where(request)
        if isinstance(where, Response):
            return where
        lat, lon, zone, name = where
        daily = self._variables(request, "daily", DAILY_UNITS)
        if isinstance(daily, Response):
            return daily
        try:
            start = dt.date.fromisoformat(request.query_value("start_date") or "")
            end = dt.date.fromisoformat(request.query_value("end_date") or "")
        except ValueError:
            return self.error_response(400, "Parameter 'start_date' and 'end_date' are required")
        now = self.clock()
        last = now.date() - dt.timedelta(days=ARCHIVE_LAG_DAYS)
        if end > last or start < dt.date(1940, 1, 1):
            return self.error_response(
                400, f"Parameter 'end_date' is out of allowed range from 1940-01-01 to {last}"
            )
        if start > end:
            return self.error_response(400, "End-date must be larger or equals than start-date")
        dates = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
        payload = self._envelope(lat, lon, zone, name, now)
        payload["daily_units"] = {"time": "iso8601"} | {n: DAILY_UNITS[n] for n in daily}
        payload["daily"] = self._daily(lat, lon, dates, daily)
        return json_response(200, payload)
