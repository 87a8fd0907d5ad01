"""Slot extraction and normalisation, shared by every NLU.

:class:`SlotReader` finds typed mentions in a message (places, durations, money, dates),
assigns them to an intent's slots, and normalises raw values that cloud NLUs return (Lex's
``interpretedValue``, Dialogflow's parameters) into the ``/chat`` contract's forms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from runtime.model import BotModel, Intent
from runtime.nlu.adjust import changed_budget, changed_duration
from runtime.nlu.dates import find_dates, parse_date
from runtime.nlu.entities import (
    Mention,
    find_currencies,
    find_durations,
    find_money,
    parse_duration,
    parse_money,
)
from runtime.nlu.gazetteer import ORIGIN_CUES, AmbiguousPlace, Gazetteer, UnknownPlace
from runtime.nlu.raw_values import said, structured_value
from runtime.nlu.slot_roles import (
    SlotReading,
    bare_budget,
    bare_number,
    date_roles,
    negated,
    place_role,
    recurrenced,
    stay_dates,
)
from runtime.types import SlotValue

PLACEHOLDERS = {
    "place": "__place__",
    "duration": "__duration__",
    "money": "__money__",
    "date": "__date__",
}
_PRIORITY = {"money": 0, "duration": 1, "date": 2, "place": 3, "currency": 4}
MIN_BARE_BUDGET = 50  # "make it 1500" is money; "make it 10" is days
MAX_BARE_DAYS = 45


def iso_day(value: object) -> dt.date | None:
    """An ISO day slot value as a date; None for anything else (a damaged stored state)."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


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
            *find_currencies(text),
            *find_durations(text),
            *find_dates(text, self._today()),
            *(_conventional(m) for m in self.gazetteer.find(text)),
        ]
        candidates.sort(key=lambda m: (-(m.end - m.start), _PRIORITY[m.kind]))
        chosen: list[Mention] = []
        for mention in candidates:
            if not any(mention.overlaps(c) for c in chosen):
                chosen.append(mention)
        return sorted(chosen, key=lambda m: m.start)

    @staticmethod
    def placeholdered(text: str, mentions: Sequence[Mention]) -> str:
        """``text`` with every mention replaced by its type placeholder (for the classifier); a
        currency named without an amount stays a word."""
        out: list[str] = []
        last = 0
        for mention in mentions:
            if mention.kind not in PLACEHOLDERS:
                continue
            out.extend((text[last : mention.start], f" {PLACEHOLDERS[mention.kind]} "))
            last = mention.end
        out.append(text[last:])
        return "".join(out)

    def assign(
        self, intent: Intent, mentions: Sequence[Mention], eliciting: str | None = None
    ) -> dict[str, SlotValue]:
        """Map mentions onto ``intent``'s slots (see :meth:`read`); only the values that read
        one way."""
        return self.read(intent, mentions, "", eliciting=eliciting).slots

    def read(
        self,
        intent: Intent,
        mentions: Sequence[Mention],
        text: str,
        *,
        eliciting: str | None = None,
        known: Mapping[str, SlotValue] | None = None,
        focus: str | None = None,
    ) -> SlotReading:
        """Map the mentions of ``text`` onto ``intent``'s slots, in the dialogue's context.

        Places go by their cue ("from X" → origin, "to X" → destination, "change the origin to
        X" → origin); a place without a cue fills the slot being elicited, else the destination,
        else the origin. Dates go by theirs (:mod:`runtime.nlu.slot_roles`): "back", "return",
        the far end of a range → ``returnDate``; a return date is read after the departure ("back
        on wednesday"), and a bare day follows the month of the date already known ("the 15th").
        Other kinds fill the first free slot of their type; in a flight search, a stay ("for 10
        days", "back a week later") sets the return date from the departure, and "two days
        later/earlier" moves a known date (:func:`runtime.nlu.slot_roles.stay_dates`).
        ``known`` are the slots the dialogue already holds; an uncued value goes to the slot of
        a known value the message rules out ("not Montreal, Toronto"), and an uncued date to
        ``focus`` (the slot the last message changed) when nothing is being asked. A mention
        that reads two ways goes to ``ambiguous``, one that cannot be read to ``unresolved``.
        """
        known = known or {}
        reading = SlotReading()
        by_parser: dict[str, list[str]] = {}
        for slot in intent.slots:
            by_parser.setdefault(self._model.slot_types[slot.type].parser, []).append(slot.name)
        places: list[Mention] = []
        dates: list[Mention] = []
        stays: list[Mention] = []
        currencies: set[str] = set()
        ruled_out: list[SlotValue] = []
        for mention in mentions:
            if negated(mention, text):
                ruled_out.append(mention.value)
                continue
            if mention.kind == "currency":
                currencies.add(str(mention.value))
            elif mention.kind == "place":
                places.append(mention)
            elif mention.kind == "date":
                dates.append(mention)
            elif mention.kind == "duration" and "duration" not in by_parser:
                stays.append(mention)
            else:
                free = [n for n in by_parser.get(mention.kind, []) if n not in reading.slots]
                if free:
                    reading.put(eliciting if eliciting in free else free[0], mention, text)
        # "not Montreal, Toronto": the new value takes the slot of the one ruled out
        replaced = next((k for k, v in known.items() if v in ruled_out), None)
        place_slots, date_slots = by_parser.get("place", []), by_parser.get("date", [])
        self._read_places(reading, places, place_slots, text, eliciting or replaced)
        self._read_dates(reading, dates, date_slots, text, eliciting or replaced or focus, known)
        if stays and "returnDate" in by_parser.get("date", []):
            moved = stay_dates(
                stays[0],
                text,
                departure=iso_day(reading.slots.get("date") or known.get("date")),
                known_departure=iso_day(known.get("date")),
                known_return=iso_day(known.get("returnDate")),
            )
            reading.slots.update({k: v for k, v in moved.items() if k not in reading.taken})
        money = by_parser.get("money", [])
        if money and money[0] not in reading.slots:
            amount = bare_budget(text, known.get(money[0])) or recurrenced(
                known.get(money[0]), currencies
            )
            if amount is not None:
                reading.slots[money[0]] = amount
        _read_changes(reading, by_parser, text, known)
        self._read_lone_number(reading, by_parser, mentions, text, known)
        return reading

    @staticmethod
    def _read_lone_number(
        reading: SlotReading,
        by_parser: dict[str, list[str]],
        mentions: Sequence[Mention],
        text: str,
        known: Mapping[str, SlotValue],
    ) -> None:
        """A lone number refining a plan: a budget when large (≥ 50), else days ("make it 3
        days and 700": the days are said, the lone number is the budget)."""
        money, days = by_parser.get("money", []), by_parser.get("duration", [])
        if not money or not days:
            return
        number = bare_number(text, mentions)
        if number is None:
            return
        budget = known.get(money[0])
        if number >= MIN_BARE_BUDGET and isinstance(budget, dict):
            if money[0] not in reading.taken:
                reading.slots[money[0]] = {"amount": number, "currency": str(budget["currency"])}
        elif days[0] in known and days[0] not in reading.taken and number <= MAX_BARE_DAYS:
            reading.slots[days[0]] = number

    def _read_places(
        self,
        reading: SlotReading,
        places: Sequence[Mention],
        place_slots: list[str],
        text: str,
        eliciting: str | None,
    ) -> None:
        """Places by their cue, strongly cued and known places first (:func:`_claim_order`);
        uncued ones fill what is left: the slot asked for, else the destination, else the
        origin ("London to Paris": an uncued place before a cued destination is the origin, and
        of two uncued places, "FRA - NRT", the first is)."""
        uncued: list[Mention] = []
        for mention in sorted(places, key=_claim_order):
            role = _role(mention, places, text)
            if role in place_slots and role not in reading.taken:
                reading.put(role, mention, text)
            elif mention.value is not None or mention.options:
                uncued.append(mention)
        order = sorted(place_slots, key=lambda n: (n != eliciting, n != "destination"))
        uncued.sort(key=lambda m: m.start)
        if len(uncued) >= 2 and not eliciting and {"origin", "destination"} <= set(order):
            order = [
                "origin",
                "destination",
                *(n for n in order if n not in ("origin", "destination")),
            ]
        for mention in uncued:
            free = [n for n in order if n not in reading.taken]
            if free:
                reading.put(free[0], mention, text)

    def _read_dates(
        self,
        reading: SlotReading,
        dates: Sequence[Mention],
        date_slots: list[str],
        text: str,
        eliciting: str | None,
        known: Mapping[str, SlotValue],
    ) -> None:
        if not date_slots:
            return
        roles = date_roles(dates, text, date_slots, eliciting)
        today = self._today()
        for mention, role in zip(dates, roles, strict=True):
            if role is None or role in reading.taken:
                continue
            departure = iso_day(reading.slots.get("date", known.get("date")))
            anchor = iso_day(known.get(role))
            if mention.value is not None and role == "returnDate" and departure is not None:
                mention = self._reread(mention, text, today, departure, departure)
            elif mention.value is not None and anchor is not None:
                mention = self._reread(mention, text, today, anchor, None)
            reading.put(role, mention, text)

    @staticmethod
    def _reread(
        mention: Mention,
        text: str,
        today: dt.date,
        anchor: dt.date,
        after: dt.date | None,
    ) -> Mention:
        """The mention read again relative to ``anchor`` (a bare day or weekday may move)."""
        found = find_dates(text[mention.start : mention.end], today, anchor=anchor, after=after)
        if len(found) == 1 and found[0].value is not None:
            return replace(mention, value=found[0].value)
        return mention

    def read_slots(self, intent: str, raw_slots: Mapping[str, Any]) -> SlotReading:
        """A cloud NLU's raw slot values, read as the embedded NLU reads a message: a place that
        could be several goes to ``ambiguous``; a value that reads as nothing goes to
        ``unresolved`` with its text, so the dialogue can say what it did not find."""
        reading = SlotReading()
        for slot, raw in raw_slots.items():
            try:
                parser = self._model.slot_type_of(intent, slot).parser
            except KeyError:
                continue
            text = said(raw)
            if parser == "place" and text:
                place = self.gazetteer.read(text)
                if place.name is not None:
                    reading.slots[slot] = place.name
                elif place.candidates:
                    reading.ambiguous[slot] = place.candidates
                else:
                    reading.unresolved[slot] = text
                continue
            value = self.normalize(intent, slot, raw)
            if value is not None:
                reading.slots[slot] = value
            elif text:
                reading.unresolved[slot] = text
        return reading

    def normalize(self, intent: str, slot: str, raw: Any) -> SlotValue | None:
        """A cloud NLU's raw slot value in the contract's form, or ``None`` when unreadable."""
        try:
            parser = self._model.slot_type_of(intent, slot).parser
        except KeyError:
            return None
        if isinstance(raw, dict):
            return structured_value(parser, raw, self.gazetteer.resolve)
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


