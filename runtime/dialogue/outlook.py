"""Weather in words, shared by weather answers and trip plans: days, months, what to pack.

Also the turn's deadline for open-data lookups: the chat route's time budget when it set one,
and never more than the sources' own budget from now.
"""

from __future__ import annotations

import datetime as dt
import time

from runtime.dialogue.context import FulfilmentContext
from runtime.providers.weather.base import DailyForecast, TypicalWeather
from runtime.providers.web import Source

RAIN_CHANCE_PCT = 50
RAIN_DAY_MM = 2.0
RAINY_MONTH_SHARE = 0.25


def lookup_deadline(ctx: FulfilmentContext, budget_s: float) -> float:
    """When this turn's lookups must be done (a ``time.monotonic()`` instant)."""
    own = time.monotonic() + budget_s
    return own if ctx.deadline is None else min(own, ctx.deadline)


def parse_date(value: object) -> dt.date | None:
    """An ISO ``YYYY-MM-DD`` slot value as a date, or None."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def today_utc(ctx: FulfilmentContext) -> dt.date:
    """The UTC date of the turn."""
    return dt.datetime.fromtimestamp(ctx.now_ms / 1000, dt.UTC).date()


def _degrees(value: float) -> str:
    text = f"{value:.0f}"
    return "0" if text == "-0" else text


def temperature_range(low: float, high: float) -> str:
    """ "12 to 18°C" (reads well with negative numbers too: "-3 to 2°C")."""
    return f"{_degrees(low)} to {_degrees(high)}°C"


def day_sentence(day: DailyForecast) -> str:
    """ "light rain, 12-18°C, 70% chance of precipitation (2.4 mm)"."""
    words = f"{day.description}, {temperature_range(day.min_c, day.max_c)}"
    if day.precipitation_chance_pct is not None:
        words += f", {day.precipitation_chance_pct}% chance of precipitation"
        if day.precipitation_mm:
            words += f" ({day.precipitation_mm:.1f} mm)"
    elif day.precipitation_mm:
        words += f", {day.precipitation_mm:.1f} mm of precipitation"
    return words


def typical_sentence(place: str, typical: TypicalWeather) -> str:
    """ "Lisbon in March is typically 10-18°C, with rain on about 8 days (2021-2025 average)"."""
    return (
        f"{place} in {typical.month_name} is typically "
        f"{temperature_range(typical.mean_min_c, typical.mean_max_c)}, with rain on about "
        f"{typical.rainy_days:.0f} days ({typical.first_year}-{typical.last_year} average)"
    )


def packing_advice(low: float, high: float, wet: bool) -> str:
    """What to pack for this range of temperatures, and rain or not."""
    items: list[str] = []
    if wet:
        items.append("a rain jacket or umbrella")
    if low <= 0:
        items.append("a warm coat, hat and gloves")
    elif low <= 8:
        items.append("a warm jacket")
    elif low <= 14:
        items.append("layers for cool evenings")
    if high >= 28:
        items.append("light clothes, sunscreen and water")
    if not items:
        items.append("light layers")
    if len(items) == 1:
        return f"pack {items[0]}"
    return f"pack {', '.join(items[:-1])} and {items[-1]}"


def advice_for_days(days: list[DailyForecast]) -> str:
    """Packing advice for forecast days."""
    wet = any(
        (d.precipitation_chance_pct or 0) >= RAIN_CHANCE_PCT
        or (d.precipitation_mm or 0) >= RAIN_DAY_MM
        for d in days
    )
    return packing_advice(min(d.min_c for d in days), max(d.max_c for d in days), wet)


def advice_for_month(typical: TypicalWeather) -> str:
    """Packing advice for a month's usual weather."""
    wet = typical.rainy_share >= RAINY_MONTH_SHARE
    return packing_advice(typical.mean_min_c, typical.mean_max_c, wet)


def cite(source: Source) -> str:
    """ "Open-Meteo (https://open-meteo.com/)"."""
    return f"{source.name} ({source.url})"
