"""Which frame a task message works on, and the slots it starts from.

A frame is a task intent and its slots. A message that asks for (or answers) a task either goes
on with a frame the session holds or starts a new one:

- the task at hand goes on while it is being filled, and after its answer when the message
  reads as a change to it ("make it 7 days", "one way only") rather than a new request;
- a task answered earlier goes on the same way, though another was answered since: "ok make it
  10 days then" after a plan and a weather question keeps the plan's budget, and "and in
  Whistler?" after a weather question asks the weather again with the new place;
- a new frame starts from an accepted offer's seeds and from the conversation: "flights there"
  takes the last place, "on that day" the last date, a weather question the last place, and the
  places and date of a request the bot could not do carry over in their roles ("train tickets
  from Paris to Lyon" → "ok, flights then, on friday" searches Paris → Lyon).

A task in progress that another one interrupts is paused, and resumed with its next question
once the other is answered. The frame also notes what changed ("OK, 6 days instead of 4 days.").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runtime.dialogue.cues import (
    DATE_REFERENCE_RE,
    ONE_WAY_RE,
    PLACE_REFERENCE_RE,
    ROUND_TRIP_RE,
    refines,
    trip_type_change,
)
from runtime.dialogue.display import response, shown
from runtime.dialogue.turn import TurnInput
from runtime.model import BotModel, Intent
from runtime.types import DialogueState, SlotValue


def describe(name: str, value: SlotValue, values: dict[str, str]) -> str:
    """A slot value as a confirmation names it: "6 days", "€2,000", "Sat 20 Mar"."""
    if name == "duration" and isinstance(value, int):
        return f"{value} day" if value == 1 else f"{value} days"
    return values.get(name, str(value))


@dataclass
class Frame:
    """The task a turn works on, and what it learned."""

    intent: Intent
    slots: dict[str, SlotValue]
    paused: dict[str, Any] | None
    round_trip: bool = False
    lead: list[str] = field(default_factory=list)  # sentences before the question or answer
    changed: dict[str, tuple[str, str]] = field(default_factory=dict)  # slot -> (old, new)
    said: frozenset[str] = frozenset()  # the slots the message itself set

    def sentences(self, confirm: str) -> list[str]:
        """What to say before the question or answer: what changed (and was kept, filled into
        the ``confirm`` template), then the notes."""
        kept = {k: v for k, v in self.changed.items() if k in self.slots}
        notes = [s for s in self.lead if s]
        if not kept:
            return notes
        new = " and ".join(new for _, new in kept.values())
        old = " and ".join(old for old, _ in kept.values())
        return [confirm.format(new=new, old=old), *notes]


def goes_on(state: DialogueState, name: str, own: dict[str, SlotValue], message: str) -> bool:
    """Whether a message for task ``name`` goes on with the task at hand (see the module
    docstring); ``own`` are the slots it names."""
    if state.intent != name:
        return False
    return (
        not state.completed
        or refines(message)
        or (trip_type_change(message) and not {"origin", "destination"} & set(own))
    )


def pick_frame(
    model: BotModel,
    turn: TurnInput,
    name: str,
    slots: dict[str, SlotValue],
    seeds: dict[str, SlotValue],
) -> Frame:
    """The frame a message for task ``name`` with ``slots`` works on (see the module
    docstring); ``seeds`` are the slots an accepted offer starts a new frame with."""
    intent = model.intent(name)
    state = turn.state
    own = {k: v for k, v in slots.items() if intent.slot(k) is not None}
    continuing = goes_on(state, name, own, turn.message)
    earlier = state.answered.get(name) if not continuing else None
    if continuing:
        base = dict(state.slots)
    elif earlier is not None and refines(turn.message):
        base = {k: v for k, v in earlier.items() if intent.slot(k) is not None}
    else:
        earlier = None
        base = {k: v for k, v in seeds.items() if intent.slot(k) is not None}
        for key, value in carried(state, intent, own, turn).items():
            base.setdefault(key, value)
    paused = state.paused
    if not continuing and state.intent and state.intent != name and not state.completed:
        paused = {
            "intent": state.intent,
            "slots": dict(state.slots),
            "eliciting_slot": state.eliciting_slot,
            "round_trip": state.round_trip,
        }
    if paused is not None and paused.get("intent") == name:
        paused = None
    one_way = name == "FindFlights" and ONE_WAY_RE.search(turn.message) is not None
    dropped_return = one_way and base.pop("returnDate", None) is not None
    values_before = shown(base, turn.today)
    merged = {**base, **own}
    values_after = shown(merged, turn.today)
    kept_trip = (continuing and state.round_trip) or (earlier is not None and "returnDate" in base)
    frame = Frame(
        intent,
        merged,
        paused,
        round_trip=not one_way and (bool(ROUND_TRIP_RE.search(turn.message)) or kept_trip),
        said=frozenset(own),
    )
    if dropped_return:
        frame.lead.append(response(model, "one_way", {}, "FindFlights"))
    if name != "CheckWeather":  # a weather answer names its place and day: no "OK, … instead"
        frame.changed = {
            k: (describe(k, base[k], values_before), describe(k, v, values_after))
            for k, v in own.items()
            if k in base and base[k] != v
        }
    return frame


def carried(
    state: DialogueState, intent: Intent, own: dict[str, SlotValue], turn: TurnInput
) -> dict[str, SlotValue]:
    """Slots a new task takes from the conversation so far."""
    found: dict[str, SlotValue] = {}
    message = turn.message
    place = state.last_place
    if intent.slot("destination") is not None and "destination" not in own and place:
        wanted = (
            PLACE_REFERENCE_RE.search(message)
            or intent.name == "CheckWeather"
            or (own and intent.name in ("PlanTrip", "FindFlights"))
        )
        if wanted and own.get("origin") != place and intent.name != "OutOfScope":
            found["destination"] = place
    if (
        intent.slot("date") is not None
        and "date" not in own
        and state.last_date
        and DATE_REFERENCE_RE.search(message)
        and state.last_date >= turn.today.isoformat()
    ):
        found["date"] = state.last_date
    for key, value in state.mentioned.items():  # what a request the bot could not do named
        if intent.slot(key) is not None and key not in own and value not in own.values():
            found.setdefault(key, value)
    return found
