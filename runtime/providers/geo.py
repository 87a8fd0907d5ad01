"""What the weather and content sources need to know about a place: the gazetteer's place value.

Coordinates, time zone and currency come from the open gazetteer (``runtime/places``), looked up
by canonical name, never from a geocoding call. This module describes that value as a
:class:`Place` protocol with exactly the gazetteer's fields, so the providers do not depend on
the gazetteer's code, and :class:`PlaceRecord` is a plain value of that shape (tests and callers
that already hold the facts build one). A :data:`PlaceLookup` is ``place(name) -> Place | None``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


class Place(Protocol):
    """A populated place, country, island or region as the gazetteer describes it."""

    @property
    def name(self) -> str:
        """Canonical English name ("Lisbon")."""
        ...

    @property
    def kind(self) -> str:
        """ "city", "country", "island", "region", ..."""
        ...

    @property
    def country_code(self) -> str:
        """ISO 3166-1 alpha-2 ("PT")."""
        ...

    @property
    def country(self) -> str:
        """Country name ("Portugal")."""
        ...

    @property
    def latitude(self) -> float:
        """WGS84 degrees north."""
        ...

    @property
    def longitude(self) -> float:
        """WGS84 degrees east."""
        ...

    @property
    def timezone(self) -> str | None:
        """IANA time zone ("Europe/Lisbon"), when known."""
        ...

    @property
    def population(self) -> int | None:
        """Inhabitants, when known."""
        ...

    @property
    def iata(self) -> str | None:
        """The airport or metropolitan code flight searches use, when it has one."""
        ...

    @property
    def currency(self) -> str | None:
        """ISO 4217 code of the local currency ("EUR"), when known."""
        ...


PlaceLookup = Callable[[str], "Place | None"]
"""``place(canonical_name)``: the gazetteer's place, or None for a name it does not know."""


@dataclass(frozen=True, kw_only=True)
class PlaceRecord:
    """A plain :class:`Place` value.

    Raises:
        ValueError: for coordinates off the globe or codes of the wrong form.
    """

    name: str
    kind: str
    country_code: str
    country: str
    latitude: float
    longitude: float
    timezone: str | None = None
    population: int | None = None
    iata: str | None = None
    currency: str | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a place needs a name")
        if not -90.0 <= self.latitude <= 90.0:
            raise ValueError(f"latitude {self.latitude} of {self.name} is off the globe")
        if not -180.0 <= self.longitude <= 180.0:
            raise ValueError(f"longitude {self.longitude} of {self.name} is off the globe")
        if self.currency is not None and not (
            len(self.currency) == 3 and self.currency.isalpha() and self.currency.isupper()
        ):
            raise ValueError(f"currency of {self.name} is not an ISO 4217 code: {self.currency!r}")
