"""The words, tables and calendar rules behind :mod:`runtime.nlu.dates`.

Month and weekday names, ordinal words ("twenty-first"), the regex pieces the date patterns are
built from, and how a day is placed in time: the next occurrence of a month and day, a bare day
in the month of an anchor, a weekday after a given day, both readings of a numeric date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
DAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
DAYS.update({"tues": 1, "weds": 2, "thurs": 3})
ABBREVIATIONS = {name.lower(): i for i, name in enumerate(calendar.day_abbr)}
ABBREVIATIONS.update({"thur": 3})
WEEKDAY = "(?:" + "|".join(sorted(DAYS, key=len, reverse=True)) + ")"
# "sun", "sat", "wed" are everyday words: an abbreviation needs "on", "next", ... before it.
WEEKDAY_ABBR = "(?:" + "|".join(sorted(ABBREVIATIONS, key=len, reverse=True)) + ")"
DAYS.update(ABBREVIATIONS)
ORDINAL = r"(?:st|nd|rd|th)"
_UNITS = "first second third fourth fifth sixth seventh eighth ninth".split()  # noqa: SIM905
ORDINAL_WORDS = {word: n for n, word in enumerate(_UNITS, start=1)}
ORDINAL_WORDS.update({"tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13})
ORDINAL_WORDS.update({"fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17})
ORDINAL_WORDS.update({"eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30})
for _n, _word in enumerate(_UNITS, start=1):
    ORDINAL_WORDS[f"twenty-{_word}"] = ORDINAL_WORDS[f"twenty {_word}"] = 20 + _n
ORDINAL_WORDS["thirty-first"] = ORDINAL_WORDS["thirty first"] = 31
ORDINAL_WORD = "|".join(sorted(ORDINAL_WORDS, key=len, reverse=True))
# With a month, a day may be spelled out ("the first of may", "june twenty-first").
DAY = rf"(?P<day>\d{{1,2}}{ORDINAL}?|{ORDINAL_WORD})"
YEAR = r"(?:,?\s*(?P<year>\d{4}))?"
PARTS = {"early": 5, "beginning of": 3, "start of": 3, "mid": 15, "middle of": 15}
PARTS.update({"late": 25, "end of": 28})
RANGE_LINK = r"\s*(?:-|–|—|to|till|until|thru|through)\s*"
UNIT_AFTER = r"(?!\s*(?:days?|nights?|weeks?|months?|years?|people|persons?|adults?|of us)\b)"


@dataclass(frozen=True)
class DateContext:
    """What a date is resolved against: today, and optionally a reference day.

    ``anchor`` gives a bare day its month; ``after`` is the earliest day a weekday or a bare day
    may fall on (a return date comes after its departure). Both default to ``today``.
    """

    today: dt.date
    anchor: dt.date | None = None
    after: dt.date | None = None

    @property
    def earliest(self) -> dt.date:
        """The first day a relative date may resolve to."""
        return max(self.today, self.after) if self.after else self.today


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def next_occurrence(ctx: DateContext, month: int, day: int) -> dt.date | None:
    """Day ``day`` of ``month`` in the first year that puts it on or after the earliest day."""
    earliest = ctx.earliest
    for year in (earliest.year, earliest.year + 1, earliest.year + 4):
        candidate = safe_date(year, month, day)
        if candidate is not None and candidate >= earliest:
            return candidate
    return None


def month_day(ctx: DateContext, month: int, day: int, year: str | None) -> dt.date | None:
    """A named day and month: the next one from today whatever the anchor ("leaving may 20,
    back may 10" is a return before the departure, which the dialogue must point out)."""
    if year:
        return safe_date(int(year), month, day)
    return next_occurrence(DateContext(ctx.today), month, day)


def bare_day(ctx: DateContext, day: int) -> dt.date | None:
    """Day ``day`` of the anchor's month (or today's), moved on a month until not too early."""
    start = ctx.anchor or ctx.today
    year, month = start.year, start.month
    for _ in range(14):
        candidate = safe_date(year, month, day)
        if candidate is not None and candidate >= ctx.earliest:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def weekday_date(ctx: DateContext, name: str, which: str) -> dt.date:
    target = DAYS[name.lower()]
    if which == "last":
        back = (ctx.today.weekday() - target) % 7 or 7
        return ctx.today - dt.timedelta(days=back)
    base = ctx.after if ctx.after and ctx.after > ctx.today else ctx.today
    ahead = (target - base.weekday()) % 7
    if ahead == 0:  # "friday" said on a Friday, or after a Friday departure: the next one
        ahead = 7
    return base + dt.timedelta(days=ahead)


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def numeric_readings(first: int, second: int, year: str | None, ctx: DateContext) -> list[dt.date]:
    """The days ``first/second[/year]`` can mean: day-first and month-first, when both exist."""
    readings: list[dt.date] = []
    for day, month in ((first, second), (second, first)):
        if not 1 <= month <= 12:
            continue
        if year:
            full = int(year) + (2000 if len(year) == 2 else 0)
            value = safe_date(full, month, day)
        else:
            value = next_occurrence(DateContext(ctx.today), month, day)
        if value is not None and value not in readings:
            readings.append(value)
    return readings


def day_number(text: str) -> int:
    """``"20th"`` → 20, ``"twenty-first"`` → 21."""
    word = " ".join(text.lower().split())
    return ORDINAL_WORDS[word] if word in ORDINAL_WORDS else int(re.sub(r"\D", "", word))
