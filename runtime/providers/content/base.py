"""The content interfaces and the values they return: an exchange rate, a travel guide.

Every value names its :class:`~runtime.providers.web.Source`, so a plan can link to where each
fact came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from runtime.providers.geo import Place
from runtime.providers.web import Source

LISTING_KINDS = ("see", "do", "eat", "drink", "sleep")


def _source(data: Mapping[str, Any]) -> Source:
    return Source(str(data["name"]), str(data["url"]), str(data.get("terms", "")))


@dataclass(frozen=True, kw_only=True)
class ExchangeRate:
    """``rate`` units of ``quote`` buy one unit of ``base``, as published on ``date``."""

    base: str
    quote: str
    rate: float
    date: str
    source: Source

    def convert(self, amount: float) -> float:
        """``amount`` of ``base`` in ``quote``."""
        return amount * self.rate

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (also what the content cache keeps)."""
        return {
            "base": self.base,
            "quote": self.quote,
            "rate": self.rate,
            "date": self.date,
            "source": self.source.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExchangeRate:
        """The inverse of :meth:`to_dict`; raises KeyError/TypeError/ValueError when malformed."""
        return cls(
            base=str(data["base"]),
            quote=str(data["quote"]),
            rate=float(data["rate"]),
            date=str(data["date"]),
            source=_source(data["source"]),
        )


@dataclass(frozen=True, kw_only=True)
class Listing:
    """One listing of a travel guide: a sight, an activity, a place to eat or to sleep.

    ``section`` is the sub-heading it sits under ("Budget", "Mid-range", "Splurge", a district),
    ``price`` the guide's own words about the price.
    """

    kind: str
    name: str
    description: str = ""
    price: str = ""
    section: str = ""
    url: str = ""
    wikidata: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (also what the content cache keeps)."""
        return {
            "kind": self.kind,
            "name": self.name,
            "description": self.description,
            "price": self.price,
            "section": self.section,
            "url": self.url,
            "wikidata": self.wikidata,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Listing:
        """The inverse of :meth:`to_dict`; raises KeyError/TypeError when malformed."""
        return cls(
            kind=str(data["kind"]),
            name=str(data["name"]),
            description=str(data.get("description", "")),
            price=str(data.get("price", "")),
            section=str(data.get("section", "")),
            url=str(data.get("url", "")),
            wikidata=str(data.get("wikidata", "")),
        )


@dataclass(frozen=True, kw_only=True)
class Guide:
    """A travel guide's article about a place: its title, link and listings."""

    title: str
    url: str
    source: Source
    listings: list[Listing] = field(default_factory=list)

    def of_kind(self, *kinds: str) -> list[Listing]:
        """The listings of these kinds, in the article's order."""
        return [listing for listing in self.listings if listing.kind in kinds]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (also what the content cache keeps)."""
        return {
            "title": self.title,
            "url": self.url,
            "source": self.source.to_dict(),
            "listings": [listing.to_dict() for listing in self.listings],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Guide:
        """The inverse of :meth:`to_dict`; raises KeyError/TypeError/ValueError when malformed."""
        return cls(
            title=str(data["title"]),
            url=str(data["url"]),
            source=_source(data["source"]),
            listings=[Listing.from_dict(item) for item in data["listings"]],
        )


class RatesProvider(Protocol):
    """Reference exchange rates."""

    def rate(self, base: str, quote: str, *, deadline: float | None = None) -> ExchangeRate:
        """The latest reference rate from ``base`` to ``quote`` (ISO 4217 codes).

        Raises:
            NotFoundError: the source publishes no rate for one of the currencies.
            ProviderError: the source failed or timed out.
            ValueError: a code is not three capital letters.
        """
        ...


class GuideProvider(Protocol):
    """A travel guide's article about a place."""

    def guide(self, place: Place, *, deadline: float | None = None) -> Guide:
        """The guide's article about ``place``, with its listings.

        Raises:
            NotFoundError: the guide has no article about the place.
            ProviderError: the source failed or timed out.
        """
        ...
