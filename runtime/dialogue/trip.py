"""A trip plan as a structured value, built from whatever the sources gave.

:class:`TripPlan` holds the days with their sights, the budget split in the traveller's and the
local currency, the weather summary and the sources with their links; :meth:`TripPlan.to_dict`
is its JSON-ready form. :mod:`runtime.dialogue.plan_text` writes the plain-text reply from it,
:mod:`runtime.dialogue.present` the plan card a client renders. Every part is optional: what a
source did not give is listed in ``unavailable`` and the plan falls back to general wording,
never invented facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runtime.dialogue.budget import TYPICAL_SPLIT, LocalPrices, tier_for
from runtime.dialogue.money import budget_tier
from runtime.providers.content.base import ExchangeRate, Guide, Listing
from runtime.providers.web import Source

MAX_SIGHTS = 10
MAX_DO = 4
#: Days of a plan with no sights to name: an outline that claims nothing about the place.
GENERAL_THEMES = (
    "the main sights and a museum, then a food market",
    "neighbourhoods off the usual path and local food",
    "a day trip out of town",
    "parks, viewpoints and shopping",
    "a slow morning, then the sight you missed",
)
FREE_THEMES = GENERAL_THEMES[1:]
"""What a free day after the sights suggests, in turn (the main sights are already planned)."""


@dataclass(frozen=True)
class Money:
    """An amount in a currency (ISO 4217)."""

    amount: float
    currency: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, rounded to cents."""
        return {"amount": round(self.amount, 2), "currency": self.currency}


@dataclass(frozen=True)
class SplitLine:
    """One budget category per day, in the traveller's currency and (when known) the local one."""

    name: str
    share: float
    amount: Money
    local: Money | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "share": round(self.share, 3),
            "amount": self.amount.to_dict(),
            "local": self.local.to_dict() if self.local else None,
        }


@dataclass(frozen=True)
class DayPlan:
    """One day: ``kind`` is arrival, sights, free, general or departure."""

    day: int
    kind: str
    sights: list[Listing] = field(default_factory=list)
    theme: str = ""

    def sentence(self) -> str:
        """The day in words, naming its sights."""
        names = _and([s.name for s in self.sights])
        if self.kind == "arrival":
            return f"arrive and check in, then {names}" if names else "arrive and check in"
        if self.kind == "departure":
            return f"{names}, then departure" if names else "a last breakfast and departure"
        if self.kind == "sights":
            return names
        if self.kind == "general":
            return self.theme
        return f"a free day: {self.theme or 'go back to a favourite place or take a day trip'}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "day": self.day,
            "kind": self.kind,
            "text": self.sentence(),
            "sights": [
                {"name": s.name, "kind": s.kind, "description": s.description, "url": s.url}
                for s in self.sights
            ],
        }


def _and(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


@dataclass(frozen=True)
class WeatherSummary:
    """What to expect: a forecast for the dates or the month's usual weather, and what to pack."""

    kind: str  # "forecast" or "typical"
    text: str
    advice: str
    source: Source
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "kind": self.kind,
            "text": self.text,
            "advice": self.advice,
            "source": self.source.to_dict(),
            "data": self.data,
        }


