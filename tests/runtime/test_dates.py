"""Dates as travellers write them become ISO days relative to the turn's clock."""

from __future__ import annotations

import datetime as dt

import pytest

from runtime.nlu.dates import find_dates, find_month, parse_date

TODAY = dt.date(2027, 3, 1)  # a Monday, the conversation suite's clock
WEDNESDAY = dt.date(2026, 11, 25)


def values(text: str, today: dt.date = TODAY, **kwargs: dt.date) -> list[str | None]:
    return [m.value for m in find_dates(text, today, **kwargs)]


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("on 2027-05-14", "2027-05-14"),
        ("2027/12/20", "2027-12-20"),
        ("14 May 2027", "2027-05-14"),
        ("May 14th, 2027", "2027-05-14"),
        ("the 3rd of March", "2027-03-03"),
        ("Dec 20", "2027-12-20"),
        ("20 dec", "2027-12-20"),
        ("mid april", "2027-04-15"),
        ("on the 20th", "2027-03-20"),
        ("on the 20", "2027-03-20"),
        ("20/12", "2027-12-20"),
        ("12/20", "2027-12-20"),
        ("24/12/2027", "2027-12-24"),
        ("12/24/27", "2027-12-24"),
        ("20.12.2027", "2027-12-20"),
        ("20.12.", "2027-12-20"),
        ("tomorrow", "2027-03-02"),
        ("tmrw", "2027-03-02"),
        ("the day after tomorrow", "2027-03-03"),
        ("on friday", "2027-03-05"),
        ("next friday", "2027-03-05"),
        ("next monday", "2027-03-08"),
        ("next sat", "2027-03-06"),
        ("this weekend", "2027-03-06"),
        ("in two weeks", "2027-03-15"),
        ("in 3 days", "2027-03-04"),
        ("in 3 months", "2027-06-01"),
        ("next month", "2027-04-01"),
        ("the first of may", "2027-05-01"),
        ("june twenty-first", "2027-06-21"),
        ("a week from today", "2027-03-08"),
        ("two weeks from tomorrow", "2027-03-16"),
    ],
)
def test_a_date_becomes_one_iso_day(text: str, iso: str) -> None:
    # GIVEN a date as a traveller writes it, on Monday 1 March 2027
    # WHEN it is read
    # THEN it is that one day
    assert values(text) == [iso]


def test_a_date_without_a_year_is_the_next_such_day() -> None:
    assert values("leaving 5 jan, back 12 jan") == ["2028-01-05", "2028-01-12"]
    assert values("december 1", WEDNESDAY) == ["2026-12-01"]
    assert values("the 1st") == ["2027-03-01"]


def test_a_weekday_named_on_that_weekday_is_a_week_later() -> None:
    assert values("on wednesday", WEDNESDAY) == ["2026-12-02"]
    assert values("monday") == ["2027-03-08"]


def test_explicit_past_dates_stay_in_the_past() -> None:
    # GIVEN dates that can only be in the past
    # WHEN they are read
    # THEN they are not moved forward, so the dialogue can call them past
    assert values("yesterday") == ["2027-02-28"]
    assert values("10 february 2027") == ["2027-02-10"]
    assert values("last friday") == ["2027-02-26"]


def test_a_numeric_date_that_reads_two_ways_offers_both_day_first() -> None:
    (mention,) = find_dates("03/04/2027", TODAY)
    assert mention.value is None
    assert mention.options == ("2027-04-03", "2027-03-04")
    (short,) = find_dates("on 5/6", TODAY)
    assert short.options == ("2027-06-05", "2027-05-06")


def test_a_date_that_cannot_exist_is_reported_without_a_value() -> None:
    (mention,) = find_dates("on 30 feb", TODAY)
    assert (mention.value, mention.options) == (None, ())
    assert find_dates("31/02/2027", TODAY)[0].value is None


