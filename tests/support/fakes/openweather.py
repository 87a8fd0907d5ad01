"""Wire-level fake of the OpenWeather geocoding, current weather and 5-day forecast APIs.

Endpoints (all ``GET``, key in ``appid``), answered from :mod:`tests.support.fakes.weather_world`:

- ``/geo/1.0/direct?q={city}[,{state}][,{country}]&limit={n}&appid=`` -> list of
  ``{name, local_names, lat, lon, country, state?}``; an unknown city gives ``[]``.
- ``/data/2.5/weather?lat=&lon=&units=metric&appid=`` -> current weather (``coord``, ``weather``,
  ``main``, ``wind``, ``clouds``, ``rain``?, ``dt``, ``sys``, ``timezone``, ``id``, ``name``,
  ``cod``), as in ``samples/openweather_current.json``.
- ``/data/2.5/forecast?lat=&lon=&units=metric[&cnt=]&appid=`` -> ``{cod: "200", message, cnt,
  list: [40 three-hour steps], city}``, as in ``samples/openweather_forecast.json``. Steps start
  at the first 3-hour UTC boundary after the fake's clock.

``units`` is ``standard`` (Kelvin, the default), ``metric`` (Celsius) or ``imperial``
(Fahrenheit, mph). A missing or wrong ``appid`` gets 401 ``{"cod": 401, "message": "Invalid API
key. ..."}`` like the real service; bad coordinates get 400 ``{"cod": "400", "message": ...}``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.fakes.base import FakeServer, RecordedRequest, Response, json_response
from tests.support.fakes.weather_world import (
    DEFAULT_NOW,
    City,
    Condition,
    condition_at,
    find_cities,
    is_day,
    nearest_city,
    sun_times,
    temperature_c,
)

DEFAULT_API_KEY = "fake-openweather-key"
FORECAST_STEPS = 40
_INVALID_KEY = "Invalid API key. Please see https://openweathermap.org/faq#error401 for more info."
_TOO_MANY = (
    "Your account is temporary blocked due to exceeding of requests limitation of your "
    "subscription type. Please choose the proper subscription https://openweathermap.org/price"
)
Clock = Callable[[], datetime]


class OpenWeatherFake(FakeServer):
    """Local OpenWeather answering geocoding, current weather and forecast requests."""

    name = "openweather"

    def __init__(self, api_key: str = DEFAULT_API_KEY, clock: Clock | None = None) -> None:
        super().__init__()
        self.api_key = api_key
        self.clock: Clock = clock or (lambda: DEFAULT_NOW)

    def error_response(self, status: int, message: str | None = None) -> Response:
        """``{"cod": ..., "message": ...}`` (``cod`` is a number for 401/429, else a string)."""
        default = {401: _INVALID_KEY, 429: _TOO_MANY}.get(status, "Internal error")
        cod: int | str = status if status in (401, 429) else str(status)
        return json_response(status, {"cod": cod, "message": message or default})

    def handle(self, request: RecordedRequest) -> Response:
        """Route by path after checking ``appid``."""
        routes = {
            "/geo/1.0/direct": self._geocode,
            "/data/2.5/weather": self._current,
            "/data/2.5/forecast": self._forecast,
        }
        route = routes.get(request.path)
        if request.method != "GET" or route is None:
            return self.error_response(404, "Internal error")
        if request.query_value("appid") != self.api_key:
            return self.error_response(401)
        return route(request)

    def _geocode(self, request: RecordedRequest) -> Response:
        query = request.query_value("q")
        if not query:
            return self.error_response(400, "Nothing to geocode")
        try:
            limit = min(5, int(request.query_value("limit") or "5"))
        except ValueError:
            return self.error_response(400, "limit is not a number")
        return json_response(200, [_geocoding_entry(city) for city in find_cities(query, limit)])

    def _current(self, request: RecordedRequest) -> Response:
        place = _place(request)
        if isinstance(place, Response):
            return place
        now = self.clock().astimezone(UTC)
        units = request.query_value("units") or "standard"
        condition = condition_at(place, now)
        sunrise, sunset = sun_times(place, now)
        payload: dict[str, Any] = {
            "coord": {"lon": place.lon, "lat": place.lat},
            "weather": [_weather(condition, is_day(place, now))],
            "base": "stations",
            "main": _main(place, now, units, condition),
            "visibility": 10000,
            "wind": _wind(place, condition, units),
            "clouds": {"all": condition.clouds},
            "dt": int(now.timestamp()),
            "sys": {
                "type": 2,
                "id": 2000000 + place.id % 100000,
                "country": place.country,
                "sunrise": sunrise,
                "sunset": sunset,
            },
            "timezone": place.timezone_s,
            "id": place.id,
            "name": place.name,
            "cod": 200,
        }
        if condition.rain_3h:
            payload["rain"] = {"1h": round(condition.rain_3h / 3, 2)}
        return json_response(200, payload)

    def _forecast(self, request: RecordedRequest) -> Response:
        place = _place(request)
        if isinstance(place, Response):
            return place
        try:
            count = int(request.query_value("cnt") or FORECAST_STEPS)
        except ValueError:
            return self.error_response(400, "cnt is not a number")
        count = max(1, min(FORECAST_STEPS, count))
        now = self.clock().astimezone(UTC)
        units = request.query_value("units") or "standard"
        first = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=now.hour % 3)
        steps = [first + timedelta(hours=3 * (i + 1)) for i in range(count)]
        sunrise, sunset = sun_times(place, now)
        city = {
            "id": place.id,
            "name": place.name,
            "coord": {"lat": place.lat, "lon": place.lon},
            "country": place.country,
            "population": place.population,
            "timezone": place.timezone_s,
            "sunrise": sunrise,
            "sunset": sunset,
        }
        items = [_forecast_item(place, when, units) for when in steps]
        return json_response(
            200, {"cod": "200", "message": 0, "cnt": len(items), "list": items, "city": city}
        )


def _place(request: RecordedRequest) -> City | Response:
    lat_text, lon_text = request.query_value("lat"), request.query_value("lon")
    if not lat_text or not lon_text:
        return json_response(400, {"cod": "400", "message": "Nothing to geocode"})
    try:
        lat = float(lat_text)
        if not -90 <= lat <= 90:
            raise ValueError(lat_text)
    except ValueError:
        return json_response(400, {"cod": "400", "message": "wrong latitude"})
    try:
        lon = float(lon_text)
        if not -180 <= lon <= 180:
            raise ValueError(lon_text)
    except ValueError:
        return json_response(400, {"cod": "400", "message": "wrong longitude"})
    city = nearest_city(lat, lon)
    if city is not None:
        return city
    # Open sea or an unknown town: no name, weather from a latitude-based climate.
    mean = round(28.0 - 0.45 * abs(lat), 1)
    return City(0, "", round(lat, 4), round(lon, 4), "", round(lon / 15) * 3600, mean, 0)


def _geocoding_entry(city: City) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": city.name,
        "local_names": {"en": city.name, "ascii": city.name, "feature_name": city.name},
        "lat": city.lat,
        "lon": city.lon,
        "country": city.country,
    }
    if city.state:
        entry["state"] = city.state
    return entry


def _weather(condition: Condition, day: bool) -> dict[str, Any]:
    return {
        "id": condition.id,
        "main": condition.main,
        "description": condition.description,
        "icon": condition.icon + ("d" if day else "n"),
    }


def _convert(celsius: float, units: str) -> float:
    if units == "metric":
        return round(celsius, 2)
    if units == "imperial":
        return round(celsius * 9 / 5 + 32, 2)
    return round(celsius + 273.15, 2)


def _main(city: City, when: datetime, units: str, condition: Condition) -> dict[str, Any]:
    temp = temperature_c(city, when)
    wind = 2.0 + (city.id % 5) * 0.7
    pressure = 1018 - condition.clouds // 10
    return {
        "temp": _convert(temp, units),
        "feels_like": _convert(temp - 0.2 * wind, units),
        "temp_min": _convert(temp - 1.0, units),
        "temp_max": _convert(temp + 1.0, units),
        "pressure": pressure,
        "humidity": 45 + condition.clouds // 2,
        "sea_level": pressure,
        "grnd_level": pressure - 10,
    }


def _wind(city: City, condition: Condition, units: str) -> dict[str, float]:
    speed = 2.0 + (city.id % 5) * 0.7 + (1.5 if condition.main == "Rain" else 0.0)
    factor = 2.237 if units == "imperial" else 1.0
    return {
        "speed": round(speed * factor, 2),
        "deg": city.id % 360,
        "gust": round(speed * 1.6 * factor, 2),
    }


def _forecast_item(city: City, when: datetime, units: str) -> dict[str, Any]:
    condition = condition_at(city, when)
    main = _main(city, when, units, condition)
    main["temp_kf"] = 0
    item: dict[str, Any] = {
        "dt": int(when.timestamp()),
        "main": main,
        "weather": [_weather(condition, is_day(city, when))],
        "clouds": {"all": condition.clouds},
        "wind": _wind(city, condition, units),
        "visibility": 10000,
        "pop": condition.pop,
        "sys": {"pod": "d" if is_day(city, when) else "n"},
        "dt_txt": when.strftime("%Y-%m-%d %H:%M:%S"),
    }
    if condition.rain_3h:
        item["rain"] = {"3h": condition.rain_3h}
    return item
