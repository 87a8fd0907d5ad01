"""Countries, US states and the curated regions and islands, as rows (build time only).

An area borrows its coordinates, time zone and airport from an anchor place: a country from
its capital, a US state from its largest city, a curated region or island from the place its
row names (Florence for Tuscany, Fira for Santorini). Weather for an area is the weather
there; a flight to an area goes to the anchor's airport (countries have none: a flight needs
a city).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from runtime.places.builder.rows import ALIAS, NAME, Finder, Row, add_name_keys, latin
from runtime.places.builder.sources import Inputs

OBSOLETE_COUNTRIES = frozenset({"AN", "CS"})  # Netherlands Antilles, Serbia and Montenegro


def country_rows(inputs: Inputs, capitals: dict[str, Row], cities: list[Row]) -> list[Row]:
    """One row per country with a populated place, named by ``countries.csv`` when listed."""
    largest: dict[str, Row] = {}
    for city in cities:
        if city.population > largest.get(city.country, city).population or (
            city.country not in largest
        ):
            largest[city.country] = city
    rows = []
    for code, country in sorted(inputs.countries.items()):
        anchor = capitals.get(code) or largest.get(code)
        if code in OBSOLETE_COUNTRIES or anchor is None:
            continue
        curated = inputs.country_names.get(code)
        name = curated.name if curated else str(country["name"]).strip()
        row = _anchored(f"country:{code}", name, "country", code, anchor)
        row.population = int(country.get("population") or 0)
        row.admin1 = row.region = ""
        row.protected = True
        add_name_keys(row, name, NAME)
        add_name_keys(row, str(country["name"]).strip(), NAME)
        for alias in _country_aliases(code, inputs, curated.aliases if curated else ()):
            add_name_keys(row, alias, ALIAS)
        rows.append(row)
    return rows


def _country_aliases(code: str, inputs: Inputs, curated: tuple[str, ...]) -> set[str]:
    import pycountry

    aliases = set(curated)
    record: Any = pycountry.countries.get(alpha_2=code)
    if record is not None:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(record, attribute, None)
            if value:
                aliases.add(str(value))
    aliases |= {name for name in inputs.endonyms.get(code, ()) if latin(name)}
    return aliases


def us_state_rows(inputs: Inputs, cities: list[Row]) -> list[Row]:
    """One row per US state: anchored at its largest city, weighing its places' populations."""
    members: dict[str, list[Row]] = defaultdict(list)
    for city in cities:
        if city.country == "US":
            members[city.admin1].append(city)
    rows = []
    for code, name in sorted(inputs.us_states.items()):
        if not members.get(code):
            continue
        anchor = max(members[code], key=lambda r: r.population)
        row = _anchored(f"us-state:{code}", name, "region", "US", anchor)
        row.admin1 = code
        row.region = name
        row.population = sum(r.population for r in members[code])
        row.protected = True
        add_name_keys(row, name, NAME)
        rows.append(row)
    return rows


def region_rows(inputs: Inputs, finder: Finder) -> list[Row]:
    """The curated regions and islands (``regions.csv``); a missing anchor is an error."""
    rows = []
    for entry in inputs.regions:
        anchor_name, _, admin1 = entry.anchor.partition("|")
        anchor = finder.find(anchor_name, entry.country, admin1)
        if anchor is None:
            raise ValueError(f"region {entry.name!r}: anchor {entry.anchor!r} not in GeoNames")
        if entry.kind not in ("region", "island"):
            raise ValueError(f"region {entry.name!r}: kind must be region or island")
        row = _anchored(f"region:{entry.country}:{entry.name}", entry.name, entry.kind, "", anchor)
        row.country = entry.country
        row.admin1 = entry.admin1
        row.region = entry.name if entry.admin1 else anchor.region
        row.population = entry.population
        row.protected = True
        add_name_keys(row, entry.name, NAME)
        for alias in entry.aliases:
            add_name_keys(row, alias, ALIAS)
        rows.append(row)
    return rows


def _anchored(gid: str, name: str, kind: str, country: str, anchor: Row) -> Row:
    return Row(
        gid=gid,
        name=name,
        kind=kind,
        country=country or anchor.country,
        latitude=anchor.latitude,
        longitude=anchor.longitude,
        timezone=anchor.timezone,
        population=0,
        admin1=anchor.admin1,
        region=anchor.region,
        anchor=anchor,
    )
