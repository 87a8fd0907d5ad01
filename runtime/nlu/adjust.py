"""Relative changes to a known trip length or budget: "two more days", "a day shorter",
"double the budget", "500 more".

People refine a plan by how much it changes as often as by its new value. Read alone, "add two
days" would set the length to two; against the length the dialogue already holds it is that
length plus two. These readers only apply when the value they change is known.
"""

from __future__ import annotations

import re
from typing import Any

from runtime.nlu.entities import NUMBER_PATTERN
from runtime.nlu.text import number_value

_UNIT_DAYS = {"day": 1, "night": 1, "week": 7}
_MORE = r"more|extra|additional|longer"
_LESS = r"fewer|less|shorter"
_ADD = r"add|another|plus|extend(?: it| the trip)? by|an extra"
_CUT = r"cut|remove|drop|minus|take off|shorten(?: it| the trip)? by|lose"
_UNIT = r"(?P<unit>day|night|week)s?"
_DURATION_CHANGES = (
    # "two more days", "3 fewer nights", "a day longer"
    re.compile(
        rf"\b(?P<num>{NUMBER_PATTERN})\s+(?:(?P<more>{_MORE})|(?P<less>{_LESS}))\s+{_UNIT}\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?P<num>{NUMBER_PATTERN})\s+{_UNIT}\s+(?:(?P<more>{_MORE})|(?P<less>{_LESS}))\b",
        re.IGNORECASE,
    ),
    # "add two days", "another day", "cut a day", "extend it by a week"
    re.compile(
        rf"\b(?:(?P<more>{_ADD})|(?P<less>{_CUT}))\s+(?:(?P<num>{NUMBER_PATTERN})\s+)?"
        rf"(?:more\s+|extra\s+)?{_UNIT}\b",
        re.IGNORECASE,
    ),
)
_AMOUNT = r"(?P<amount>[$€£¥]?\s?\d[\d,]*(?:\.\d+)?\s*(?:k|grand)?)"
_BUDGET_FACTORS = (
    (re.compile(r"\b(?:double|twice)\b", re.IGNORECASE), 2.0),
    (re.compile(r"\b(?:halve|half)\b", re.IGNORECASE), 0.5),
)
_BUDGET_CHANGES = (
    re.compile(rf"{_AMOUNT}\s+(?:(?P<more>more|extra)|(?P<less>less))\b", re.IGNORECASE),
    re.compile(
        rf"\b(?:(?P<more>add|another|plus|increase (?:it|the budget) by|raise (?:it|the budget) "
        rf"by)|(?P<less>cut (?:it|the budget) by|reduce (?:it|the budget) by|lower (?:it|the "
        rf"budget) by|minus))\s+(?:an extra\s+|another\s+)?{_AMOUNT}",
        re.IGNORECASE,
    ),
)
_BUDGET_WORDS = re.compile(r"\b(?:budget|money|spend|spending|it)\b", re.IGNORECASE)


def _count(word: str | None) -> int:
    if not word:
        return 1  # "another day", "a day longer"
    value = number_value(word.lower())
    return value if value is not None else 0


def changed_duration(text: str, known: object) -> int | None:
    """The known length of ``known`` days changed as ``text`` says, or None when it says no
    such change (or the length is not known)."""
    if isinstance(known, bool) or not isinstance(known, int):
        return None
    for pattern in _DURATION_CHANGES:
        match = pattern.search(text)
        if match is None:
            continue
        days = _count(match["num"]) * _UNIT_DAYS[match["unit"].lower()]
        changed = known + days if match["more"] else known - days
        return changed if days and changed > 0 else None
    return None


def changed_budget(text: str, known: object) -> dict[str, Any] | None:
    """The known budget changed as ``text`` says ("double the budget", "500 more"), in its
    currency, or None when it says no such change (or no budget is known)."""
    if not isinstance(known, dict) or not isinstance(known.get("amount"), int | float):
        return None
    amount = float(known["amount"])
    currency = str(known.get("currency", "USD"))
    for pattern, factor in _BUDGET_FACTORS:
        if pattern.search(text) and _BUDGET_WORDS.search(text):
            return _money(amount * factor, currency)
    for pattern in _BUDGET_CHANGES:
        match = pattern.search(text)
        if match is None:
            continue
        raw = re.sub(r"[^\d.k]", "", match["amount"].lower().replace("grand", "k"))
        delta = float(raw.rstrip("k") or 0) * (1000 if raw.endswith("k") else 1)
        changed = amount + delta if match["more"] else amount - delta
        return _money(changed, currency) if delta and changed > 0 else None
    return None


def _money(amount: float, currency: str) -> dict[str, Any]:
    value = int(amount) if float(amount).is_integer() else round(amount, 2)
    return {"amount": value, "currency": currency}