def test_both_ends_of_a_range_are_dates() -> None:
    assert values("5 april to 12 april") == ["2027-04-05", "2027-04-12"]
    assert values("may 1 - may 15") == ["2027-05-01", "2027-05-15"]
    assert values("5-12 april") == ["2027-04-05", "2027-04-12"]
    assert values("april 5 to 12") == ["2027-04-05", "2027-04-12"]


def test_a_bare_day_and_a_weekday_follow_an_anchor_day() -> None:
    # GIVEN a departure on Monday 8 March and one on 5 April
    # WHEN a return is read after it
    # THEN a weekday is the next one after the departure and a bare day its month's
    assert values("back on wednesday", after=dt.date(2027, 3, 8)) == ["2027-03-10"]
    april = dt.date(2027, 4, 5)
    assert values("back on the 14th", anchor=april, after=april) == ["2027-04-14"]
    assert values("the 2nd", anchor=april, after=april) == ["2027-05-02"]
    assert values("no wait, the 15th", anchor=dt.date(2027, 4, 14)) == ["2027-04-15"]
    assert values("the day after", anchor=dt.date(2027, 4, 14)) == ["2027-04-15"]
    assert values("the day before", anchor=dt.date(2027, 4, 14)) == ["2027-04-13"]


@pytest.mark.parametrize(
    "text",
    [
        "may I ask something",
        "lying in the sun",
        "we sat down",
        "for 2-3 people",
        "5-6 days",
        "a 3.5 star hotel",
        "it costs $1.50",
        "the 10 best things to do",
        "the 2 of us",
        "45/60",
    ],
)
def test_words_and_numbers_that_are_not_dates_are_left_alone(text: str) -> None:
    assert find_dates(text, TODAY) == []


def test_parse_date_reads_cloud_values_and_skips_ambiguous_ones() -> None:
    assert parse_date("2027-01-02", TODAY) == "2027-01-02"
    assert parse_date("next friday", TODAY) == "2027-03-05"
    assert parse_date("03/04/2027", TODAY) is None
    assert parse_date("soon", TODAY) is None


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("london to nyc on 20/12, back 5/1", ["2026-12-20", "2027-01-05"]),  # day first
        ("out 12/20 and back 1/5", ["2026-12-20", "2027-01-05"]),  # month first
        ("leaving 20.12.2026, returning 03/01/2027", ["2026-12-20", "2027-01-03"]),
    ],
)
def test_a_date_written_one_way_only_settles_the_order_of_the_others(
    text: str, days: list[str]
) -> None:
    # GIVEN a message whose first numeric date reads one way only / WHEN its dates are found
    found = find_dates(text, dt.date(2026, 12, 1))
    # THEN the ambiguous one is read in the same order, with no question left
    assert [m.value for m in found] == days
    assert all(not m.options for m in found)


def test_a_message_showing_both_orders_or_none_still_asks() -> None:
    today = dt.date(2026, 12, 1)
    # GIVEN both orders in one message, or no date that settles it
    for text in ("20/12 or 12/20, and 03/04/2027", "03/04/2027"):
        ambiguous = [m for m in find_dates(text, today) if m.options]
        # THEN the ambiguous date keeps both readings
        assert [m.options for m in ambiguous] == [("2027-04-03", "2027-03-04")]


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("weather in reykjavik in march", "2027-03"),
        ("and what about in august?", "2027-08"),
        ("a week in iceland during August 2027", "2027-08"),
        ("plan something for the month of july", "2027-07"),
        ("lisbon in december", "2026-12"),  # this month is the next December
        ("next december", "2027-12"),
    ],
)
def test_a_month_named_without_a_day_is_a_month(text: str, month: str) -> None:
    assert find_month(text, dt.date(2026, 12, 1)) == month


@pytest.mark.parametrize(
    "text", ["flights on 3 march", "back in mid april", "5-9 march", "may I go?", "over christmas"]
)
def test_a_month_within_a_date_or_no_month_at_all_is_none(text: str) -> None:
    assert find_month(text, dt.date(2026, 12, 1)) is None