def _read_changes(
    reading: SlotReading,
    by_parser: dict[str, list[str]],
    text: str,
    known: Mapping[str, SlotValue],
) -> None:
    """Relative changes to a known length or budget ("two more days", "double the budget")
    replace what the numbers in them would read as alone."""
    for name in by_parser.get("duration", [])[:1]:
        days = changed_duration(text, known.get(name))
        if days is not None:
            reading.slots[name] = days
    for name in by_parser.get("money", [])[:1]:
        budget = changed_budget(text, known.get(name))
        if budget is not None:
            reading.slots[name] = budget


WEAK_CUES = frozenset({"for", "about", "of", "around", "near", "see"})
"""Cue words that only hint at a destination ("puerto natales for torres del paine")."""


def _conventional(mention: Mention) -> Mention:
    """A gazetteer mention in the form slot reading expects: an ambiguous place has no value and
    its candidates as ``options``; a word that names no place has neither (it is unresolved)."""
    if isinstance(mention.value, AmbiguousPlace):
        return replace(mention, value=None, options=mention.value.candidates)
    if isinstance(mention.value, UnknownPlace):
        return replace(mention, value=None, options=())
    return mention


def _claim_order(mention: Mention) -> tuple[int, int]:
    """Who claims a place slot first: places that name something before words that name
    nothing; strongly cued ("to", "from", "in") before uncued before weakly cued ("for")."""
    unknown = mention.value is None and not mention.options
    strength = 2 if mention.cue in WEAK_CUES else (0 if mention.cue else 1)
    return (int(unknown), strength)


def _role(mention: Mention, places: Sequence[Mention], text: str) -> str:
    """The slot a place's cue points at (:func:`runtime.nlu.slot_roles.place_role`), refined:
    a weak cue yields to a place with a proper one, and "I'm in Toronto, flights to Vancouver"
    makes the place after "in"/"at" the origin when another place follows "to"."""
    if mention.cue in ORIGIN_CUES:
        return "origin"
    if mention.cue in WEAK_CUES and any(not m.cue or m.cue not in WEAK_CUES for m in places):
        return ""
    if mention.cue in ("in", "at") and any(m.cue == "to" for m in places if m is not mention):
        return "origin"
    return place_role(mention, text)
