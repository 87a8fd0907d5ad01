"""PlanTrip: a day-by-day outline for the destination, the budget per day and its split."""

from __future__ import annotations

from typing import Any

from runtime.dialogue.context import Fulfilled, FulfilmentContext, Templates
from runtime.dialogue.money import budget_tier, format_money
from runtime.dialogue.weather import current_report, weather_line
from runtime.errors import NotFoundError, ProviderError
from runtime.model import BotModel
from runtime.providers.weather.base import WeatherProvider

SPLIT = (("stay", 0.40), ("food", 0.25), ("activities", 0.20), ("local transport", 0.15))
DAY_THEMES = (
    "arrive, check in and walk the old town",
    "main sights and a museum in the morning, a food market in the afternoon",
    "a day trip out of town",
    "neighbourhoods off the usual path, with a local food tour",
    "parks, viewpoints and shopping",
    "a slow morning, then the sight you missed",
)


class PlanFulfiller:
    """Writes the trip plan once destination, duration and budget are known."""

    def __init__(self, model: BotModel, weather: WeatherProvider | None) -> None:
        self._text = Templates(model, "PlanTrip")
        self._weather = weather

    def fulfil(self, slots: dict[str, Any], ctx: FulfilmentContext) -> Fulfilled:
        destination, days = str(slots["destination"]), int(slots["duration"])
        amount, currency = float(slots["budget"]["amount"]), str(slots["budget"]["currency"])
        daily = amount / days
        lines = [
            self._text(
                "fulfilled",
                duration=days,
                destination=destination,
                budget=format_money(amount, currency),
                daily_budget=format_money(round(daily), currency),
                tier=budget_tier(daily, currency),
            )
        ]
        split = ", ".join(
            f"{name} {format_money(round(daily * share), currency)}" for name, share in SPLIT
        )
        lines.append(f"Per day: {split}.")
        if ctx.variant == "concise":
            lines.append(f"Highlights: {DAY_THEMES[1]}; {DAY_THEMES[2]}; {DAY_THEMES[3]}.")
        else:
            lines.extend(self._outline(days))
        try:
            report = current_report(self._weather, destination)
        except (ProviderError, NotFoundError):
            report = None  # a plan without a weather hint is still a plan
        if report is not None:
            lines.append(
                self._text(
                    "weather_hint",
                    destination=destination,
                    weather=weather_line(report),
                )
            )
        lines.append(self._text("closing", destination=destination))
        return Fulfilled("\n".join(lines))

    @staticmethod
    def _outline(days: int) -> list[str]:
        if days == 1:
            return ["Day 1: the main sights, then dinner somewhere local."]
        middle = DAY_THEMES[1:]
        shown = min(days - 1, 6)
        outline = [f"Day 1: {DAY_THEMES[0]}."]
        outline += [f"Day {d}: {middle[(d - 2) % len(middle)]}." for d in range(2, shown + 1)]
        if days - 1 > shown:
            outline.append(f"Days {shown + 1}-{days - 1}: free days or a trip to somewhere nearby.")
        outline.append(f"Day {days}: a last breakfast and departure.")
        return outline
