"""The place value object every layer uses: a canonical name and what the bot needs to know."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PlaceKind = Literal["city", "country", "region", "island"]
KINDS: tuple[PlaceKind, ...] = ("city", "country", "region", "island")


@dataclass(frozen=True, slots=True, kw_only=True)
class Place:
    """A populated place, country, region or island, as the gazetteer knows it.

    ``name`` is unique among all places: the dominant holder of a name keeps it bare
    ("Paris"), as does the first in rank among namesakes no rule separates ("Valencia", beside
    "Valencia, Venezuela"; "Portland", beside "Portland, Maine"); every other holder is
    qualified ("Paris, Texas"). Weather needs ``latitude``/``longitude``/``timezone``, trip
    plans ``currency``, flight searches ``iata``: the place's own airport or metropolitan code,
    or the nearest airport's (``airport_km`` away), or ``None`` when there is none within reach
    (countries never have one: a flight needs a city).
    """

    name: str
    kind: PlaceKind
    country_code: str
    """ISO 3166-1 alpha-2."""
    country: str
    """The country's common English short name ("Vietnam", "South Korea")."""
    latitude: float
    longitude: float
    timezone: str
    """IANA time zone name ("Europe/Lisbon")."""
    population: int
    iata: str | None
    currency: str | None
    """The country's ISO 4217 code."""
    short_name: str
    """``name`` without its qualifier ("Portland" for "Portland, Maine")."""
    region: str | None = None
    """The first-level division when known ("Oregon", "Ontario", "Scotland")."""
    airport_km: int | None = None
    """How far the airport of ``iata`` is: 0 for the place's own, ``None`` without one."""

    @property
    def label(self) -> str:
        """How to name the place to a person who may not know it ("Hoi An, Vietnam")."""
        if self.kind == "country" or self.name != self.short_name:
            return self.name
        return f"{self.name}, {self.country}"
