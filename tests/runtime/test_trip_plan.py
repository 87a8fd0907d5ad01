"""The parts a plan is made of: local prices, the split, the days, the weather advice, the cache."""

from __future__ import annotations

import itertools
import time

import pytest

from runtime.dialogue.budget import local_prices, tier_for
from runtime.dialogue.outlook import packing_advice, temperature_range
from runtime.dialogue.trip import Money, budget_lines, floor_in, itinerary, pick_sights
from runtime.errors import NotFoundError, ProviderError, StoreError
from runtime.providers.cached import CachedSource
from runtime.providers.content.base import ExchangeRate, Guide, Listing
from runtime.providers.content.wikitext import listings
from runtime.providers.parallel import run_all
from runtime.providers.web import Source
from runtime.store.content_memory import MemoryContentCache
from tests.support.fakes.wikivoyage_pages import KYOTO, LISBON

SOURCE = Source("Wikivoyage: Test", "https://en.wikivoyage.org/wiki/Test")


def guide(text: str) -> Guide:
    return Guide(title="Test", url=SOURCE.url, source=SOURCE, listings=listings(text))


def rate(value: float, base: str = "USD", quote: str = "EUR") -> ExchangeRate:
    return ExchangeRate(base=base, quote=quote, rate=value, date="2026-03-06", source=SOURCE)


# ------------------------------------------------------------------------------- prices
def test_lisbons_listed_prices_give_a_mid_range_day_and_a_floor() -> None:
    prices = local_prices(guide(LISBON), "EUR")

    assert prices is not None
    # beds: budget dorms 30 and 26 -> 28; mid-range doubles 120 and 140 -> 130
    assert (prices.bed_budget, prices.room_mid) == (28.0, 130.0)
    # meals: budget 11.5 and 5 -> 8.25; mid-range 32.5 and 25 -> 28.75
    assert (prices.meal_budget, prices.meal_mid) == (8.25, 28.75)
    assert prices.floor_day == pytest.approx(28 + 2.5 * 8.25)
    assert sum(share for _, share in prices.shares()) == pytest.approx(1.0)


def test_the_split_depends_on_the_place() -> None:
    lisbon = local_prices(guide(LISBON), "EUR")
    kyoto = local_prices(guide(KYOTO), "JPY")

    assert lisbon is not None and kyoto is not None
    assert dict(lisbon.shares()) != pytest.approx(dict(kyoto.shares()), abs=0.01)


def test_too_few_prices_give_no_estimate() -> None:
    assert local_prices(guide("==Sleep==\n{{sleep|name=A|price=€50}}"), "EUR") is None


def test_prices_in_another_currency_are_not_read_as_local() -> None:
    assert local_prices(guide(LISBON), "JPY") is None


@pytest.mark.parametrize(
    ("daily", "tier"),
    [(30, "shoestring"), (100, "backpacker"), (200, "mid-range"), (400, "comfort")],
)
def test_the_tier_is_measured_against_local_prices(daily: float, tier: str) -> None:
    prices = local_prices(guide(LISBON), "EUR")
    assert prices is not None
    assert tier_for(daily, prices) == tier


# ------------------------------------------------------------------------------- budget
def test_the_split_is_given_in_both_currencies_and_adds_up() -> None:
    prices = local_prices(guide(LISBON), "EUR")
    lines, basis = budget_lines(Money(300, "USD"), rate(0.9), prices)

    assert basis == "local-prices"
    assert sum(line.amount.amount for line in lines) == pytest.approx(300)
    assert all(
        line.local is not None and line.local.amount == pytest.approx(line.amount.amount * 0.9)
        for line in lines
    )


def test_without_prices_the_split_is_the_typical_one_and_says_so() -> None:
    lines, basis = budget_lines(Money(100, "USD"), None, None)
    assert basis == "typical"
    assert [(line.name, line.share) for line in lines] == [
        ("stay", 0.45),
        ("food", 0.30),
        ("activities", 0.25),
    ]
    assert all(line.local is None for line in lines)


def test_the_floor_is_converted_into_the_travellers_currency() -> None:
    prices = local_prices(guide(LISBON), "EUR")
    assert prices is not None
    floor = floor_in(Money(20, "USD"), rate(0.5), prices)
    assert floor == Money(prices.floor_day / 0.5, "USD")
    assert floor_in(Money(20, "USD"), None, prices) is None


# ------------------------------------------------------------------------------- days
def sights(n: int) -> list[Listing]:
    return [Listing(kind="see", name=f"Sight {i}") for i in range(1, n + 1)]


