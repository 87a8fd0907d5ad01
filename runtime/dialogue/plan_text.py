"""A :class:`~runtime.dialogue.trip.TripPlan` written out as the plain-text reply.

One line per part, in the order a reader needs them: the headline (bot model template), an
honest warning when the budget cannot work there, the money in the local currency, the daily
split, the days, the weather and what to pack, what could not be fetched, the sources, and the
offer of flights (bot model template).
"""

from __future__ import annotations

from runtime.dialogue.context import Templates
from runtime.dialogue.display import human_date
from runtime.dialogue.money import format_money
from runtime.dialogue.trip import GENERAL_THEMES, Money, TripPlan

CONCISE_HIGHLIGHTS = 3
#: Said before days that name no sight; a sentence of its own, so that it still reads right
#: where a client shows the days as a card instead of these lines.
GENERAL_NOTE = "The days below are a general outline (no sights to name yet)."


def money(value: Money) -> str:
    """An amount as people read it, rounded to whole units."""
    return format_money(round(value.amount), value.currency)


def _both(amount: Money, local: Money | None) -> str:
    if local is None or local.currency == amount.currency:
        return money(amount)
    return f"{money(amount)} ({money(local)})"


def render(plan: TripPlan, text: Templates, *, concise: bool = False) -> str:
    """The reply for ``plan``; ``concise`` lists highlights instead of every day."""
    lines = [
        text(
            "fulfilled",
            duration=plan.days,
            destination=plan.destination,
            budget=money(plan.budget),
            daily_budget=money(plan.daily),
            tier=plan.tier,
        )
    ]
    if plan.too_low and plan.floor is not None:
        lines.append(
            f"Heads-up: {money(plan.daily)} a day is below what the cheapest beds and meals "
            f"listed for {plan.destination} cost (about {money(plan.floor)} a day), so this "
            "budget will not cover the trip as planned."
        )
    local = _local_money(plan)
    if local:
        lines.append(local)
    basis = (
        f"weighted by prices listed for {plan.destination}"
        if plan.split_basis == "local-prices"
        else "a typical split; no local prices to go by"
    )
    split = ", ".join(f"{line.name} {_both(line.amount, line.local)}" for line in plan.split)
    lines.append(f"Per day ({basis}): {split}.")
    if not concise and not any(day.sights for day in plan.itinerary):
        lines.append(GENERAL_NOTE)
    lines.append(days_text(plan, concise=concise))
    if plan.weather is not None:
        lines.append(f"Weather: {plan.weather.text}: {plan.weather.advice}.")
    if plan.unavailable:
        parts = plan.unavailable
        listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
        lines.append(f"I couldn't get {listed} just now, so this plan goes without.")
    if plan.sources:
        lines.append("Sources: " + "; ".join(f"{s.name} ({s.url})" for s in plan.sources) + ".")
    lines.append(text("closing", destination=plan.destination))
    return "\n".join(lines)


def days_text(plan: TripPlan, *, concise: bool = False) -> str:
    """The days of the reply, one line each ("Day 1: …."), or the highlights line of the
    concise variant: the part of the reply a plan card presents (its ``replyText``)."""
    named = [s.name for day in plan.itinerary for s in day.sights]
    if not concise:
        return "\n".join(f"Day {day.day}: {day.sentence()}." for day in plan.itinerary)
    picks = named[:CONCISE_HIGHLIGHTS]
    if not picks:
        picks = ["a general outline: " + GENERAL_THEMES[0], *GENERAL_THEMES[1:CONCISE_HIGHLIGHTS]]
    return f"Highlights: {'; '.join(picks)}."


def _local_money(plan: TripPlan) -> str:
    rate, total, daily = plan.rate, plan.local_total, plan.local_daily
    if rate is None or total is None or daily is None or rate.quote == plan.budget.currency:
        return ""
    return (
        f"In {plan.country or plan.destination} you pay in {rate.quote}: {money(plan.budget)} is "
        f"about {money(total)} at the ECB reference rate of {human_date(rate.date)} "
        f"(1 {rate.base} = {rate.rate:.4g} {rate.quote}), {money(daily)} a day."
    )
