"""CheckWeather: the weather now, on the day asked, or what that month is usually like.

Only ever from a weather source, and every answer names it. The place's coordinates come from
the gazetteer. With a ``date`` slot: a day within the forecast gets that day's forecast; a day
past it gets the month's usual weather, labelled as typical; a day already past is said to be
so. Without one: current conditions and the next days, or, when the message named a month
without a day ("weather in Oslo in march", :attr:`FulfilmentContext.month`), what that month is
usually like. A source that fails or times out gives a short apology within the turn's
deadline, never a guess.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from runtime.dialogue.context import Fulfilled, FulfilmentContext, Templates, WeatherAnswer
from runtime.dialogue.display import human_date
from runtime.dialogue.outlook import (
    cite,
    day_sentence,
    lookup_deadline,
    parse_date,
    temperature_range,
    today_utc,
    typical_sentence,
)
from runtime.errors import NotFoundError, ProviderError
from runtime.model import BotModel
from runtime.providers.geo import Place
from runtime.providers.open_data import OpenData
from runtime.providers.weather.base import TypicalWeather, WeatherReport

NEXT_DAYS = 5
NO_PLACE = "I know {destination} by name but not where it lies, so I can't look up its weather."
PAST_DATE = "{date} has already passed, so here is the weather now instead."
DAY_FORECAST = "Forecast for {destination} on {date}: {weather}."
BEYOND_FORECAST = (
    "{date} is beyond the {days}-day forecast, so here is what is typical instead: {typical}."
)
MONTH_TYPICAL = "{typical}."


def sentence_case(text: str) -> str:
    """ "light rain" → "Light rain" (the rest as the source wrote it)."""
    return text[:1].upper() + text[1:]


def shown_day(day: dt.date, today: dt.date) -> str:
    """A day as the reply shows it: "Sat 6 Mar" (with the year when it is not this year's)."""
    return human_date(day.isoformat(), today)


def weather_line(report: WeatherReport) -> str:
    """A one-line summary of the current weather."""
    return f"{report.description}, {report.temp_c:.0f}°C"


def typical_answer(
    place: str, typical: TypicalWeather, *, date: str | None = None, month: str | None = None
) -> WeatherAnswer:
    """A month's usual weather as an answer's values (for the day or the month asked)."""
    return WeatherAnswer(
        kind="typical",
        place=place,
        summary=f"Typical {typical.month_name}: rain on about {typical.rainy_days:.0f} days",
        date=date,
        month=month,
        low_c=typical.mean_min_c,
        high_c=typical.mean_max_c,
    )


class WeatherFulfiller:
    """Answers a weather question for a destination (and, optionally, a date)."""

    def __init__(self, model: BotModel, sources: OpenData | None) -> None:
        self._text = Templates(model, "CheckWeather")
        self._sources = sources

    def fulfil(self, slots: dict[str, Any], ctx: FulfilmentContext) -> Fulfilled:
        """The weather answer; ``Failed`` when nothing could be looked up."""
        destination = str(slots["destination"])
        sources = self._sources
        if sources is None or not sources.weather.configured:
            return Fulfilled(self._text("not_configured", destination=destination), "Failed")
        place = sources.places(destination) if sources.places is not None else None
        if place is None:
            return Fulfilled(NO_PLACE.format(destination=destination), "Failed")
        deadline = lookup_deadline(ctx, sources.budget_s)
        asked = parse_date(slots.get("date"))
        today = today_utc(ctx)
        try:
            if asked is None and ctx.month:
                return self._month(place, destination, ctx.month, deadline)
            if asked is None:
                return self._now(place, destination, "", today, deadline)
            ahead = (asked - today).days
            if ahead < -1:  # -1: it may still be yesterday's date where the place is
                note = PAST_DATE.format(date=shown_day(asked, today)) + " "
                return self._now(place, destination, note, today, deadline)
            if ahead < sources.weather.forecast_days - 1:
                return self._day(place, destination, asked, today, deadline)
            return self._typical(place, destination, asked, today, deadline)
        except NotFoundError:
            return Fulfilled(self._text("unknown_city", destination=destination), "Failed")
        except ProviderError as exc:
            key = "not_configured" if exc.kind == "unconfigured" else "unavailable"
            return Fulfilled(self._text(key, destination=destination), "Failed")

    def _now(
        self, place: Place, destination: str, note: str, today: dt.date, deadline: float
    ) -> Fulfilled:
        assert self._sources is not None
        report = self._sources.weather.report(place, deadline=deadline)
        reply = note + self._text(
            "fulfilled",
            destination=destination,
            description=report.description,
            temp=f"{report.temp_c:.0f}°C",
            feels_like=f"{report.feels_like_c:.0f}°C",
            humidity=report.humidity_pct,
            wind=f"{report.wind_ms:.0f}",
        )
        coming = [d for d in report.forecast if d.date > report.today][:NEXT_DAYS]
        if coming:
            days = "; ".join(
                f"{human_date(d.date, today)} {d.description}, "
                f"{temperature_range(d.min_c, d.max_c)}"
                for d in coming
            )
            reply += " " + self._text("forecast", forecast=days)
        reply += f" Source: {cite(report.source)}."
        local_day = report.day(report.today) if report.today else None
        answer = WeatherAnswer(
            kind="now",
            place=destination,
            summary=f"{sentence_case(report.description)}, {report.temp_c:.0f} °C now",
            low_c=local_day.min_c if local_day else None,
            high_c=local_day.max_c if local_day else None,
            precipitation_chance=local_day.precipitation_chance_pct if local_day else None,
        )
        return Fulfilled(reply, details=answer)

    def _day(
        self, place: Place, destination: str, asked: dt.date, today: dt.date, deadline: float
    ) -> Fulfilled:
        assert self._sources is not None
        ahead = max(0, (asked - today).days)
        report = self._sources.weather.report(place, days_ahead=ahead, deadline=deadline)
        day = report.day(asked.isoformat())
        if day is None:  # the place's calendar is a day off the UTC one: past the forecast's end
            return self._typical(place, destination, asked, today, deadline)
        forecast = DAY_FORECAST.format(
            destination=destination, date=shown_day(asked, today), weather=day_sentence(day)
        )
        answer = WeatherAnswer(
            kind="forecast",
            place=destination,
            summary=sentence_case(day.description),
            date=asked.isoformat(),
            low_c=day.min_c,
            high_c=day.max_c,
            precipitation_chance=day.precipitation_chance_pct,
        )
        reply = f"{forecast} Source: {cite(report.source)}."
        return Fulfilled(reply, details=answer, shows=forecast)

    def _month(self, place: Place, destination: str, month: str, deadline: float) -> Fulfilled:
        """What the month named ("in march") is usually like, labelled as typical."""
        assert self._sources is not None
        typical = self._sources.weather.typical(place, int(month[5:7]), deadline=deadline)
        said = MONTH_TYPICAL.format(typical=typical_sentence(destination, typical))
        answer = typical_answer(destination, typical, month=month)
        return Fulfilled(f"{said} Source: {cite(typical.source)}.", details=answer, shows=said)

    def _typical(
        self, place: Place, destination: str, asked: dt.date, today: dt.date, deadline: float
    ) -> Fulfilled:
        assert self._sources is not None
        typical = self._sources.weather.typical(place, asked.month, deadline=deadline)
        reply = BEYOND_FORECAST.format(
            date=shown_day(asked, today),
            days=self._sources.weather.forecast_days,
            typical=typical_sentence(destination, typical),
        )
        reply += f" Source: {cite(typical.source)}."
        answer = typical_answer(destination, typical, date=asked.isoformat())
        return Fulfilled(reply, details=answer)
