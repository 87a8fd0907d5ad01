"""The pure parts of the open-data sources: wikitext listings, prices, months, URLs, answers."""

from __future__ import annotations

import datetime as dt

import pytest

from runtime.errors import NotFoundError, ProviderError
from runtime.providers.content.frankfurter import read_rate
from runtime.providers.content.prices import parse_price
from runtime.providers.content.wikitext import clean, district_links, listings
from runtime.providers.content.wikivoyage import article_url, read_article
from runtime.providers.weather.codes import describe_code
from runtime.providers.weather.openmeteo import (
    customer_url,
    read_forecast,
    read_typical,
    typical_window,
)
from tests.support.fakes.shape import load_sample
from tests.support.places import place

LISBON = place("Lisbon")
assert LISBON is not None


# ------------------------------------------------------------------------------- wikitext
def test_listings_keep_their_kind_section_and_plain_text() -> None:
    # GIVEN a See section with a multi-line listing full of markup, and an Eat sub-section
    text = """==See==
{{see
| name=Castelo | wikidata=q1 | price=€15
| content=A '''Moorish''' castle with [[view]]s {{convert|3|km}}
over the [[Tagus|river]].<ref>x</ref>
== Not a heading ==
}}
==Eat==
===Budget===
{{eat|name=Tasca|price=€9}}"""

    # WHEN its listings are read
    found = listings(text)

    # THEN each keeps its kind and sub-heading, and the text is plain words
    assert [(item.kind, item.name, item.section) for item in found] == [
        ("see", "Castelo", ""),
        ("eat", "Tasca", "Budget"),
    ]
    assert found[0].description == (
        "A Moorish castle with views 3 km over the river. == Not a heading =="
    )
    assert (found[0].wikidata, found[0].price) == ("Q1", "€15")


def test_a_listing_takes_its_type_or_else_its_sections_kind() -> None:
    text = (
        "==Eat==\n{{listing|type=see|name=Typed}}\n{{listing|name=Untyped}}"
        "\n{{listing|name=X|type=go}}"
    )
    assert [(item.kind, item.name) for item in listings(text)] == [
        ("see", "Typed"),
        ("eat", "Untyped"),
    ]


def test_buy_go_and_nameless_listings_are_skipped() -> None:
    text = "==See==\n{{buy|name=Shop}}\n{{go|name=Bus}}\n{{see|content=no name}}\n{{see|name=Kept}}"
    assert [item.name for item in listings(text)] == ["Kept"]


def test_pipes_inside_nested_templates_and_links_do_not_split_parameters() -> None:
    text = "{{see|name=Fort {{!}} Museum|content=See [[A|the a]] and {{lang|pt|Sé}}|price=€2}}"
    [item] = listings(text)
    assert (item.name, item.description, item.price) == ("Fort | Museum", "See the a and Sé", "€2")


def test_an_unbalanced_last_template_is_still_read() -> None:
    [item] = listings("==Do==\n{{do|name=Broken|content=no closing braces")
    assert (item.kind, item.name, item.description) == ("do", "Broken", "no closing braces")


def test_district_links_are_the_articles_sub_pages_in_order() -> None:
    text = "[[Tokyo/Asakusa|Asakusa]], [[Tokyo/Shinjuku]], [[Osaka]], [[Tokyo/Asakusa]]"
    assert district_links(text, "Tokyo") == ["Tokyo/Asakusa", "Tokyo/Shinjuku"]


def test_clean_drops_comments_files_and_formatting() -> None:
    raw = "<!-- x -->[[File:A.jpg|thumb|[[B]] c]]''Open'' [https://x.test daily] &amp; late"
    assert clean(raw) == "Open daily & late"


# ------------------------------------------------------------------------------- prices
@pytest.mark.parametrize(
    ("text", "currency", "amount"),
    [
        ("€8", "EUR", 8.0),
        ("Doubles €90-120", "EUR", 105.0),
        ("12,50 €", "EUR", 12.5),
        ("€1,250.50", "EUR", 1250.5),
        ("Adults €10, children €5", "EUR", 10.0),
        ("Free", "EUR", 0.0),
        ("US$20", "EUR", None),
        ("no price given", "EUR", None),
        ("2,500 yen", "JPY", 2500.0),
        ("¥1.500", "JPY", 1500.0),
        ("From 1,200 baht", "THB", 1200.0),
        ("$25–30", "USD", 27.5),
        ("R$ 40", "BRL", 40.0),
        ("R$ 40", "USD", None),
    ],
)
def test_a_price_is_read_only_in_the_expected_currency(
    text: str, currency: str, amount: float | None
) -> None:
    assert parse_price(text, currency) == amount


