"""Slot extraction and normalisation, shared by every NLU.

:class:`SlotReader` finds typed mentions in a message (places, durations, money, dates),
assigns them to an intent's slots, and normalises raw values that cloud NLUs return (Lex's
``interpretedValue``, Dialogflow's parameters) into the ``/chat`` contract's forms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
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
from runtime.nlu.gazetteer import (
    DESTINATION_CUES,
    ORIGIN_CUES,
    AmbiguousPlace,
    Gazetteer,
    UnknownPlace,
)
from runtime.types import SlotValue

PLACEHOLDERS = {
    "place": "__place__",
    "duration": "__duration__",
    "money": "__money__",
    "date": "__date__",
}
_PRIORITY = {"money": 0, "duration": 1, "date": 2, "place": 3}


@dataclass(frozen=True)
class Assignment:
    """Slots read from a message or a cloud NLU, and the place mentions that did not resolve:
    ``ambiguous`` (slot -> candidate canonical names) and ``unresolved`` (slot -> the text)."""

    slots: dict[str, SlotValue]
    ambiguous: dict[str, tuple[str, ...]] = field(default_factory=dict)
    unresolved: dict[str, str] = field(default_factory=dict)


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
        """Map mentions onto ``intent``'s slots (see :meth:`assign_all`); resolved values only."""
        return self.assign_all(intent, mentions, eliciting).slots

    def assign_all(
        self, intent: Intent, mentions: Sequence[Mention], eliciting: str | None = None
    ) -> Assignment:
        """Map mentions onto ``intent``'s slots.

        Places go by their cue word ("from X" -> origin, "to X" -> destination); a place without a
        cue fills the slot being elicited, else the destination, else the origin. Other kinds
        fill the first slot of their type. A place mention that is ambiguous or unknown takes
        its slot the same way but lands in ``ambiguous``/``unresolved`` instead of ``slots``.
        """
        taken: dict[str, Any] = {}
        by_parser: dict[str, list[str]] = {}
        for slot in intent.slots:
            by_parser.setdefault(self._model.slot_types[slot.type].parser, []).append(slot.name)
        place_slots = by_parser.get("place", [])
        places: list[Mention] = []
        for mention in mentions:
            if mention.kind == "place":
                places.append(mention)
                continue
            names = by_parser.get(mention.kind, [])
            free = [n for n in names if n not in taken]
            if free:
                taken[eliciting if eliciting in free else free[0]] = mention.value
        uncued: list[Mention] = []
        for mention in sorted(places, key=_claim_order):
            role = _role(mention, places)
            if role in place_slots and role not in taken:
                taken[role] = mention.value
            elif not isinstance(mention.value, UnknownPlace):
                uncued.append(mention)
        # "London to Paris": an uncued place before a cued destination is the origin, and of
        # two uncued places ("FRA - NRT") the first is the origin.
        order = sorted(place_slots, key=lambda n: (n != eliciting, n != "destination"))
        uncued.sort(key=lambda m: m.start)
        if len(uncued) >= 2 and not eliciting and {"origin", "destination"} <= set(order):
            order = [
                "origin",
                "destination",
                *(n for n in order if n not in ("origin", "destination")),
            ]
        for mention in uncued:
            free = [n for n in order if n not in taken]
            if free:
                taken[free[0]] = mention.value
        return _split(taken)

    def read_slots(self, intent: str, raw_slots: Mapping[str, Any]) -> Assignment:
        """A cloud NLU's raw slot values, normalised; place values that are ambiguous or name
        nothing go to ``ambiguous``/``unresolved`` (the same reading as the embedded NLU's)."""
        taken: dict[str, Any] = {}
        for slot, raw in raw_slots.items():
            try:
                parser = self._model.slot_type_of(intent, slot).parser
            except KeyError:
                continue
            if parser == "place" and isinstance(raw, str) and raw.strip():
                reading = self.gazetteer.read(raw)
                if reading.name is not None:
                    taken[slot] = reading.name
                elif reading.candidates:
                    taken[slot] = AmbiguousPlace(raw.strip(), reading.candidates)
                else:
                    taken[slot] = UnknownPlace(raw.strip())
                continue
            value = self.normalize(intent, slot, raw)
            if value is not None:
                taken[slot] = value
        return _split(taken)

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


WEAK_CUES = frozenset({"for", "about", "of", "around", "near", "see"})
"""Cue words that only hint at a destination ("puerto natales for torres del paine")."""


def _claim_order(mention: Mention) -> tuple[int, int]:
    """Who claims a place slot first: places that name something before words that name
    nothing; strongly cued ("to", "from", "in") before uncued before weakly cued ("for")."""
    unknown = isinstance(mention.value, UnknownPlace)
    strength = 2 if mention.cue in WEAK_CUES else (0 if mention.cue else 1)
    return (int(unknown), strength)


def _role(mention: Mention, places: Sequence[Mention]) -> str:
    """The slot a place's cue points at. "I'm in Toronto, flights to Vancouver": when another
    place follows "to", a place after "in"/"at" is where the traveller is, the origin."""
    if mention.cue in ORIGIN_CUES:
        return "origin"
    if mention.cue in WEAK_CUES and any(not m.cue or m.cue not in WEAK_CUES for m in places):
        return ""
    if mention.cue in ("in", "at") and any(m.cue == "to" for m in places if m is not mention):
        return "origin"
    return "destination" if mention.cue in DESTINATION_CUES else ""


def _split(taken: Mapping[str, Any]) -> Assignment:
    """Resolved values into ``slots``; ambiguous and unknown places beside them."""
    result = Assignment({})
    for slot, value in taken.items():
        if isinstance(value, AmbiguousPlace):
            result.ambiguous[slot] = value.candidates
        elif isinstance(value, UnknownPlace):
            result.unresolved[slot] = value.text
        else:
            result.slots[slot] = value
    return result
