"""Raw slot values as cloud NLUs return them, read into the ``/chat`` contract's forms.

Dialogflow gives structured parameters (``@sys.unit-currency`` as ``{"amount", "currency"}``,
``@sys.duration`` as ``{"amount", "unit"}``, the open place entity as ``{"city": ...}``); Lex
gives text. :class:`runtime.nlu.slots.SlotReader` reads text itself and uses these helpers for
the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from runtime.types import SlotValue

_DAYS_PER_UNIT = {"day": 1, "d": 1, "wk": 7, "week": 7, "mo": 30, "month": 30, "h": 0, "min": 0}


def structured_value(
    parser: str, raw: Mapping[str, Any], place: Callable[[str], str | None]
) -> SlotValue | None:
    """A structured raw value in the contract's form (``place`` resolves a place name), or
    None when it reads as nothing."""
    if parser == "place":
        names = [v for v in raw.values() if isinstance(v, str) and v.strip()]
        return place(names[0]) if names else None
    if (
        parser == "money"
        and isinstance(raw.get("amount"), int | float)
        and isinstance(raw.get("currency"), str)
    ):
        amount = raw["amount"]
        value = int(amount) if float(amount).is_integer() else round(float(amount), 2)
        return {"amount": value, "currency": raw["currency"].upper()} if value > 0 else None
    if parser == "duration" and isinstance(raw.get("amount"), int | float):
        factor = _DAYS_PER_UNIT.get(str(raw.get("unit", "day")).lower(), 1)
        days = int(raw["amount"] * factor)
        return days if days > 0 else None
    return None


def said(raw: Any) -> str:
    """The text of a raw slot value (Dialogflow's open place gives ``{"city": "..."}``)."""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, Mapping):
        return next((v.strip() for v in raw.values() if isinstance(v, str) and v.strip()), "")
    return ""