def test_a_currency_that_is_not_iso_4217_is_refused() -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        parse_price("€8", "euro")


# ------------------------------------------------------------------------------- Open-Meteo
def test_the_public_hosts_map_to_the_customer_hosts_and_others_stay() -> None:
    assert customer_url("https://api.open-meteo.com") == "https://customer-api.open-meteo.com"
    assert (
        customer_url("https://archive-api.open-meteo.com/")
        == "https://customer-archive-api.open-meteo.com/"
    )
    assert customer_url("http://127.0.0.1:8123") == "http://127.0.0.1:8123"


@pytest.mark.parametrize(
    ("month", "today", "years"),
    [
        (3, dt.date(2026, 5, 1), (2022, 2026)),  # March 2026 ended long enough ago
        (3, dt.date(2026, 4, 3), (2021, 2025)),  # ...but not within ERA5's week of lag
        (12, dt.date(2026, 12, 2), (2021, 2025)),
    ],
)
def test_typical_uses_the_last_five_complete_months(
    month: int, today: dt.date, years: tuple[int, int]
) -> None:
    assert typical_window(month, today) == years


def test_a_month_outside_1_to_12_is_refused() -> None:
    with pytest.raises(ValueError, match="month"):
        typical_window(13, dt.date(2026, 1, 1))


def test_the_published_forecast_shape_reads_into_a_report() -> None:
    report = read_forecast(LISBON, load_sample("open_meteo_forecast.json"))
    assert (report.city, report.today, report.source.name) == ("Lisbon", "2026-03-06", "Open-Meteo")
    assert report.forecast[0].description == "slight rain"
    assert report.forecast[0].precipitation_chance_pct == 75


def test_a_forecast_without_its_documented_fields_is_malformed() -> None:
    with pytest.raises(ProviderError) as caught:
        read_forecast(LISBON, {"latitude": 1.0, "daily": {}})
    assert caught.value.kind == "malformed"


def test_typical_averages_only_the_month_and_counts_rainy_days_per_year() -> None:
    # GIVEN two Marches (one day each year rainy) and a stray April day
    payload = {
        "daily": {
            "time": ["2024-03-01", "2024-03-02", "2025-03-01", "2025-03-02", "2025-04-01"],
            "temperature_2m_max": [20, 22, 18, None, 40],
            "temperature_2m_min": [10, 12, 8, 9, 30],
            "precipitation_sum": [5.0, 0.0, 0.0, 3.0, 50.0],
        }
    }

    # WHEN the month's normals are read
    typical = read_typical(payload, 3, 2024, 2025)

    # THEN gaps and other months are ignored, rain counts per year
    assert (typical.mean_max_c, typical.mean_min_c) == (20.0, 10.0)
    assert (typical.rainy_days, typical.precipitation_mm) == (1.0, 4.0)


def test_wmo_codes_read_as_words() -> None:
    assert (describe_code(61), describe_code(0), describe_code(1234)) == (
        "slight rain",
        "clear sky",
        "unknown conditions",
    )


# ------------------------------------------------------------------------------- Frankfurter
def test_the_published_rates_shape_gives_the_rate() -> None:
    rate = read_rate(load_sample("frankfurter_latest.json"), "EUR", "CAD")
    assert (rate.rate, rate.date) == (1.8004, "2024-01-15")


def test_a_rate_missing_from_the_answer_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        read_rate(load_sample("frankfurter_latest.json"), "EUR", "VND")


# ------------------------------------------------------------------------------- Wikivoyage
def test_the_published_parse_shape_gives_title_and_text() -> None:
    title, text = read_article(load_sample("wikivoyage_parse.json"))
    assert title == "Lisbon" and "==See==" in text


def test_a_missing_article_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        read_article(load_sample("wikivoyage_missing.json"))


def test_another_api_error_is_a_provider_error() -> None:
    with pytest.raises(ProviderError):
        read_article({"error": {"code": "ratelimited", "info": "slow down"}})


def test_article_links_use_underscores() -> None:
    assert article_url("Tokyo/Asakusa") == "https://en.wikivoyage.org/wiki/Tokyo/Asakusa"
    assert article_url("Rio de Janeiro") == "https://en.wikivoyage.org/wiki/Rio_de_Janeiro"
