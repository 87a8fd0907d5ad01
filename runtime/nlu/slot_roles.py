"""Which slot a mention fills: the cue words around places and dates, and a bare budget.

:class:`runtime.nlu.slots.SlotReader` finds the mentions; the rules here decide their roles:

- a place after "from" is the origin, after "to"/"in" the destination, and "change the origin
  to X" names its slot explicitly;
- a date after "back", "return", "until" or at the far end of a range ("5 april to 12 april",
  "may 1 - may 15") is the return date, one after "leaving"/"departing" the departure (a lone
  date is the return when the message speaks of coming back and not of leaving: "can I come
  back a few days later, on the 30th?"), and an uncued one fills the slot being asked for,
  else the departure, else the return;
- "budget 2000" (no currency) keeps the currency of the budget already known, and a currency
  without an amount ("pounds, not dollars", "in euros") keeps its amount;
- a length of time in a flight search is a stay: "for 10 days" and "back a week later" put the
  return that many days after the departure; "leave two days later" (or "a day earlier" with no
  return to move) moves the departure and "come back a day earlier" the return;
- a value the message rules out ("not Lisbon, Porto", "Paris instead of Rome") fills nothing;
- a lone number changing a plan ("make it 1500 instead", "10 then") is its budget when large,
  in the budget's currency, else its length in days.

A mention that reads two ways (both days of "03/04/2027", several places called Portland) lands
in :attr:`SlotReading.ambiguous`, one that cannot be read at all ("30 february") in
:attr:`SlotReading.unresolved`, so the dialogue can ask or say so.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from runtime.nlu.entities import Mention, parse_money
from runtime.nlu.gazetteer import DESTINATION_CUES, ORIGIN_CUES
from runtime.types import SlotValue

_RANGE_LINK = re.compile(r"\s*(?:-|–|—|to|till|until|thru|through)\s*", re.IGNORECASE)
_RETURN_CUE = re.compile(
    r"\b(?:back|return|returning|returns|return date|come home|coming home|home on|fly home|"
    r"flying home|get home|until|till)\b[^,.;]{0,20}$",
    re.IGNORECASE,
)
_DEPART_CUE = re.compile(
    r"\b(?:leave|leaving|depart|departing|departure|outbound|out on|go out|going out|"
    r"fly out|flying out|there on|going on)\b[^,.;]{0,20}$",
    re.IGNORECASE,
)
_RETURN_ANYWHERE = re.compile(
    r"\b(?:back|returning|come home|coming home|fly home|flying home|"
    r"return(?! (?:flights?|tickets?|trips?|journey)))\b",
    re.IGNORECASE,
)
_DEPART_ANYWHERE = re.compile(
    r"\b(?:leave|leaving|depart|departing|departure|outbound|fly out|flying out)\b", re.I
)
_ORIGIN_NAMED = re.compile(
    r"\b(?:origin|departure(?: city| airport)?|starting point|home airport)\b[^,.;]{0,20}$",
    re.IGNORECASE,
)
_NAMING_CUES = frozenset({"to", "is", "be", "as"})
_NEGATED = re.compile(r"\b(?:not|instead of|rather than|no longer|except)\s*$", re.IGNORECASE)
_BARE_BUDGET = re.compile(
    r"\bbudget\b(?:\s+(?:of|to|is|at|be|now|up to|around|about|roughly))*\s*[:=]?\s*"
    r"(?P<amount>\d[\d,]*(?:\.\d+)?\s*(?:k|grand|thousand)?)(?![\w.,]*\s*[%])\b",
    re.IGNORECASE,
)
_SPENDING = re.compile(
    r"\b(?:with|have|got|spend|spending)"
    r"(?:\s+(?:a|about|around|roughly|approximately|up to|max|maximum|only|just|under))*\s+"
    r"(?P<amount>\d{1,3}(?:,\d{3})+|\d{3,}(?:\.\d+)?|\d+(?:\.\d+)?\s*(?:k|grand|thousand))\b"
    r"(?!\s*(?:days?|nights?|weeks?|months?|years?|people|persons?|adults?|kids?|children"
    r"|friends|travell?ers|guests|of\b|%|[a-z]{1,2}\b))",
    re.IGNORECASE,
)
"""An amount without a currency after a word of spending: "with 8k", "we have about 2000",
"spend 1500". Only a sum (three digits or more, or with k/grand/thousand), and never one that
counts days or people ("with 2 kids", "have 3 days", "with 100 people")."""


@dataclass
class SlotReading:
    """Slots read from one message: values, ambiguous mentions, unreadable mentions."""

    slots: dict[str, SlotValue] = field(default_factory=dict)
    ambiguous: dict[str, tuple[str, ...]] = field(default_factory=dict)
    unresolved: dict[str, str] = field(default_factory=dict)

    @property
    def taken(self) -> set[str]:
        """Slots this message already speaks to, read or not."""
        return set(self.slots) | set(self.ambiguous) | set(self.unresolved)

    def put(self, slot: str, mention: Mention, text: str) -> None:
        """Record ``mention`` for ``slot`` as a value, the values it may mean, or its text."""
        if mention.value is not None:
            self.slots[slot] = mention.value
        elif mention.options:
            self.ambiguous[slot] = tuple(str(option) for option in mention.options)
        elif text:
            self.unresolved[slot] = text[mention.start : mention.end]


def negated(mention: Mention, text: str) -> bool:
    """True for a value the message rules out: "not Lisbon, Porto", "Paris instead of Rome"."""
    return (
        bool(text) and _NEGATED.search(text[max(0, mention.start - 16) : mention.start]) is not None
    )


def place_role(mention: Mention, text: str) -> str:
    """``origin``, ``destination`` or ``""`` (no cue) for a place mention of ``text``."""
    if mention.cue in ORIGIN_CUES:
        return "origin"
    before = text[max(0, mention.start - 40) : mention.start]
    if mention.cue in _NAMING_CUES and _ORIGIN_NAMED.search(before):
        return "origin"
    if mention.cue in DESTINATION_CUES:
        return "destination"
    return ""


def date_roles(
    dates: Sequence[Mention], text: str, date_slots: Sequence[str], eliciting: str | None
) -> list[str | None]:
    """The slot each date mention fills (None: no slot left), in the order given."""
    if not date_slots:
        return [None] * len(dates)
    if "returnDate" not in date_slots:
        return [date_slots[0] if index == 0 else None for index in range(len(dates))]
    roles: list[str | None] = []
    previous_end = 0
    for index, mention in enumerate(dates):
        before = text[previous_end : mention.start] if text else ""
        if (index > 0 and _RANGE_LINK.fullmatch(before)) or _RETURN_CUE.search(before):
            roles.append("returnDate")
        elif _DEPART_CUE.search(before):
            roles.append("date")
        else:
            roles.append("")
        previous_end = mention.end
    if roles == [""] and text:  # one date, its cue further back: "come back later, on the 30th"
        before = text[: dates[0].start]
        if _RETURN_ANYWHERE.search(before) and not _DEPART_ANYWHERE.search(before):
            roles = ["returnDate"]
    taken = {role for role in roles if role}
    for index, role in enumerate(roles):
        if role:
            continue
        order = [eliciting] if eliciting in date_slots else []
        order += [slot for slot in ("date", "returnDate") if slot not in order]
        free = next((slot for slot in order if slot not in taken), None)
        roles[index] = free
        if free is not None:
            taken.add(free)
    return roles


_BARE_NUMBER = re.compile(r"(?<![\w$€£¥.,/-])(?P<n>\d{1,6})(?![\w%/.,-]|\s*(?:am|pm|people)\b)")


def bare_number(text: str, mentions: Sequence[Mention]) -> int | None:
    """The one number of a message that is part of no mention ("make it 1500 instead")."""
    found = [
        int(m["n"])
        for m in _BARE_NUMBER.finditer(text)
        if not any(x.start <= m.start() < x.end for x in mentions)
    ]
    return found[0] if len(found) == 1 and found[0] > 0 else None


def bare_budget(text: str, known: SlotValue | None) -> dict[str, SlotValue] | None:
    """ "budget 2000" or "with 8k" without a currency: that amount in the known budget's
    currency (else USD)."""
    match = _BARE_BUDGET.search(text) or _SPENDING.search(text)
    if match is None:
        return None
    currency = "USD"
    if isinstance(known, dict) and isinstance(known.get("currency"), str):
        currency = str(known["currency"])
    return parse_money(match["amount"], default_currency=currency)


def recurrenced(known: SlotValue | None, currencies: set[str]) -> dict[str, Any] | None:
    """The known budget in the one currency a message names without an amount ("sorry, pounds
    not dollars": the amount stays, the currency changes); None when no budget is known, or no
    currency, or several."""
    if not isinstance(known, dict) or len(currencies) != 1:
        return None
    amount = known.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        return None
    currency = next(iter(currencies))
    if currency == known.get("currency"):
        return None
    return {"amount": amount, "currency": currency}


_SHIFT = re.compile(r"\s*(?:(?P<later>later|after(?:wards)?)|(?P<earlier>earlier|before))\b", re.I)


def stay_dates(
    stay: Mention,
    text: str,
    *,
    departure: dt.date | None,
    known_departure: dt.date | None,
    known_return: dt.date | None,
) -> dict[str, SlotValue]:
    """The flight dates a length of time sets (``stay.value`` days): "for 10 days" and "back a
    week later" give the return that long after ``departure``; "leave two days later" moves the
    known departure (so does "a day earlier?" of a search with no return), "come back a day
    earlier" the known return. Empty when the date it counts from is not known."""
    days = int(stay.value)
    shift = _SHIFT.match(text[stay.end :])
    before = text[: stay.start]
    if shift is not None and known_departure is not None:
        moves_departure = _DEPART_CUE.search(before) is not None or (
            known_return is None and _RETURN_ANYWHERE.search(before) is None
        )
        if moves_departure:  # "leave two days later"; "a day earlier?" of a one-way search
            delta = days if shift["later"] else -days
            return {"date": (known_departure + dt.timedelta(days=delta)).isoformat()}
    if shift is not None and shift["earlier"] and known_return is not None:
        return {"returnDate": (known_return - dt.timedelta(days=days)).isoformat()}
    if departure is None:
        return {}
    return {"returnDate": (departure + dt.timedelta(days=days)).isoformat()}