@dataclass(frozen=True)
class TripPlan:
    """A plan for ``days`` days at ``destination`` on ``budget``."""

    destination: str
    country: str
    days: int
    budget: Money
    daily: Money
    tier: str
    split: list[SplitLine]
    split_basis: str  # "local-prices" or "typical"
    itinerary: list[DayPlan]
    local_total: Money | None = None
    local_daily: Money | None = None
    rate: ExchangeRate | None = None
    floor: Money | None = None
    weather: WeatherSummary | None = None
    sources: list[Source] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)

    @property
    def too_low(self) -> bool:
        """True when the daily budget is below the cheapest plausible day there."""
        return self.floor is not None and self.daily.amount < self.floor.amount

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON-ready data (every part, sources and what was unavailable included)."""
        return {
            "type": "trip_plan",
            "destination": self.destination,
            "country": self.country,
            "days": self.days,
            "budget": self.budget.to_dict(),
            "daily": self.daily.to_dict(),
            "localTotal": self.local_total.to_dict() if self.local_total else None,
            "localDaily": self.local_daily.to_dict() if self.local_daily else None,
            "rate": self.rate.to_dict() if self.rate else None,
            "tier": self.tier,
            "tooLow": self.too_low,
            "floor": self.floor.to_dict() if self.floor else None,
            "split": [line.to_dict() for line in self.split],
            "splitBasis": self.split_basis,
            "itinerary": [day.to_dict() for day in self.itinerary],
            "weather": self.weather.to_dict() if self.weather else None,
            "sources": [source.to_dict() for source in self.sources],
            "unavailable": list(self.unavailable),
        }


def pick_sights(guide: Guide | None, limit: int = MAX_SIGHTS) -> list[Listing]:
    """Up to ``limit`` sights and things to do, the best described first, some of each kind."""
    if guide is None:
        return []

    def rank(item: Listing) -> tuple[bool, bool]:
        return (not item.description, not item.wikidata)

    sees = sorted(guide.of_kind("see"), key=rank)
    dos = sorted(guide.of_kind("do"), key=rank)
    chosen = sees[: limit - min(MAX_DO, len(dos))] + dos[:MAX_DO]
    chosen += [item for item in sees + dos if item not in chosen][: limit - len(chosen)]
    return chosen[:limit]


def itinerary(days: int, sights: list[Listing]) -> list[DayPlan]:
    """Days filled with the sights in order: one on arrival day, two a day, one before leaving.

    Without any sight the days are a general outline (no sight is made up); when the sights run
    out, the remaining days are free, each with a different suggestion (``FREE_THEMES``, in
    turn), so a long stay does not read as one line repeated.
    """
    if not sights:
        return _outline(days)
    queue = list(sights)
    plans: list[DayPlan] = []
    free = 0
    for day in range(1, days + 1):
        first, last = day == 1, day == days and days > 1
        take = 1 if (first or last) else 2
        todays, queue = queue[:take], queue[take:]
        if first:
            kind = "arrival"
        elif last:
            kind = "departure"
        elif todays:
            kind = "sights"
        else:
            plans.append(DayPlan(day, "free", theme=FREE_THEMES[free % len(FREE_THEMES)]))
            free += 1
            continue
        plans.append(DayPlan(day, kind, todays))
    return plans


def _outline(days: int) -> list[DayPlan]:
    if days == 1:
        return [DayPlan(1, "general", theme="the main sights, then dinner somewhere local")]
    plans = [DayPlan(1, "arrival")]
    for day in range(2, days):
        theme = GENERAL_THEMES[(day - 2) % len(GENERAL_THEMES)]
        plans.append(DayPlan(day, "general", theme=theme))
    plans.append(DayPlan(days, "departure"))
    return plans


def budget_lines(
    daily: Money, rate: ExchangeRate | None, prices: LocalPrices | None
) -> tuple[list[SplitLine], str]:
    """The daily split (place-specific when prices are known) and its basis."""
    shares = prices.shares() if prices is not None else TYPICAL_SPLIT
    basis = "local-prices" if prices is not None else "typical"
    lines = []
    for name, share in shares:
        amount = Money(daily.amount * share, daily.currency)
        local = Money(rate.convert(amount.amount), rate.quote) if rate is not None else None
        lines.append(SplitLine(name, share, amount, local))
    return lines, basis


def trip_tier(daily: Money, rate: ExchangeRate | None, prices: LocalPrices | None) -> str:
    """The trip's tier against local prices when they and the rate are known, else roughly."""
    if prices is not None and rate is not None:
        return tier_for(rate.convert(daily.amount), prices)
    return budget_tier(daily.amount, daily.currency)


def floor_in(daily: Money, rate: ExchangeRate | None, prices: LocalPrices | None) -> Money | None:
    """The cheapest plausible day there, in the traveller's currency (None when unknown)."""
    if prices is None or rate is None or rate.rate <= 0:
        return None
    return Money(prices.floor_day / rate.rate, daily.currency)
