"""Slot values as people read them, and the bot model's templates filled with them.

Slots stay in the contract's forms (ISO dates, ``{amount, currency}``); what a reply shows is
"Fri 4 Dec", "$1,500", "7". A template whose placeholders are not all known falls back to a
shorter form instead of failing ("How long will your trip be?" before a destination is known).
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Mapping

from runtime.dialogue.money import format_money
from runtime.model import BotModel, Intent
from runtime.types import SlotValue

_OPTIONAL_PLACEHOLDER = re.compile(r"\s*(?:for|in|to|from) \{\w+\}[^ ?]*")
_PLACEHOLDER = re.compile(r"\{\w+\}\s*")


def human_date(iso: str, today: dt.date | None = None) -> str:
    """``2027-12-04`` → ``Sat 4 Dec`` (with the year when it is not ``today``'s)."""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    text = f"{day:%a} {day.day} {day:%b}"
    return text if today is None or day.year == today.year else f"{text} {day.year}"


def display(value: SlotValue, today: dt.date | None = None) -> str:
    """A slot value as it reads in a sentence."""
    if isinstance(value, dict):
        return format_money(float(value["amount"]), str(value["currency"]))
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return human_date(value, today)
    return str(value)


def either(items: list[str]) -> str:
    """Choices as a reply lists them: "Lisbon, Porto or Funchal" ("" for none)."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} or {items[-1]}"


def shown(slots: Mapping[str, SlotValue], today: dt.date | None = None) -> dict[str, str]:
    """Every slot as it reads in a sentence."""
    return {name: display(value, today) for name, value in slots.items()}


def fill(template: str, values: Mapping[str, str]) -> str | None:
    """``template`` with ``values``, or None when one of its placeholders has no value."""
    names = [field for _, field, _, _ in string.Formatter().parse(template) if field]
    if any(name not in values for name in names):
        return None
    return template.format(**{name: values[name] for name in names})


def prompt(intent: Intent, slot_name: str, values: Mapping[str, str]) -> str:
    """The prompt for ``slot_name``, without the parts that name what is not known yet."""
    slot = intent.slot(slot_name)
    if slot is None:
        raise KeyError(f"{intent.name}.{slot_name}")
    filled = fill(slot.prompt, values)
    if filled is not None:
        return filled
    shorter = _OPTIONAL_PLACEHOLDER.sub("", slot.prompt)
    return fill(shorter, values) or _PLACEHOLDER.sub("", shorter)


def response(model: BotModel, key: str, values: Mapping[str, str], intent: str = "") -> str:
    """A reply template (of ``intent``, else a model-wide one) filled; ``""`` when it is
    missing or a placeholder has no value."""
    responses = model.intent(intent).responses if intent else model.responses
    template = responses.get(key)
    return (fill(template, values) or "") if template else ""


def task_label(model: BotModel, intent: str, values: Mapping[str, str]) -> str:
    """What a task is called in a reply: "your Tokyo trip", "your flight search"."""
    return (
        response(model, "task", values, intent)
        or response(model, "task_open", values, intent)
        or "your request"
    )


def lower_first(text: str) -> str:
    """``"How long…"`` → ``"how long…"`` (to continue a sentence)."""
    return text[:1].lower() + text[1:] if text[:1].isupper() and text[1:2].islower() else text
