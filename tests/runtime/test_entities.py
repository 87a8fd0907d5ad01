"""Durations and money are found in free text and normalised per the contract."""

from __future__ import annotations

import pytest

from runtime.nlu.entities import find_durations, find_money, parse_duration, parse_money


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("a week", 7),
        ("10 days", 10),
        ("two weeks", 14),
        ("6 nights", 6),
        ("a long weekend", 3),
        ("a weekend in Rome", 2),
        ("a fortnight", 14),
        ("plan a 5 day trip", 5),
        ("a 5-day trip", 5),
        ("three weeks", 21),
        ("a couple of days", 2),
    ],
)
def test_durations_become_whole_days(text: str, days: int) -> None:
    assert [m.value for m in find_durations(text)] == [days]


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("$1,500", 1500, "USD"),
        ("2k euros", 2000, "EUR"),
        ("£800", 800, "GBP"),
        ("900 USD", 900, "USD"),
        ("EUR 2000", 2000, "EUR"),
        ("¥100000", 100000, "JPY"),
        ("1.5k dollars", 1500, "USD"),
        ("3 grand", None, None),
        ("A$2,000", 2000, "AUD"),
        ("500 swiss francs", 500, "CHF"),
    ],
)
def test_money_becomes_amount_and_iso_currency(
    text: str, amount: int | None, currency: str | None
) -> None:
    found = [m.value for m in find_money(text)]
    if amount is None:
        assert found == []  # no currency given: not money
    else:
        assert found == [{"amount": amount, "currency": currency}]


def test_cloud_values_are_normalised_too() -> None:
    assert parse_duration("P1W") == 7
    assert parse_duration("P10D") == 10
    assert parse_duration("5") == 5
    assert parse_duration("soon") is None
    assert parse_money("1500") == {"amount": 1500, "currency": "USD"}
    assert parse_money("0") is None


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("40000 mexican pesos", 40000, "MXN"),
        ("9000 brazilian reais", 9000, "BRL"),
        ("6000 moroccan dirhams", 6000, "MAD"),
        ("50000 twd", 50000, "TWD"),
        ("5000 new taiwan dollars", 5000, "TWD"),
        ("3000 thai baht", 3000, "THB"),
        ("500 TRY", 500, "TRY"),
    ],
)
def test_currencies_are_read_by_code_and_by_their_countrys_name(
    text: str, amount: int, currency: str
) -> None:
    assert [m.value for m in find_money(text)] == [{"amount": amount, "currency": currency}]


@pytest.mark.parametrize("text", ["try 500 more", "for all 3 days", "top 5 sights"])
def test_a_code_that_is_an_english_word_counts_only_in_capitals(text: str) -> None:
    assert find_money(text) == []