def test_sights_fill_the_days_one_two_two_one() -> None:
    days = itinerary(4, sights(6))
    assert [day.sentence() for day in days] == [
        "arrive and check in, then Sight 1",
        "Sight 2 and Sight 3",
        "Sight 4 and Sight 5",
        "Sight 6, then departure",
    ]


def test_when_the_sights_run_out_the_days_are_free_each_with_its_own_suggestion() -> None:
    # GIVEN two sights for nine days
    days = itinerary(9, sights(2))
    # THEN the days after the sights are free, and no two of them say the same
    assert [day.kind for day in days] == ["arrival", "sights", *["free"] * 6, "departure"]
    free = [day.sentence() for day in days if day.kind == "free"]
    assert free[0] == "a free day: neighbourhoods off the usual path and local food"
    assert all(a != b for a, b in itertools.pairwise(free))
    assert len(set(free)) == 4


def test_without_sights_the_days_are_a_general_outline() -> None:
    days = itinerary(3, [])
    assert [day.kind for day in days] == ["arrival", "general", "departure"]
    assert all(not day.sights for day in days)


def test_the_best_described_sights_come_first_and_some_things_to_do_are_kept() -> None:
    picked = pick_sights(guide(LISBON), limit=5)
    assert len(picked) == 5
    assert {item.kind for item in picked} == {"see", "do"}
    assert picked[0].name == "Castelo de São Jorge"


# ------------------------------------------------------------------------------- weather words
@pytest.mark.parametrize(
    ("low", "high", "wet", "advice"),
    [
        (10, 18, True, "pack a rain jacket or umbrella and layers for cool evenings"),
        (22, 33, False, "pack light clothes, sunscreen and water"),
        (-4, 2, False, "pack a warm coat, hat and gloves"),
        (18, 26, False, "pack light layers"),
    ],
)
def test_what_to_pack_follows_the_temperatures_and_the_rain(
    low: float, high: float, wet: bool, advice: str
) -> None:
    assert packing_advice(low, high, wet) == advice


def test_temperatures_read_well_below_zero() -> None:
    assert temperature_range(-0.3, 4.6) == "0 to 5°C"
    assert temperature_range(-7.2, -1.5) == "-7 to -2°C"


# ------------------------------------------------------------------------------- cache
class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_fresh_value_is_served_and_a_failing_source_gets_its_last_answer() -> None:
    clock = Clock()
    cache = CachedSource(MemoryContentCache(clock=clock), clock=clock)
    loads: list[int] = []

    def load() -> dict[str, object]:
        loads.append(1)
        return {"n": len(loads)}

    assert cache.fetch("k", load, fresh_s=10, stale_s=100) == {"n": 1}
    assert cache.fetch("k", load, fresh_s=10, stale_s=100) == {"n": 1}
    clock.now += 11

    def failing() -> dict[str, object]:
        raise ProviderError("src", "down", kind="unavailable")

    assert cache.fetch("k", failing, fresh_s=10, stale_s=100) == {"n": 1}
    clock.now += 100
    with pytest.raises(ProviderError):
        cache.fetch("k", failing, fresh_s=10, stale_s=100)


def test_not_found_is_remembered() -> None:
    cache = CachedSource(MemoryContentCache())
    calls: list[int] = []

    def missing() -> dict[str, object]:
        calls.append(1)
        raise NotFoundError("no article")

    for _ in range(2):
        with pytest.raises(NotFoundError):
            cache.fetch("k", missing, fresh_s=10, stale_s=100, missing_s=60)
    assert calls == [1]


class BrokenStore:
    def get(self, key: str) -> dict[str, object] | None:
        raise StoreError("table gone")

    def put(self, key: str, value: dict[str, object], ttl_s: int) -> None:
        raise StoreError("table gone")


def test_a_failing_store_is_bypassed_not_fatal() -> None:
    cache = CachedSource(BrokenStore())
    assert cache.fetch("k", lambda: {"v": 1}, fresh_s=10, stale_s=100) == {"v": 1}


# ------------------------------------------------------------------------------- parallel
def test_lookups_still_running_at_the_deadline_are_timeouts() -> None:
    def slow() -> str:
        time.sleep(0.5)
        return "late"

    outcomes = run_all({"fast": lambda: "ok", "slow": slow}, deadline=time.monotonic() + 0.05)

    assert outcomes["fast"].value == "ok"
    error = outcomes["slow"].error
    assert isinstance(error, ProviderError) and error.kind == "timeout"
