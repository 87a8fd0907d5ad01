"""Slot extraction and normalisation, shared by every NLU.

:class:`SlotReader` finds typed mentions in a message (places, durations, money, dates),
assigns them to an intent's slots, and normalises raw values that cloud NLUs return (Lex's
``interpretedValue``, Dialogflow's parameters) into the ``/chat`` contract's forms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from runtime.model import BotModel, Intent
from runtime.nlu.entities import (
    Mention,
    find_dates,
    find_durations,
    find_money,
    parse_date,
    parse_duration,
    parse_money,
)
from runtime.nlu.gazetteer import DESTINATION_CUES, ORIGIN_CUES, Gazetteer
from runtime.types import SlotValue

PLACEHOLDERS = {
    "place": "__place__",
    "duration": "__duration__",
    "money": "__money__",
    "date": "__date__",
}
_PRIORITY = {"money": 0, "duration": 1, "date": 2, "place": 3}


def utc_today() -> dt.date:
    """Today's date in UTC (dates in the contract are calendar days, resolved in UTC)."""
    return dt.datetime.now(dt.UTC).date()


class SlotReader:
    """Finds, assigns and normalises slot values for one bot model."""

    def __init__(
        self, model: BotModel, gazetteer: Gazetteer, today: Callable[[], dt.date] = utc_today
    ) -> None:
        self._model = model
        self.gazetteer = gazetteer
        self._today = today

    def mentions(self, text: str) -> list[Mention]:
        """Non-overlapping typed mentions, in text order (longer and more specific spans win)."""
        candidates = [
            *find_money(text),
            *find_durations(text),
            *find_dates(text, self._today()),
            *self.gazetteer.find(text),
        ]
        candidates.sort(key=lambda m: (-(m.end - m.start), _PRIORITY[m.kind]))
        chosen: list[Mention] = []
        for mention in candidates:
            if not any(mention.overlaps(c) for c in chosen):
                chosen.append(mention)
        return sorted(chosen, key=lambda m: m.start)

    @staticmethod
    def placeholdered(text: str, mentions: Sequence[Mention]) -> str:
        """``text`` with every mention replaced by its type placeholder (for the classifier)."""
        out: list[str] = []
        last = 0
        for mention in mentions:
            out.extend((text[last : mention.start], f" {PLACEHOLDERS[mention.kind]} "))
            last = mention.end
        out.append(text[last:])
        return "".join(out)

    def assign(
        self, intent: Intent, mentions: Sequence[Mention], eliciting: str | None = None
    ) -> dict[str, SlotValue]:
        """Map mentions onto ``intent``'s slots.

        Places go by their cue word ("from X" → origin, "to X" → destination); a place without a
        cue fills the slot being elicited, else the destination, else the origin. Other kinds
        fill the first slot of their type.
        """
        slots: dict[str, SlotValue] = {}
        by_parser: dict[str, list[str]] = {}
        for slot in intent.slots:
            by_parser.setdefault(self._model.slot_types[slot.type].parser, []).append(slot.name)
        place_slots = by_parser.get("place", [])
        uncued: list[Mention] = []
        for mention in mentions:
            if mention.kind != "place":
                names = by_parser.get(mention.kind, [])
                free = [n for n in names if n not in slots]
                if free:
                    slots[eliciting if eliciting in free else free[0]] = mention.value
                continue
            role = (
                "origin"
                if mention.cue in ORIGIN_CUES
                else ("destination" if mention.cue in DESTINATION_CUES else "")
            )
            if role in place_slots and role not in slots:
                slots[role] = mention.value
            else:
                uncued.append(mention)
        # "London to Paris": an uncued place before a cued destination is the origin.
        order = sorted(place_slots, key=lambda n: (n != eliciting, n != "destination"))
        for mention in uncued:
            free = [n for n in order if n not in slots]
            if free:
                slots[free[0]] = mention.value
        return slots

    def normalize(self, intent: str, slot: str, raw: Any) -> SlotValue | None:
        """A cloud NLU's raw slot value in the contract's form, or ``None`` when unreadable."""
        try:
            parser = self._model.slot_type_of(intent, slot).parser
        except KeyError:
            return None
        if isinstance(raw, dict):
            return self._normalize_structured(parser, raw)
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            raw = str(int(raw)) if float(raw).is_integer() else str(raw)
        if not isinstance(raw, str) or not raw.strip():
            return None
        return self.normalize_text(parser, raw)

    def normalize_text(self, parser: str, raw: str) -> SlotValue | None:
        """Normalise a textual value with the embedded parser called ``parser``."""
        if parser == "place":
            return self.gazetteer.resolve(raw)
        if parser == "duration":
            return parse_duration(raw)
        if parser == "money":
            return parse_money(raw)
        if parser == "date":
            return (
                parse_date(raw[:10], self._today())
                if raw[:4].isdigit()
                else parse_date(raw, self._today())
            )
        return None

    def _normalize_structured(self, parser: str, raw: dict[str, Any]) -> SlotValue | None:
        # Dialogflow: @sys.unit-currency {"amount", "currency"}, @sys.duration {"amount", "unit"}.
        if (
            parser == "money"
            and isinstance(raw.get("amount"), int | float)
            and isinstance(raw.get("currency"), str)
        ):
            amount = raw["amount"]
            value = int(amount) if float(amount).is_integer() else round(float(amount), 2)
            return {"amount": value, "currency": raw["currency"].upper()} if value > 0 else None
        if parser == "duration" and isinstance(raw.get("amount"), int | float):
            unit = str(raw.get("unit", "day")).lower()
            factor = {
                "day": 1,
                "d": 1,
                "wk": 7,
                "week": 7,
                "mo": 30,
                "month": 30,
                "h": 0,
                "min": 0,
            }.get(unit, 1)
            days = int(raw["amount"] * factor)
            return days if days > 0 else None
        return None
