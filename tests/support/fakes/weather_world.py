"""A small deterministic world for the OpenWeather fake: cities and their weather.

Weather is a pure function of (city, time): a daily temperature curve around the city's mean,
a condition that changes by day in a fixed cycle, and humidity, wind and clouds derived from the
condition. The same clock always gives the same answers, so tests can assert exact values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class City:
    """A city as geocoding returns it, plus the mean temperature that drives its weather."""

    id: int
    name: str
    lat: float
    lon: float
    country: str
    timezone_s: int
    """UTC offset in seconds (fixed; no daylight-saving switch in this world)."""
    mean_c: float
    population: int
    state: str | None = None
    state_code: str | None = None
    """US state code accepted by geocoding queries ("New York,NY,US")."""


@dataclass(frozen=True)
class Condition:
    """An OpenWeather condition code with its group, description and icon stem."""

    id: int
    main: str
    description: str
    icon: str
    clouds: int
    pop: float
    rain_3h: float = 0.0


CITIES: tuple[City, ...] = (
    City(2267057, "Lisbon", 38.7167, -9.1333, "PT", 3600, 21.0, 517802),
    City(2988507, "Paris", 48.8534, 2.3488, "FR", 7200, 17.0, 2138551),
    City(2643743, "London", 51.5085, -0.1257, "GB", 3600, 14.0, 8961989),
    City(5128581, "New York", 40.7143, -74.006, "US", -14400, 19.0, 8175133, "New York", "NY"),
    City(1850147, "Tokyo", 35.6895, 139.6917, "JP", 32400, 22.0, 8336599),
    City(2950159, "Berlin", 52.5244, 13.4105, "DE", 7200, 15.0, 3426354),
    City(3169070, "Rome", 41.8947, 12.4839, "IT", 7200, 23.0, 2318895),
    City(2147714, "Sydney", -33.8679, 151.2073, "AU", 36000, 13.0, 4627345),
)

CONDITIONS: tuple[Condition, ...] = (
    Condition(800, "Clear", "clear sky", "01", 0, 0.0),
    Condition(801, "Clouds", "few clouds", "02", 20, 0.05),
    Condition(803, "Clouds", "broken clouds", "04", 75, 0.15),
    Condition(500, "Rain", "light rain", "10", 90, 0.6, 0.8),
    Condition(501, "Rain", "moderate rain", "10", 100, 0.85, 3.2),
)

DEFAULT_NOW = datetime(2025, 6, 2, 10, 30, tzinfo=UTC)
"""The fake's fixed clock unless a test injects another."""


def find_cities(query: str, limit: int) -> list[City]:
    """Direct geocoding: ``"name[,state][,country]"``, case-insensitive; [] when unknown."""
    parts = [part.strip().lower() for part in query.split(",") if part.strip()]
    if not parts:
        return []
    name, qualifiers = parts[0], parts[1:]
    found = [
        city
        for city in CITIES
        if city.name.lower() == name and all(q in _qualifiers(city) for q in qualifiers)
    ]
    return found[: max(0, limit)]


def _qualifiers(city: City) -> set[str]:
    return {q.lower() for q in (city.country, city.state, city.state_code) if q}


def nearest_city(lat: float, lon: float, max_degrees: float = 1.0) -> City | None:
    """The city closest to (lat, lon), if one lies within ``max_degrees``."""
    best = min(CITIES, key=lambda city: math.hypot(city.lat - lat, city.lon - lon))
    return best if math.hypot(best.lat - lat, best.lon - lon) <= max_degrees else None


def condition_at(city: City, when: datetime) -> Condition:
    """The condition of ``city`` on the local day of ``when`` (a fixed cycle per city)."""
    local = when + timedelta(seconds=city.timezone_s)
    return CONDITIONS[(local.toordinal() + city.id) % len(CONDITIONS)]


def temperature_c(city: City, when: datetime) -> float:
    """Temperature in Celsius: the mean, +-5 C over the local day (peak 15:00), rain cooler."""
    local = when + timedelta(seconds=city.timezone_s)
    hours = local.hour + local.minute / 60
    swing = 5.0 * math.cos((hours - 15.0) / 24.0 * 2 * math.pi)
    rain_chill = 2.0 if condition_at(city, when).main == "Rain" else 0.0
    return round(city.mean_c + swing - rain_chill, 2)


def is_day(city: City, when: datetime) -> bool:
    """Daytime between 06:00 and 21:00 local time."""
    local = when + timedelta(seconds=city.timezone_s)
    return 6 <= local.hour < 21


def sun_times(city: City, when: datetime) -> tuple[int, int]:
    """Sunrise (06:00) and sunset (21:00) of the local day of ``when`` as Unix times."""
    local = when + timedelta(seconds=city.timezone_s)
    midnight = datetime(local.year, local.month, local.day, tzinfo=UTC)
    base = int(midnight.timestamp()) - city.timezone_s
    return base + 6 * 3600, base + 21 * 3600
