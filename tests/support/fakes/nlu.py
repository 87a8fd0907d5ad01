"""What the NLU fakes (Lex, Dialogflow) understand, and how a turn fills slots.

Both fakes answer from a pluggable *resolver*, ``Callable[[str], Interpretation]``. The default,
:func:`keyword_resolver`, is a small deterministic keyword matcher; tests replace it
(``fake.resolver = ...``) or force one answer (``fake.respond(intent=..., ...)``).

:func:`next_turn` is the dialogue rule both fakes share: when the previous turn was eliciting a
slot and the new text is a bare value (the resolver finds no intent), the value fills that slot of
the active intent; otherwise the resolver's intent wins and its slots are merged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

FALLBACK_INTENT = "FallbackIntent"

DEFAULT_INTENT_SLOTS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "PlanTrip": ("destination", "duration", "budget"),
        "CheckWeather": ("destination",),
        "FindFlights": ("origin", "destination", "date"),
        "Greeting": (),
        "Help": (),
        "Goodbye": (),
        "Thanks": (),
        "Cancel": (),
        "SmallTalk": (),
        "OutOfScope": (),
        FALLBACK_INTENT: (),
    }
)
"""The required slots of each intent, as in the bot model (a fake takes its own mapping).

Optional slots (FindFlights' ``returnDate``, CheckWeather's ``date``, OutOfScope's
``destination``) are never elicited: when said they come back after the required ones."""


OPTIONAL_INTENT_SLOTS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"FindFlights": ("returnDate",), "CheckWeather": ("date",), "OutOfScope": ("destination",)}
)
"""Slots an intent may carry but never asks for, as in the bot model."""


@dataclass(frozen=True)
class SlotValue:
    """One slot value: the user's words and the value the NLU made of them."""

    original: str
    interpreted: str
    resolved: tuple[str, ...] = ()

    @property
    def resolved_values(self) -> list[str]:
        """The resolved values (Lex ``resolvedValues``); the interpreted value if none given."""
        return list(self.resolved) if self.resolved else [self.interpreted]


@dataclass(frozen=True)
class Interpretation:
    """An NLU answer: intent name, confidence in [0, 1] and slot values."""

    intent: str
    confidence: float
    slots: Mapping[str, SlotValue] = field(default_factory=dict)


Resolver = Callable[[str], Interpretation]


def as_slot(value: str | SlotValue) -> SlotValue:
    """A plain string becomes a slot whose original and interpreted values are that string."""
    return value if isinstance(value, SlotValue) else SlotValue(value, value)


def fixed_resolver(
    intent: str, confidence: float, slots: Mapping[str, str | SlotValue] | None = None
) -> Resolver:
    """A resolver that gives the same answer to every text."""
    answer = Interpretation(
        intent, confidence, {name: as_slot(v) for name, v in (slots or {}).items()}
    )

    def resolve(text: str) -> Interpretation:
        return answer

    return resolve


_RULES: tuple[tuple[str, re.Pattern[str], float], ...] = (
    ("Cancel", re.compile(r"\b(cancel|never ?mind|forget it|start over)\b", re.I), 0.94),
    ("Thanks", re.compile(r"\b(thanks|thank you|cheers)\b(?!.*\b(good)?bye\b)", re.I), 0.93),
    ("OutOfScope", re.compile(r"\b(hotel|visa|insurance|car hire|rent a car)\b", re.I), 0.9),
    ("CheckWeather", re.compile(r"\b(weather|forecast|temperature)\b", re.I), 0.92),
    ("FindFlights", re.compile(r"\b(flights?|fly|flying)\b", re.I), 0.90),
    ("PlanTrip", re.compile(r"\b(trip|plan|planning|holiday|vacation)\b", re.I), 0.88),
    ("Help", re.compile(r"\bhelp\b", re.I), 0.90),
    ("Goodbye", re.compile(r"\b(bye|goodbye)\b", re.I), 0.93),
    ("Greeting", re.compile(r"\b(hello|hi|hey)\b", re.I), 0.95),
)
_CITY_WORDS = r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*"
_DESTINATION = re.compile(rf"\b(?:to|in)\s+({_CITY_WORDS})")
_ORIGIN = re.compile(rf"\bfrom\s+({_CITY_WORDS})")
_DAYS = re.compile(r"\b(\d{1,3})\s*(?:days?|nights?)\b", re.I)
_ISO_DATE = r"(\d{4}-\d{2}-\d{2})"
_DEPART = re.compile(rf"\bon\s+{_ISO_DATE}")
_RETURN = re.compile(rf"\b(?:back|returning|return)(?:\s+on)?\s+{_ISO_DATE}", re.I)
FALLBACK_CONFIDENCE = 0.3


