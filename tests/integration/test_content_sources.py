"""Frankfurter and Wikivoyage through the real HTTP client against their wire-level fakes."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from runtime.errors import NotFoundError, ProviderError
from runtime.providers.breaker import CircuitBreaker
from runtime.providers.cached import CachedSource
from runtime.providers.content.frankfurter import FrankfurterRates
from runtime.providers.content.wikivoyage import WikivoyageGuide
from runtime.providers.geo import PlaceRecord
from runtime.providers.web import JsonSource
from runtime.store.content_memory import MemoryContentCache
from tests.support.fakes.frankfurter import FrankfurterFake, cross_rate, working_day
from tests.support.fakes.wikivoyage import API_PATH, WikivoyageFake
from tests.support.places import place

LISBON, TOKYO = place("Lisbon"), place("Tokyo")
assert LISBON is not None and TOKYO is not None


def http(name: str) -> JsonSource:
    return JsonSource(name, timeout_s=0.5, breaker=CircuitBreaker(name, failure_threshold=10))


def rates(fake: FrankfurterFake, cache: MemoryContentCache | None = None) -> FrankfurterRates:
    return FrankfurterRates(
        http("frankfurter"), base_url=f"{fake.url}/v1", cache=CachedSource(cache)
    )


def guide(fake: WikivoyageFake, cache: MemoryContentCache | None = None) -> WikivoyageGuide:
    return WikivoyageGuide(
        http("wikivoyage"), api_url=f"{fake.url}{API_PATH}", cache=CachedSource(cache)
    )


# ------------------------------------------------------------------------------- Frankfurter
def test_the_reference_rate_is_the_sources_for_the_last_working_day(
    frankfurter_fake: FrankfurterFake,
) -> None:
    rate = rates(frankfurter_fake).rate("USD", "EUR")

    assert rate.rate == cross_rate("USD", "EUR")
    assert rate.date == working_day(dt.datetime.now(dt.UTC).date()).isoformat()
    assert rate.source.name == "ECB reference rates via Frankfurter"
    [request] = frankfurter_fake.requests
    assert (request.path, request.query_value("base"), request.query_value("symbols")) == (
        "/v1/latest",
        "USD",
        "EUR",
    )


def test_a_currency_the_ecb_does_not_publish_is_not_found_and_remembered(
    frankfurter_fake: FrankfurterFake,
) -> None:
    provider = rates(frankfurter_fake, MemoryContentCache())
    for _ in range(2):
        with pytest.raises(NotFoundError):
            provider.rate("USD", "VND")
    assert len(frankfurter_fake.requests) == 1


def test_the_same_currency_needs_no_request(frankfurter_fake: FrankfurterFake) -> None:
    assert rates(frankfurter_fake).rate("EUR", "EUR").rate == 1.0
    assert frankfurter_fake.requests == []


def test_a_malformed_code_is_refused_before_any_request(frankfurter_fake: FrankfurterFake) -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        rates(frankfurter_fake).rate("usd", "EUR")
    assert frankfurter_fake.requests == []


@pytest.mark.parametrize(("status", "kind"), [(503, "unavailable"), (429, "throttled")])
def test_frankfurter_failures_are_provider_errors(
    frankfurter_fake: FrankfurterFake, status: int, kind: str
) -> None:
    frankfurter_fake.faults.status = status
    with pytest.raises(ProviderError) as caught:
        rates(frankfurter_fake).rate("USD", "JPY")
    assert caught.value.kind == kind


# ------------------------------------------------------------------------------- Wikivoyage
def test_an_article_gives_its_listings_and_a_link(wikivoyage_fake: WikivoyageFake) -> None:
    article = guide(wikivoyage_fake).guide(LISBON)

    assert (article.title, article.url) == ("Lisbon", "https://en.wikivoyage.org/wiki/Lisbon")
    assert article.source.terms == "CC BY-SA 4.0"
    sights = [item.name for item in article.of_kind("see", "do")]
    assert sights[:3] == ["Castelo de São Jorge", "Mosteiro dos Jerónimos", "Torre de Belém"]
    assert "Tram 28" in sights
    beds = {item.name: item.section for item in article.of_kind("sleep")}
    assert beds["Home Lisbon Hostel"] == "Budget" and beds["Casa do Príncipe"] == "Mid-range"
    [request] = wikivoyage_fake.requests
    assert (request.query_value("action"), request.query_value("formatversion")) == ("parse", "2")


def test_a_redirect_is_followed_to_the_article(wikivoyage_fake: WikivoyageFake) -> None:
    lisboa = PlaceRecord(
        name="Lisboa", kind="city", country_code="PT", country="Portugal",
        latitude=38.7, longitude=-9.1, currency="EUR",
    )  # fmt: skip
    assert guide(wikivoyage_fake).guide(lisboa).title == "Lisbon"


def test_a_big_city_reads_its_district_articles_for_sights(
    wikivoyage_fake: WikivoyageFake,
) -> None:
    article = guide(wikivoyage_fake).guide(TOKYO, deadline=time.monotonic() + 2)

    names = [item.name for item in article.of_kind("see", "do")]
    assert {"Sensō-ji", "Shinjuku Gyoen", "Golden Gai"} <= set(names)
    pages = [r.query_value("page") for r in wikivoyage_fake.requests]
    assert pages[0] == "Tokyo" and set(pages[1:]) == {"Tokyo/Asakusa", "Tokyo/Shinjuku"}


def test_a_place_without_an_article_is_not_found_and_remembered(
    wikivoyage_fake: WikivoyageFake,
) -> None:
    hanoi = place("Hanoi")
    assert hanoi is not None
    provider = guide(wikivoyage_fake, MemoryContentCache())
    for _ in range(2):
        with pytest.raises(NotFoundError):
            provider.guide(hanoi)
    assert len(wikivoyage_fake.requests) == 1


def test_a_guide_is_served_from_the_store_while_wikivoyage_is_down(
    wikivoyage_fake: WikivoyageFake,
) -> None:
    cache = MemoryContentCache()
    first = guide(wikivoyage_fake, cache).guide(LISBON)
    wikivoyage_fake.faults.status = 503
    assert guide(wikivoyage_fake, cache).guide(LISBON) == first


def test_wikivoyage_failures_are_provider_errors(wikivoyage_fake: WikivoyageFake) -> None:
    wikivoyage_fake.faults.reset = True
    with pytest.raises(ProviderError) as caught:
        guide(wikivoyage_fake).guide(LISBON)
    assert caught.value.kind == "unavailable"
