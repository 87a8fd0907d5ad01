"""IATA codes and the places they serve (build time only), from the ``airportsdata`` package.

Each code serves a place: a metropolitan code (TYO, LON, NYC) its city; an airport the city of
its metropolitan area when it belongs to one ("NRT" -> Tokyo), else the place its record names
as its city, in its country, within ``CITY_KM`` ("LPQ" -> Luang Prabang, although the record
spells "Luang Phabang"), else the nearest sizeable place within ``FALLBACK_KM``. The index
keeps each code's position and whether it is international; which airport a place flies from
(its own, or the nearest) is worked out at run time (:mod:`runtime.places.airports`).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from runtime.places.builder.rows import Row
from runtime.places.builder.rules import Holder, distance_km
from runtime.places.keys import fold_key

CITY_KM = 80.0
METRO_KM = 120.0
FALLBACK_KM = 30.0
FALLBACK_POPULATION = 1_000
METROPOLIS_KM = 45.0
OUTWEIGH = 10
TOWN_KM = 25.0


@dataclass(frozen=True)
class Served:
    """A code, where it is, and the row it serves (``None`` when no place fits)."""

    code: str
    latitude: float
    longitude: float
    international: bool
    metro: bool
    row: int | None


def _km(latitude: float, longitude: float, row: Row) -> float:
    here = Holder(id=-1, kind="city", country="", population=0, latitude=latitude,
                  longitude=longitude)  # fmt: skip
    there = Holder(id=-1, kind="city", country="", population=0, latitude=row.latitude,
                   longitude=row.longitude)  # fmt: skip
    return distance_km(here, there)


class _Cells:
    """City row indexes bucketed by whole degrees."""

    def __init__(self, rows: list[Row]) -> None:
        self._cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        for index, row in enumerate(rows):
            if row.kind == "city":
                self._cells[(math.floor(row.latitude), math.floor(row.longitude))].append(index)

    def around(self, latitude: float, longitude: float, km: float) -> Iterator[int]:
        """Rows in the cells that a circle of ``km`` around the point touches."""
        lat_reach = math.ceil(km / 111.0)
        lon_reach = min(180, math.ceil(km / (111.0 * max(math.cos(math.radians(latitude)), 0.01))))
        base_lat, base_lon = math.floor(latitude), math.floor(longitude)
        for d_lat in range(-lat_reach, lat_reach + 1):
            for d_lon in range(-lon_reach, lon_reach + 1):
                lon = (base_lon + d_lon + 180) % 360 - 180
                yield from self._cells.get((base_lat + d_lat, lon), ())


def serve_codes(
    rows: list[Row], airports: dict[str, dict[str, Any]], metros: dict[str, dict[str, Any]]
) -> dict[str, Served]:
    """Every three-letter airport and metropolitan code with the row it serves."""
    cells = _Cells(rows)
    served: dict[str, Served] = {}
    metro_of: dict[str, str] = {}
    for code, mac in sorted(metros.items()):
        members = [airports[c] for c in mac.get("airports", {}) if c in airports]
        if len(code) != 3 or not members:
            continue
        latitude = sum(float(a["lat"]) for a in members) / len(members)
        longitude = sum(float(a["lon"]) for a in members) / len(members)
        row = _named(rows, cells, str(mac["name"]), str(mac["country"]), latitude,
                     longitude, METRO_KM)  # fmt: skip
        served[code] = Served(code, latitude, longitude, True, True, row)
        if row is not None:
            metro_of.update({str(a["iata"]): code for a in members})
    for code, record in sorted(airports.items()):
        if len(code) != 3 or not code.isalpha() or record.get("lat") is None:
            continue
        latitude, longitude = float(record["lat"]), float(record["lon"])
        country = str(record.get("country", ""))
        metro = served.get(metro_of.get(code, ""))
        row = metro.row if metro is not None else None
        if row is None:
            row = _named(rows, cells, str(record.get("city", "")), country, latitude,
                         longitude, CITY_KM)  # fmt: skip
            row = _metropolis(rows, cells, row, country, latitude, longitude)
        if row is None:
            row = _nearest_sizeable(rows, cells, country, latitude, longitude)
        international = "international" in str(record.get("name", "")).lower()
        served[code] = Served(code, latitude, longitude, international, False, row)
    return served


def airport_towns(rows: list[Row], airports: dict[str, dict[str, Any]]) -> set[str]:
    """The GeoNames ids of the places an airport is named for (its record's city, else its
    own name without "Airport": "Coober Pedy Airport" has no city), in its country, within
    ``TOWN_KM`` of it. A town with its own airport is one people travel to, however small
    ("Coober Pedy", 2,100 people, airport CPD), so the index keeps it."""
    cells = _Cells(rows)
    towns: set[str] = set()
    for record in airports.values():
        named = {fold_key(str(record.get("city") or ""))}
        named.add(_AIRPORT_WORDS.sub("", fold_key(str(record.get("name") or ""))))
        named.discard("")
        if not named or record.get("lat") is None:
            continue
        latitude, longitude = float(record["lat"]), float(record["lon"])
        country = str(record.get("country", ""))
        towns.update(
            rows[i].gid
            for i in _within(rows, cells, latitude, longitude, TOWN_KM)
            if rows[i].country == country and not named.isdisjoint(rows[i].keys)
        )
    return towns


_AIRPORT_WORDS = re.compile(
    r"( (international|regional|municipal|domestic|county))*"
    r" (airport|aerodrome|airfield|airstrip|airpark)$"
)


def _named(
    rows: list[Row],
    cells: _Cells,
    city: str,
    country: str,
    latitude: float,
    longitude: float,
    km: float,
) -> int | None:
    """The largest place called ``city`` in ``country`` within ``km``."""
    key = fold_key(city)
    if not key:
        return None
    found = [
        i
        for i in _within(rows, cells, latitude, longitude, km)
        if rows[i].country == country and key in rows[i].keys
    ]
    return max(found, key=lambda i: rows[i].population) if found else None


def _within(
    rows: list[Row], cells: _Cells, latitude: float, longitude: float, km: float
) -> Iterable[int]:
    around = cells.around(latitude, longitude, km)
    return [i for i in around if _km(latitude, longitude, rows[i]) <= km]


def _metropolis(
    rows: list[Row], cells: _Cells, row: int | None, country: str, latitude: float, longitude: float
) -> int | None:
    """The city an airport named after its suburb serves ("YUL", Dorval -> Montreal): the
    largest place within ``METROPOLIS_KM`` when it outweighs the named one ``OUTWEIGH`` times."""
    if row is None:
        return None
    near = [
        i
        for i in _within(rows, cells, latitude, longitude, METROPOLIS_KM)
        if rows[i].country == country
    ]
    biggest = max(near, key=lambda i: rows[i].population, default=row)
    if rows[biggest].population >= OUTWEIGH * max(rows[row].population, 1):
        return biggest
    return row


def _nearest_sizeable(
    rows: list[Row], cells: _Cells, country: str, latitude: float, longitude: float
) -> int | None:
    """The nearest place of at least ``FALLBACK_POPULATION`` within ``FALLBACK_KM``."""
    best: tuple[float, int] | None = None
    for index in cells.around(latitude, longitude, FALLBACK_KM):
        row = rows[index]
        if row.country != country or row.population < FALLBACK_POPULATION:
            continue
        distance = _km(latitude, longitude, row)
        if distance <= FALLBACK_KM and (best is None or distance < best[0]):
            best = (distance, index)
    return best[1] if best else None