def keyword_resolver(text: str) -> Interpretation:
    """Deterministic default NLU.

    "cancel"/"never mind" -> Cancel, "thanks" -> Thanks, "hotel"/"visa"/... -> OutOfScope,
    "weather" -> CheckWeather, "flight" -> FindFlights, "trip"/"plan" -> PlanTrip, "help" -> Help,
    "bye" -> Goodbye, "hello"/"hi" -> Greeting, anything else -> FallbackIntent with confidence
    0.3. A capitalised city after "to"/"in" is the destination, one after "from" the origin,
    "N days" the duration (interpreted as the number N), an ISO day after "on" the date and one
    after "back"/"returning" the return date.
    """
    intent, confidence = FALLBACK_INTENT, FALLBACK_CONFIDENCE
    for name, pattern, score in _RULES:
        if pattern.search(text):
            intent, confidence = name, score
            break
    slots = _extract_slots(text)
    if intent != FALLBACK_INTENT:
        wanted = (*DEFAULT_INTENT_SLOTS.get(intent, ()), *OPTIONAL_INTENT_SLOTS.get(intent, ()))
        slots = {name: value for name, value in slots.items() if name in wanted}
    return Interpretation(intent, confidence, slots)


def _extract_slots(text: str) -> dict[str, SlotValue]:
    slots: dict[str, SlotValue] = {}
    if match := _DESTINATION.search(text):
        slots["destination"] = SlotValue(match.group(1), match.group(1))
    if match := _ORIGIN.search(text):
        slots["origin"] = SlotValue(match.group(1), match.group(1))
    if match := _DAYS.search(text):
        slots["duration"] = SlotValue(match.group(0), match.group(1))
    back = _RETURN.search(text)
    if back:
        slots["returnDate"] = SlotValue(back.group(1), back.group(1))
    for match in _DEPART.finditer(text):
        if back is None or match.start(1) != back.start(1):
            slots["date"] = SlotValue(match.group(1), match.group(1))
            break
    return slots


@dataclass(frozen=True)
class Turn:
    """The outcome of one user turn: the active intent, its slots and what is still missing."""

    intent: str
    confidence: float
    slots: Mapping[str, SlotValue | None]
    """Every slot of the intent in schema order (None when unfilled), then any extra slot."""
    missing: str | None
    """The first unfilled slot of the intent's schema, None when all are filled."""
    filled_elicited_slot: bool = False


def next_turn(
    interpretation: Interpretation,
    text: str,
    schema: Mapping[str, tuple[str, ...]],
    active_intent: str | None = None,
    active_slots: Mapping[str, SlotValue | None] | None = None,
    eliciting: str | None = None,
) -> Turn:
    """Apply ``interpretation`` of ``text`` to the dialogue state carried from the last turn."""
    previous = dict(active_slots or {})
    if eliciting and active_intent and interpretation.intent == FALLBACK_INTENT:
        bare = text.strip()
        previous[eliciting] = interpretation.slots.get(eliciting) or SlotValue(bare, bare)
        return _turn(active_intent, 1.0, previous, schema, filled=True)
    if interpretation.intent == active_intent:
        merged = previous | dict(interpretation.slots)
        return _turn(active_intent, interpretation.confidence, merged, schema)
    return _turn(
        interpretation.intent, interpretation.confidence, dict(interpretation.slots), schema
    )


def _turn(
    intent: str,
    confidence: float,
    values: Mapping[str, SlotValue | None],
    schema: Mapping[str, tuple[str, ...]],
    *,
    filled: bool = False,
) -> Turn:
    names = schema.get(intent, ())
    slots: dict[str, SlotValue | None] = {name: values.get(name) for name in names}
    slots.update({name: value for name, value in values.items() if name not in slots})
    missing = next((name for name in names if slots.get(name) is None), None)
    return Turn(intent, confidence, slots, missing, filled)
