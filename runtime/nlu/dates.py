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
dialogue can say what it did not understand instead of dropping it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from runtime.nlu.entities import NUMBER_PATTERN, Mention
from runtime.nlu.text import number_value

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_DAYS.update({"tues": 1, "weds": 2, "thurs": 3})
_ABBREVIATIONS = {name.lower(): i for i, name in enumerate(calendar.day_abbr)}
_ABBREVIATIONS.update({"thur": 3})
_WEEKDAY = "(?:" + "|".join(sorted(_DAYS, key=len, reverse=True)) + ")"
# "sun", "sat", "wed" are everyday words: an abbreviation needs "on", "next", ... before it.
_WEEKDAY_ABBR = "(?:" + "|".join(sorted(_ABBREVIATIONS, key=len, reverse=True)) + ")"
_DAYS.update(_ABBREVIATIONS)
_ORDINAL = r"(?:st|nd|rd|th)"
_UNITS = "first second third fourth fifth sixth seventh eighth ninth".split()  # noqa: SIM905
_ORDINAL_WORDS = {word: n for n, word in enumerate(_UNITS, start=1)}
_ORDINAL_WORDS.update({"tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13})
_ORDINAL_WORDS.update({"fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17})
_ORDINAL_WORDS.update({"eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30})
for _n, _word in enumerate(_UNITS, start=1):
    _ORDINAL_WORDS[f"twenty-{_word}"] = _ORDINAL_WORDS[f"twenty {_word}"] = 20 + _n
_ORDINAL_WORDS["thirty-first"] = _ORDINAL_WORDS["thirty first"] = 31
_ORDINAL_WORD = "|".join(sorted(_ORDINAL_WORDS, key=len, reverse=True))
# With a month, a day may be spelled out ("the first of may", "june twenty-first").
_DAY = rf"(?P<day>\d{{1,2}}{_ORDINAL}?|{_ORDINAL_WORD})"
_YEAR = r"(?:,?\s*(?P<year>\d{4}))?"
_PART = {"early": 5, "beginning of": 3, "start of": 3, "mid": 15, "middle of": 15}
_PART.update({"late": 25, "end of": 28})
_RANGE_LINK = r"\s*(?:-|–|—|to|till|until|thru|through)\s*"
_UNIT_AFTER = r"(?!\s*(?:days?|nights?|weeks?|months?|years?|people|persons?|adults?|of us)\b)"


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


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _next_occurrence(ctx: DateContext, month: int, day: int) -> dt.date | None:
    """Day ``day`` of ``month`` in the first year that puts it on or after the earliest day."""
    earliest = ctx.earliest
    for year in (earliest.year, earliest.year + 1, earliest.year + 4):
        candidate = _safe(year, month, day)
        if candidate is not None and candidate >= earliest:
            return candidate
    return None


def _month_day(ctx: DateContext, month: int, day: int, year: str | None) -> dt.date | None:
    """A named day and month: the next one from today whatever the anchor ("leaving may 20,
    back may 10" is a return before the departure, which the dialogue must point out)."""
    if year:
        return _safe(int(year), month, day)
    return _next_occurrence(DateContext(ctx.today), month, day)


def _bare_day(ctx: DateContext, day: int) -> dt.date | None:
    """Day ``day`` of the anchor's month (or today's), moved on a month until not too early."""
    start = ctx.anchor or ctx.today
    year, month = start.year, start.month
    for _ in range(14):
        candidate = _safe(year, month, day)
        if candidate is not None and candidate >= ctx.earliest:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _weekday(ctx: DateContext, name: str, which: str) -> dt.date:
    target = _DAYS[name.lower()]
    if which == "last":
        back = (ctx.today.weekday() - target) % 7 or 7
        return ctx.today - dt.timedelta(days=back)
    base = ctx.after if ctx.after and ctx.after > ctx.today else ctx.today
    ahead = (target - base.weekday()) % 7
    if ahead == 0:  # "friday" said on a Friday, or after a Friday departure: the next one
        ahead = 7
    return base + dt.timedelta(days=ahead)


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _numeric(first: int, second: int, year: str | None, ctx: DateContext) -> list[dt.date]:
    """The days ``first/second[/year]`` can mean: day-first and month-first, when both exist."""
    readings: list[dt.date] = []
    for day, month in ((first, second), (second, first)):
        if not 1 <= month <= 12:
            continue
        if year:
            full = int(year) + (2000 if len(year) == 2 else 0)
            value = _safe(full, month, day)
        else:
            value = _next_occurrence(DateContext(ctx.today), month, day)
        if value is not None and value not in readings:
            readings.append(value)
    return readings


Resolver = Callable[["re.Match[str]", DateContext], list[dt.date] | None]
"""Reads one pattern's match: the day(s) it means (two for an ambiguous numeric date), an
empty list for a date that cannot exist, ``None`` for "not a date after all"."""


def _iso(match: re.Match[str], ctx: DateContext) -> list[dt.date] | None:
    found = _safe(int(match["y"]), int(match["m"]), int(match["d"]))
    return [found] if found else []


def _day_number(text: str) -> int:
    """``"20th"`` → 20, ``"twenty-first"`` → 21."""
    word = " ".join(text.lower().split())
    return _ORDINAL_WORDS[word] if word in _ORDINAL_WORDS else int(re.sub(r"\D", "", word))


def _day_month(match: re.Match[str], ctx: DateContext) -> list[dt.date] | None:
    month = _MONTHS[match["month"].lower().rstrip(".")]
    found = _month_day(ctx, month, _day_number(match["day"]), match["year"])
    return [found] if found else []


def _part_of_month(match: re.Match[str], ctx: DateContext) -> list[dt.date] | None:
    month = _MONTHS[match["month"].lower().rstrip(".")]
    part = " ".join(match["part"].lower().split())
    found = _month_day(ctx, month, _PART[part], match["year"])
    return [found] if found else []


def _slashed(match: re.Match[str], ctx: DateContext) -> list[dt.date] | None:
    """``20/12``, ``12/20``, ``03/04/2027``: every reading that exists (two when ambiguous)."""
    readings = _numeric(int(match["a"]), int(match["b"]), match["y"], ctx)
    if not readings:
        return [] if match["y"] else None  # "45/60" is no date; "31/02/2027" is a bad one
    return readings


def _day_first(match: re.Match[str], ctx: DateContext) -> list[dt.date] | None:
    """``20.12.2027`` and ``20.12.``: day first, as everywhere dots are written."""
    day, month = int(match["a"]), int(match["b"])
    if not 1 <= month <= 12:
        return [] if match["y"] else None
    if match["y"]:
        found = _safe(int(match["y"]) + (2000 if len(match["y"]) == 2 else 0), month, day)
    else:
        found = _next_occurrence(DateContext(ctx.today), month, day)
    return [found] if found else []


def _ordinal_day(match: re.Match[str], ctx: DateContext) -> list[dt.date] | None:
    day = int(match["day"])
    if not 1 <= day <= 31:
        return None
    found = _bare_day(ctx, day)
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
    return [_weekday(ctx, match["weekday"], which)]


def _in_span(match: re.Match[str], ctx: DateContext) -> list[dt.date] | None:
    count = number_value(match["n"].lower())
    if not count or count <= 0 or count > 400:
        return None
    unit = match["unit"].lower()
    if unit.startswith("month"):
        return [_add_months(ctx.today, count)]
    return [ctx.today + dt.timedelta(days=count * (7 if unit.startswith("week") else 1))]


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
            rf"\b(?:the\s+)?{_DAY}\s+(?:of\s+)?(?P<month>{_MONTH})(?![a-z]){_YEAR}", re.IGNORECASE
        ),
        _day_month,
    ),
    (
        re.compile(
            rf"\b(?P<month>{_MONTH})\s+(?:the\s+)?{_DAY}\b(?!\s*:){_UNIT_AFTER}{_YEAR}",
            re.IGNORECASE,
        ),
        _day_month,
    ),
    (
        re.compile(
            r"\b(?P<part>early|late|mid|middle of|beginning of|start of|end of)[\s-]+"
            rf"(?P<month>{_MONTH})(?![a-z]){_YEAR}",
            re.IGNORECASE,
        ),
        _part_of_month,
    ),
    (
        re.compile(
            r"(?<![\d/.$€£¥])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?![\d/])"
            + _UNIT_AFTER
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
    (re.compile(rf"\bthe\s+(?P<day>\d{{1,2}}){_ORDINAL}\b", re.IGNORECASE), _ordinal_day),
    (
        re.compile(rf"\bon\s+the\s+(?P<day>\d{{1,2}})\b{_UNIT_AFTER}", re.IGNORECASE),
        _ordinal_day,
    ),
    (re.compile(rf"\b(?P<day>\d{{1,2}}){_ORDINAL}\b{_UNIT_AFTER}", re.IGNORECASE), _ordinal_day),
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
            r"\b(?:the\s+)?(?:day\s+after|next\s+day|following\s+day|day\s+before)\b"
            r"(?!\s+(?:tomorrow|yesterday|that))",
            re.IGNORECASE,
        ),
        _next_to_anchor,
    ),
    (re.compile(r"\b(?P<which>this|next|coming)\s+weekend\b", re.IGNORECASE), _weekend),
    (
        re.compile(
            rf"\b(?:(?P<which>next|this|coming|last)\s+)?(?P<weekday>{_WEEKDAY})\b", re.IGNORECASE
        ),
        _weekday_match,
    ),
    (
        re.compile(
            r"\b(?P<which>next|this|coming|last|on|by|until|till)\s+"
            rf"(?P<weekday>{_WEEKDAY_ABBR})\.?(?![a-z])",
            re.IGNORECASE,
        ),
        _weekday_match,
    ),
    (
        re.compile(
            rf"\bin\s+(?P<n>{NUMBER_PATTERN})\s+(?P<unit>days?|weeks?|months?)(?:'?\s*time)?\b",
            re.IGNORECASE,
        ),
        _in_span,
    ),
    (re.compile(r"\bnext\s+(?P<span>week|month)\b", re.IGNORECASE), _next_span),
)


_RANGE = re.compile(
    rf"\b(?P<d1>\d{{1,2}}){_ORDINAL}?{_RANGE_LINK}(?P<d2>\d{{1,2}}){_ORDINAL}?\s+(?:of\s+)?"
    rf"(?P<month>{_MONTH})(?![a-z]){_YEAR}"
    rf"|\b(?P<month2>{_MONTH})\s+(?P<e1>\d{{1,2}}){_ORDINAL}?{_RANGE_LINK}(?P<e2>\d{{1,2}})"
    rf"{_ORDINAL}?\b(?!\s*(?:{_MONTH}))",
    re.IGNORECASE,
)


def _ranges(text: str, ctx: DateContext) -> list[Mention]:
    """``5-12 april`` and ``april 5 to 12``: two mentions, the second resolved after the first."""
    found: list[Mention] = []
    for match in _RANGE.finditer(text):
        month_name = match["month"] or match["month2"]
        month = _MONTHS[month_name.lower().rstrip(".")]
        first_day = int(match["d1"] or match["e1"])
        second_day = int(match["d2"] or match["e2"])
        first = _month_day(ctx, month, first_day, match["year"])
        if first is None:
            continue
        second = (
            _safe(int(match["year"]), month, second_day)
            if match["year"]
            else _next_occurrence(DateContext(ctx.today, after=first), month, second_day)
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
    for pattern, resolve in _PATTERNS:
        for match in pattern.finditer(text):
            readings = resolve(match, ctx)
            if readings is None:
                continue
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
    return sorted(found, key=lambda m: m.start)


def parse_date(
    value: str, today: dt.date, *, anchor: dt.date | None = None, after: dt.date | None = None
) -> str | None:
    """The ISO day of the first date in ``value`` that reads one way only, else ``None``."""
    for mention in find_dates(value, today, anchor=anchor, after=after):
        if mention.value is not None:
            return str(mention.value)
    return None
