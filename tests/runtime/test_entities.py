"""Durations, money and dates are found in free text and normalised per the contract."""

from __future__ import annotations

import datetime as dt

import pytest

from runtime.nlu.entities import (
    find_dates,
    find_durations,
    find_money,
    parse_date,
    parse_duration,
    parse_money,
)

TODAY = dt.date(2026, 11, 25)  # a Wednesday


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


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("on 2027-05-14", "2027-05-14"),
        ("14 May 2027", "2027-05-14"),
        ("May 14th, 2027", "2027-05-14"),
        ("March 3rd", "2027-03-03"),
        ("december 1", "2026-12-01"),
        ("tomorrow", "2026-11-26"),
        ("the day after tomorrow", "2026-11-27"),
        ("next friday", "2026-11-27"),
        ("on wednesday", "2026-12-02"),
        ("in 3 days", "2026-11-28"),
        ("24/12/2027", "2027-12-24"),
        ("12/24/2027", "2027-12-24"),
    ],
)
def test_dates_become_iso_days_on_or_after_today(text: str, iso: str) -> None:
    assert [m.value for m in find_dates(text, TODAY)] == [iso]


def test_ambiguous_and_impossible_dates_are_not_guessed() -> None:
    assert find_dates("03/04/2027", TODAY) == []
    assert find_dates("February 30 2027", TODAY) == []
    assert find_dates("may I ask something", TODAY) == []


def test_cloud_values_are_normalised_too() -> None:
    assert parse_duration("P1W") == 7
    assert parse_duration("P10D") == 10
    assert parse_duration("5") == 5
    assert parse_duration("soon") is None
    assert parse_money("1500") == {"amount": 1500, "currency": "USD"}
    assert parse_money("0") is None
    assert parse_date("2027-01-02", TODAY) == "2027-01-02"
