"""What a day costs at a place, from the prices its travel guide lists, and how a budget splits.

The guide's listings carry prices in the local currency: beds (under "Budget", "Mid-range",
"Splurge"), meals, entry tickets. From them, per place:

- **a mid-range day** = a mid-range room + food (breakfast at half a budget meal, lunch at a
  budget meal, dinner at a mid-range meal) + two sights' entries (the plan visits two a day);
- **the cheapest plausible day** = the cheapest tier of beds + two and a half budget meals;
- **the split** of any daily budget into stay, food and activities follows the shares of the
  mid-range day, so it differs from Tokyo to Lisbon to Bali as their prices do.

Medians (and the lower quartile for the cheapest tier) keep one odd listing from moving the
estimate. Too few prices (fewer than :data:`MIN_PRICES` beds or meals) give no estimate at all,
and the plan says it uses a typical split instead of pretending.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from runtime.providers.content.base import Guide, Listing
from runtime.providers.content.prices import parse_price

MIN_PRICES = 2
TYPICAL_SPLIT = (("stay", 0.45), ("food", 0.30), ("activities", 0.25))
_BUDGET = re.compile(r"budget|cheap|hostel|backpack", re.IGNORECASE)
_SPLURGE = re.compile(r"splurge|luxury|upmarket|high[- ]end|expensive", re.IGNORECASE)


@dataclass(frozen=True)
class LocalPrices:
    """Typical prices at a place in its ``currency``, and how many listings they rest on."""

    currency: str
    bed_budget: float
    room_mid: float
    meal_budget: float
    meal_mid: float
    sight: float
    samples: int

    @property
    def food_per_day(self) -> float:
        """Breakfast, lunch and dinner at the mid-range."""
        return 1.5 * self.meal_budget + self.meal_mid

    @property
    def activities_per_day(self) -> float:
        """Two sights' entries."""
        return 2 * self.sight

    @property
    def mid_day(self) -> float:
        """A mid-range day: room, food and two sights."""
        return self.room_mid + self.food_per_day + self.activities_per_day

    @property
    def floor_day(self) -> float:
        """The cheapest plausible day: the cheapest beds and cheap meals, free sights."""
        return self.bed_budget + 2.5 * self.meal_budget

    def shares(self) -> tuple[tuple[str, float], ...]:
        """Stay, food and activities as shares of the mid-range day (they add up to 1)."""
        total = self.mid_day
        return (
            ("stay", self.room_mid / total),
            ("food", self.food_per_day / total),
            ("activities", self.activities_per_day / total),
        )


def _tier(listing: Listing) -> str:
    if _BUDGET.search(listing.section):
        return "budget"
    if _SPLURGE.search(listing.section):
        return "splurge"
    return "mid"


def _priced(items: list[Listing], currency: str) -> list[tuple[str, float]]:
    found = []
    for item in items:
        amount = parse_price(item.price, currency) if item.price else None
        if amount is not None:
            found.append((_tier(item), amount))
    return found


def _pick(samples: list[tuple[str, float]], tier: str, *, low: bool) -> float:
    """The median of a tier, or of every sample (its lower quartile for the cheap end)."""
    values = sorted(v for t, v in samples if t == tier and v > 0)
    if values:
        return statistics.median(values)
    everything = sorted(v for _, v in samples if v > 0)
    if low and len(everything) >= 4:
        return statistics.quantiles(everything, n=4)[0]
    return everything[0] if low else statistics.median(everything)


def local_prices(guide: Guide, currency: str) -> LocalPrices | None:
    """Typical prices from the guide's listings, or None when it lists too few prices."""
    beds = _priced(guide.of_kind("sleep"), currency)
    meals = _priced(guide.of_kind("eat", "drink"), currency)
    if sum(1 for _, v in beds if v > 0) < MIN_PRICES or sum(1 for _, v in meals if v > 0) < (
        MIN_PRICES
    ):
        return None
    meal_budget = _pick(meals, "budget", low=True)
    meal_mid = max(_pick(meals, "mid", low=False), meal_budget)
    tickets = [v for _, v in _priced(guide.of_kind("see", "do"), currency)]
    # No priced sight: count an entry at about a mid-range meal rather than at nothing.
    sight = statistics.median(tickets) if len(tickets) >= MIN_PRICES else meal_mid
    return LocalPrices(
        currency=currency,
        bed_budget=_pick(beds, "budget", low=True),
        room_mid=max(_pick(beds, "mid", low=False), _pick(beds, "budget", low=True)),
        meal_budget=meal_budget,
        meal_mid=meal_mid,
        sight=sight,
        samples=len(beds) + len(meals) + len(tickets),
    )


def tier_for(daily_local: float, prices: LocalPrices) -> str:
    """How a daily amount (in the local currency) compares with the place's prices."""
    if daily_local < prices.floor_day:
        return "shoestring"
    if daily_local < 0.75 * prices.mid_day:
        return "backpacker"
    if daily_local < 1.5 * prices.mid_day:
        return "mid-range"
    return "comfort"
