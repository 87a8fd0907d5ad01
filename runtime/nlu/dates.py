"""Dates as travellers write them, found in free text and resolved to ISO days.

Forms read: ISO (``2027-05-14``, ``2027/05/14``), day and month names (``14 May 2027``,
``Dec 20``, ``the 3rd of March``, ``mid april``), numeric (``20/12``, ``12/20``, ``03/04/2027``,
``20.12.2027``), a bare day (``the 20th``, ``on the 22nd``), weekdays (``friday``,
``next friday``, ``last monday``), relative days (``today``, ``tomorrow``, ``yesterday``,
``in two weeks``, ``next week``, ``this weekend``) and ranges (``5-12 april``, ``april 5 to 12``,
whose two ends are two mentions).

Resolution is relative to ``today`` (the turn's clock, injected) and, optionally, to an
``anchor`` day: a bare day follows the anchor's month ("the 15th" after a 14 April departure is
15 April), and a weekday or a bare day is the first one on or after ``after`` ("back on
wednesday" after a Monday departure is two days later). A date without a year is the next such
day on or after ``today`` (so "5 jan" said in March is next January); an explicit past date
(``yesterday``, ``10 february 2027``) stays in the past so the dialogue can say so.

Every mention has ``kind == "date"``. Its ``value`` is the ISO day; a numeric date that reads
two ways (``03/04/2027``: 3 April or 4 March) has ``value`` None and both days in ``options``,
day first; a date that cannot exist (``30 february``) has ``value`` None and no options, so the
dialogue can say what it did not understand instead of dropping it. A message that writes one
numeric date in an order only one way can read (``20/12``: day first; ``12/20``, month first;
``20.12``, day first) settles that order for its other numeric dates: "London to NYC on 20/12,
back 5/1" returns on 5 January, not "5 January or 1 May?". Messages that show both orders, or
none, leave the ambiguous dates to a question.

A month named without a day ("in march", "during august 2027", "next may") is no date; it is a
*month* (:func:`find_month`, ``YYYY-MM``), which a weather question or a plan uses for the
weather that is typical then.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable

from runtime.nlu.date_words import (
    DAY,
    MONTH,
    MONTHS,
    ORDINAL,
    PARTS,
    RANGE_LINK,
    UNIT_AFTER,
    WEEKDAY,
    WEEKDAY_ABBR,
    YEAR,
    DateContext,
    add_months,
    bare_day,
    day_number,
    month_day,
    next_occurrence,
    numeric_readings,
    safe_date,
    weekday_date,
)
from runtime.nlu.entities import NUMBER_PATTERN, Mention
from runtime.nlu.text import number_value

Resolver = Callable[["re.Match[str]", DateContext], list[dt.date] | None]
"""Reads one pattern's match: the day(s) it means (two for an ambiguous numeric date), an
empty list for a date that cannot exist, ``None`` for "not a date after all"."""


def _iso(match: re.Match[str], ctx: DateContext) -> list[dt.date] | None:
    found = safe_date(int(match["y"]), int(match["m"]), int(match["d"]))
    return [found] if found else []


def _day_month(match: re.Match[str], ctx: DateContext) -> list[dt.date] | None:
    month = MONTHS[match["month"].lower().rstrip(".")]
    found = month_day(ctx, month, day_number(match["day"]), match["year"])
    return [found] if found else []


def _part_of_month(match: re.Match[str], ctx: DateContext) -> list[dt.date] | None:
    month = MONTHS[match["month"].lower().rstrip(".")]
    part = " ".join(match["part"].lower().split())
    found = month_day(ctx, month, PARTS[part], match["year"])
    return [found] if found else []


def _slashed(match: re.Match[str], ctx: DateContext) -> list[dt.date] | None:
    """``20/12``, ``12/20``, ``03/04/2027``: every reading that exists (two when ambiguous)."""
    readings = numeric_readings(int(match["a"]), int(match["b"]), match["y"], ctx)
    if not readings:
        return [] if match["y"] else None  # "45/60" is no date; "31/02/2027" is a bad one
    return readings


def _day_first(match: re.Match[str], ctx: DateContext) -> list[dt.date] | None:
    """``20.12.2027`` and ``20.12.``: day first, as everywhere dots are written."""
    day, month = int(match["a"]), int(match["b"])
    if not 1 <= month <= 12:
        return [] if match["y"] else None
    if match["y"]:
        found = safe_date(int(match["y"]) + (2000 if len(match["y"]) == 2 else 0), month, day)
    else:
        found = next_occurrence(DateContext(ctx.today), month, day)
    return [found] if found else []


def _ordinal_day(match: re.Match[str], ctx: DateContext) -> list[dt.date] | None:
    day = int(match["day"])
    if not 1 <= day <= 31:
        return None
    found = bare_day(ctx, day)
    return [found] if found else []


def _relative_word(match: re.Match[str], ctx: DateContext) -> list[dt.date] | None:
    offsets = {
        "today": 0,
        "tonight": 0,
        "tomorrow": 1,
        "tmrw": 1,
        "tmr": 1,
        "day after tomorrow": 2,
        "yesterday": -1,
        "day before yesterday": -2,
    }
    word = " ".join(match["rel"].lower().split()).removeprefix("the ")
    return [ctx.today + dt.timedelta(days=offsets[word])]


def _next_to_anchor(match: re.Match[str], ctx: DateContext) -> list[dt.date] | None:
    """``the day after`` / ``the next day`` / ``the day before``: next to the anchor day."""
    step = -1 if "before" in match.group().lower() else 1
    return [(ctx.anchor or ctx.today) + dt.timedelta(days=step)]


def _weekday_match(match: re.Match[str], ctx: DateContext) -> list[dt.date] | None:
    which = (match["which"] or "").lower()
    which = which if which in ("last", "next", "this", "coming") else ""
    return [weekday_date(ctx, match["weekday"], which)]


def _in_span(match: re.Match[str], ctx: DateContext) -> list[dt.date] | None:
    count = number_value(match["n"].lower())
    if not count or count <= 0 or count > 400:
        return None
    unit = match["unit"].lower()
    if unit.startswith("month"):
        return [add_months(ctx.today, count)]
    days = {"week": 7, "fortnight": 14}.get(unit.rstrip("s"), 1)
    return [ctx.today + dt.timedelta(days=count * days)]


def _from_now(match: re.Match[str], ctx: DateContext) -> list[dt.date] | None:
    """``a week from today``, ``3 days from now``, ``two weeks from tomorrow``."""
    found = _in_span(match, ctx)
    if found and match["base"].lower() == "tomorrow":
        return [found[0] + dt.timedelta(days=1)]
    return found


def _next_span(match: re.Match[str], ctx: DateContext) -> list[dt.date] | None:
    span = match["span"].lower()
    if span == "week":
        return [ctx.today + dt.timedelta(days=7)]
    return [(ctx.today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)]


def _weekend(match: re.Match[str], ctx: DateContext) -> list[dt.date] | None:
    saturday = ctx.today + dt.timedelta(days=(5 - ctx.today.weekday()) % 7)
    if ctx.today.weekday() == 6:  # on a Sunday, "this weekend" is today
        saturday = ctx.today
    if match["which"].lower() == "next":
        saturday += dt.timedelta(days=7)
    return [saturday]


_PATTERNS: tuple[tuple[re.Pattern[str], Resolver], ...] = (
    (re.compile(r"\b(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})\b"), _iso),
    (
        re.compile(
            rf"\b(?P<n>{NUMBER_PATTERN})\s+(?P<unit>days?|weeks?|months?)\s+from\s+"
            r"(?P<base>now|today|tomorrow)\b",
            re.IGNORECASE,
        ),
        _from_now,
    ),
    (
        re.compile(
            rf"\b(?:the\s+)?{DAY}\s+(?:of\s+)?(?P<month>{MONTH})(?![a-z]){YEAR}", re.IGNORECASE
        ),
        _day_month,
    ),
    (
        re.compile(
            rf"\b(?P<month>{MONTH})\s+(?:the\s+)?{DAY}\b(?!\s*:){UNIT_AFTER}{YEAR}",
            re.IGNORECASE,
        ),
        _day_month,
    ),
    (
        re.compile(
            r"\b(?P<part>early|late|mid|middle of|beginning of|start of|end of)[\s-]+"
            rf"(?P<month>{MONTH})(?![a-z]){YEAR}",
            re.IGNORECASE,
        ),
        _part_of_month,
    ),
    (
        re.compile(
            r"(?<![\d/.$€£¥])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?![\d/])"
            + UNIT_AFTER
        ),
        _slashed,
    ),
    (
        re.compile(r"(?<![\d.$€£¥-])(?P<a>\d{1,2})-(?P<b>\d{1,2})-(?P<y>\d{4}|\d{2})(?![\d-])"),
        _slashed,
    ),
    (
        re.compile(
            r"(?<![\d.$€£¥])(?P<a>\d{1,2})\.(?P<b>\d{1,2})"
            r"(?:\.(?P<y>\d{4}|\d{2})(?!\.?\d)|\.(?!\d))"
        ),
        _day_first,
    ),
    (re.compile(rf"\bthe\s+(?P<day>\d{{1,2}}){ORDINAL}\b", re.IGNORECASE), _ordinal_day),
    (
        re.compile(rf"\bon\s+the\s+(?P<day>\d{{1,2}})\b{UNIT_AFTER}", re.IGNORECASE),
        _ordinal_day,
    ),
    (re.compile(rf"\b(?P<day>\d{{1,2}}){ORDINAL}\b{UNIT_AFTER}", re.IGNORECASE), _ordinal_day),
    (
        re.compile(
            r"\b(?P<rel>(?:the\s+)?day\s+after\s+tomorrow|(?:the\s+)?day\s+before\s+yesterday"
            r"|tomorrow|tmrw|tmr|today|tonight|yesterday)\b",
            re.IGNORECASE,
        ),
        _relative_word,
    ),
    (
        re.compile(
            r"\b(?:the\s+)?(?:day\s+after|next\s+day|following\s+day|day\s+before)"
            r"(?:\s+that)?\b(?!\s+(?:tomorrow|yesterday))",
            re.IGNORECASE,
        ),
        _next_to_anchor,
    ),
    (re.compile(r"\b(?P<which>this|next|coming)\s+weekend\b", re.IGNORECASE), _weekend),
    (
        re.compile(
            rf"\b(?:(?P<which>next|this|coming|last)\s+)?(?P<weekday>{WEEKDAY})\b", re.IGNORECASE
        ),
        _weekday_match,
    ),
    (
        re.compile(
            r"\b(?P<which>next|this|coming|last|on|by|until|till)\s+"
            rf"(?P<weekday>{WEEKDAY_ABBR})\.?(?![a-z])",
            re.IGNORECASE,
        ),
        _weekday_match,
    ),
    (
        re.compile(
            rf"\bin\s+(?P<n>{NUMBER_PATTERN})\s+(?P<unit>days?|weeks?|fortnights?|months?)"
            r"(?:'?\s*time)?\b",
            re.IGNORECASE,
        ),
        _in_span,
    ),
    (re.compile(r"\bnext\s+(?P<span>week|month)\b", re.IGNORECASE), _next_span),
)


_RANGE = re.compile(
    rf"\b(?P<d1>\d{{1,2}}){ORDINAL}?{RANGE_LINK}(?P<d2>\d{{1,2}}){ORDINAL}?\s+(?:of\s+)?"
    rf"(?P<month>{MONTH})(?![a-z]){YEAR}"
    rf"|\b(?P<month2>{MONTH})\s+(?P<e1>\d{{1,2}}){ORDINAL}?{RANGE_LINK}(?P<e2>\d{{1,2}})"
    rf"{ORDINAL}?\b(?!\s*(?:{MONTH}))",
    re.IGNORECASE,
)


def _ranges(text: str, ctx: DateContext) -> list[Mention]:
    """``5-12 april`` and ``april 5 to 12``: two mentions, the second resolved after the first."""
    found: list[Mention] = []
    for match in _RANGE.finditer(text):
        month_name = match["month"] or match["month2"]
        month = MONTHS[month_name.lower().rstrip(".")]
        first_day = int(match["d1"] or match["e1"])
        second_day = int(match["d2"] or match["e2"])
        first = month_day(ctx, month, first_day, match["year"])
        if first is None:
            continue
        second = (
            safe_date(int(match["year"]), month, second_day)
            if match["year"]
            else next_occurrence(DateContext(ctx.today, after=first), month, second_day)
        )
        if second is None or second < first:
            continue
        groups = ("d1", "d2") if match["d1"] else ("e1", "e2")
        start_end = match.start(groups[1])
        found.append(Mention("date", match.start(), match.start(groups[1]) - 1, first.isoformat()))
        found.append(Mention("date", start_end, match.end(), second.isoformat()))
    return found


def find_dates(
    text: str,
    today: dt.date,
    *,
    anchor: dt.date | None = None,
    after: dt.date | None = None,
) -> list[Mention]:
    """Every date mentioned in ``text``, in text order (see the module docstring).

    ``anchor`` gives a bare day its month and ``after`` is the earliest day a weekday or bare day
    may be (both for reading a return date after its departure, or a correction of a date).
    """
    ctx = DateContext(today, anchor, after)
    found: list[Mention] = _ranges(text, ctx)
    orders: set[str] = set()
    for pattern, resolve in _PATTERNS:
        for match in pattern.finditer(text):
            readings = resolve(match, ctx)
            if readings is None:
                continue
            if readings:
                orders |= _written_order(match, resolve)
            start = match.start()
            which = (match.groupdict().get("which") or "").lower()
            if "weekday" in pattern.groupindex and which not in ("next", "this", "coming", "last"):
                start = match.start("weekday")
            mention = Mention(
                "date",
                start,
                match.end(),
                readings[0].isoformat() if len(readings) == 1 else None,
                options=tuple(day.isoformat() for day in readings) if len(readings) > 1 else (),
            )
            if not any(mention.overlaps(m) for m in found):
                found.append(mention)
    if len(orders) == 1:
        found = [_in_order(m, day_first="day" in orders) for m in found]
    return sorted(found, key=lambda m: m.start)


def _written_order(match: re.Match[str], resolve: Resolver) -> set[str]:
    """The order a numeric date shows it was written in: ``{"day"}`` for day first ("20/12",
    "20.12"), ``{"month"}`` for month first ("12/20"), empty when it reads both ways or is no
    numeric date."""
    if resolve is _day_first:
        return {"day"}
    if resolve is not _slashed:
        return set()
    first, second = int(match["a"]), int(match["b"])
    if first > 12 >= second:
        return {"day"}
    if second > 12 >= first:
        return {"month"}
    return set()


def _in_order(mention: Mention, *, day_first: bool) -> Mention:
    """An ambiguous numeric date read in the order its message settles (``options`` hold the
    day-first reading first)."""
    if mention.value is not None or len(mention.options) != 2:
        return mention
    value = mention.options[0 if day_first else 1]
    return dataclasses.replace(mention, value=value, options=())


_MONTH_RE = re.compile(
    r"\b(?P<lead>in|during|for|over|around|through|throughout|this|next|coming)\s+"
    rf"(?:the\s+)?(?:month\s+of\s+)?(?P<month>{MONTH})(?![a-z])(?:\s*,?\s*(?P<year>20\d\d)\b)?",
    re.IGNORECASE,
)


def find_month(text: str, today: dt.date) -> str | None:
    """The month (``YYYY-MM``) a message names without a day ("weather in Oslo in march",
    "a week in Iceland during August 2027", "next may"): the next such month from ``today``
    (this month included, unless "next"), or the year given; None when there is none, or the
    month is part of a date ("3 march", "mid april", "march 5-9")."""
    dates: list[Mention] | None = None  # read only when a month is named at all
    for match in _MONTH_RE.finditer(text):
        start = match.start("month")
        dates = find_dates(text, today) if dates is None else dates
        if any(m.start <= start < m.end for m in dates):
            continue
        month = MONTHS[match["month"].lower().rstrip(".")]
        if match["year"]:
            year = int(match["year"])
        else:
            year = today.year if month >= today.month else today.year + 1
            if match["lead"].lower() == "next" and month == today.month:
                year += 1
        return f"{year:04d}-{month:02d}"
    return None


def parse_date(
    value: str, today: dt.date, *, anchor: dt.date | None = None, after: dt.date | None = None
) -> str | None:
    """The ISO day of the first date in ``value`` that reads one way only, else ``None``."""
    for mention in find_dates(value, today, anchor=anchor, after=after):
        if mention.value is not None:
            return str(mention.value)
    return None
