"""Task intents (plan, weather, flights) as frames that outlive their result.

A frame is an intent and its slots. It stays in the session after its answer, so a later
"make it 7 days", "budget 2000 instead" or "and back on the 14th" changes it and answers again;
a new request of the same kind ("plan a trip to Rome") starts a new frame instead. Each turn:

1. pick the frame: go on with the task at hand, or start one, seeded from an accepted offer and
   carried over from the context ("flights there" → the last place, "on that day" → the last
   date, a weather question → the last place); a task in progress that another one interrupts
   is paused, and resumed with its next question once the other is answered;
2. merge the message's slots and confirm what changed ("OK, 6 days instead of 4 days.");
3. check before answering: ask which one when a value is ambiguous, say what was not understood,
   refuse a past date or a return before the departure, ask for what is still missing;
4. fulfil, keep the frame, and offer what naturally comes next (flights after a plan).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from runtime.dialogue.display import display, lower_first, prompt, response, shown, task_label
from runtime.dialogue.fulfilment import Fulfiller
from runtime.dialogue.turn import DialogueOutcome, TurnInput
from runtime.model import BotModel, Intent
from runtime.types import DialogueState, SlotValue

OFFERS = {"PlanTrip": "FindFlights"}  # a plan's reply ends by offering flights there
REFINE_RE = re.compile(
    r"\b(?:instead|actually|rather|change|changed|switch|make it|make that|make the|what about|"
    r"how about|and|also|same|sorry|i meant|no wait|correction|update|again|but|then|too|only)\b",
    re.IGNORECASE,
)
TASK_WORDS_RE = re.compile(
    r"\b(?:plan|planning|trip|holiday|vacation|itinerary|getaway|flights?|fly|flying|weather|"
    r"forecast)\b",
    re.IGNORECASE,
)
PLACE_REFERENCE_RE = re.compile(
    r"\b(?:there|that city|that place|that town|that country|same place|same city|same spot)\b",
    re.IGNORECASE,
)
DATE_REFERENCE_RE = re.compile(
    r"\b(?:that day|that date|the same day|same day|same date)\b", re.IGNORECASE
)
ROUND_TRIP_RE = re.compile(
    r"\b(?:round[- ]?trip|return (?:flight|ticket|trip)s?|there and back|both ways)\b",
    re.IGNORECASE,
)
BOOK_RE = re.compile(r"\bbook(?:ing)?\b", re.IGNORECASE)
ONE_WAY_RE = re.compile(r"\b(?:one[- ]way|no return|single ticket)\b", re.IGNORECASE)


def refines(message: str) -> bool:
    """True when a message reads as a change to the last task, not a new request of its kind."""
    return bool(REFINE_RE.search(message)) or not TASK_WORDS_RE.search(message)


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


class TaskDialogue:
    """Fills, checks and fulfils the task intents (see the module docstring)."""

    def __init__(
        self, model: BotModel, fulfiller: Fulfiller, *, describe: Callable[[str], str] | None = None
    ) -> None:
        self._model = model
        self._fulfiller = fulfiller
        self._describe = describe or str

    # ------------------------------------------------------------------ entry point
    def handle(
        self,
        turn: TurnInput,
        name: str,
        slots: dict[str, SlotValue],
        *,
        seeds: dict[str, SlotValue] | None = None,
        lead: str = "",
    ) -> DialogueOutcome:
        """The outcome of a message that asks for (or answers) task ``name`` with ``slots``."""
        frame = self._frame(turn, name, slots, seeds or {})
        if lead:
            frame.lead.insert(0, lead)
        asked = self._check(turn, frame)
        if asked is not None:
            return asked
        return self._fulfil(turn, frame)

    def pending_prompt(self, state: DialogueState, turn: TurnInput) -> str:
        """The question of the task in progress ("How long will your trip be?"), or ``""``."""
        if state.intent not in self._model.intents or not state.eliciting_slot:
            return ""
        intent = self._model.intent(state.intent)
        if intent.slot(state.eliciting_slot) is None:
            return ""
        values = shown(state.slots, turn.today)
        if state.clarifying:
            return self._clarify_text(state.clarifying, turn)
        return prompt(intent, state.eliciting_slot, values)

    def resume_text(self, state: DialogueState, turn: TurnInput) -> str:
        """ "Back to your Tokyo trip: how long …?" for the task in progress, or ``""``."""
        question = self.pending_prompt(state, turn)
        if not question or state.intent is None:
            return ""
        label = task_label(self._model, state.intent, shown(state.slots, turn.today))
        return response(self._model, "resume", {"task": label, "prompt": lower_first(question)})

    # ------------------------------------------------------------------ 1-2: the frame
    def _frame(
        self,
        turn: TurnInput,
        name: str,
        slots: dict[str, SlotValue],
        seeds: dict[str, SlotValue],
    ) -> Frame:
        intent = self._model.intent(name)
        state = turn.state
        own = {k: v for k, v in slots.items() if intent.slot(k) is not None}
        continuing = state.intent == name and (not state.completed or refines(turn.message))
        if continuing:
            base = dict(state.slots)
        else:
            base = {k: v for k, v in seeds.items() if intent.slot(k) is not None}
            base.update({k: v for k, v in self._carried(state, intent, own, turn).items()})
        paused = state.paused
        if not continuing and state.intent and state.intent != name and not state.completed:
            paused = {
                "intent": state.intent,
                "slots": dict(state.slots),
                "eliciting_slot": state.eliciting_slot,
            }
        if paused is not None and paused.get("intent") == name:
            paused = None
        one_way = name == "FindFlights" and ONE_WAY_RE.search(turn.message) is not None
        dropped_return = one_way and base.pop("returnDate", None) is not None
        values_before = shown(base, turn.today)
        merged = {**base, **own}
        values_after = shown(merged, turn.today)
        changes = [k for k, v in own.items() if k in base and base[k] != v]
        frame = Frame(
            intent,
            merged,
            paused,
            round_trip=not one_way
            and (bool(ROUND_TRIP_RE.search(turn.message)) or (continuing and state.round_trip)),
        )
        if dropped_return:
            frame.lead.append(response(self._model, "one_way", {}, "FindFlights"))
        frame.changed = {
            k: (describe(k, base[k], values_before), describe(k, merged[k], values_after))
            for k in changes
        }
        return frame

    def _carried(
        self, state: DialogueState, intent: Intent, own: dict[str, SlotValue], turn: TurnInput
    ) -> dict[str, SlotValue]:
        """Slots a new task takes from the conversation so far."""
        carried: dict[str, SlotValue] = {}
        message = turn.message
        place = state.last_place
        if intent.slot("destination") is not None and "destination" not in own and place:
            wanted = (
                PLACE_REFERENCE_RE.search(message)
                or intent.name == "CheckWeather"
                or (own and intent.name in ("PlanTrip", "FindFlights"))
            )
            if wanted and own.get("origin") != place and intent.name != "OutOfScope":
                carried["destination"] = place
        if (
            intent.slot("date") is not None
            and "date" not in own
            and state.last_date
            and DATE_REFERENCE_RE.search(message)
            and state.last_date >= turn.today.isoformat()
        ):
            carried["date"] = state.last_date
        return carried

    # ------------------------------------------------------------------ 3: checks
    def _check(self, turn: TurnInput, frame: Frame) -> DialogueOutcome | None:
        """Ask what must be asked before answering, or None when the task can be answered."""
        intent, slots = frame.intent, frame.slots
        nlu = turn.nlu
        for name, options in nlu.ambiguous.items():
            if intent.slot(name) is not None and name not in nlu.slots:
                slots.pop(name, None)
                return self._clarify(turn, frame, name, options)
        for name, text in nlu.unresolved.items():
            if intent.slot(name) is not None and name not in nlu.slots:
                slots.pop(name, None)
                kind = self._model.slot_type_of(intent.name, name).parser
                frame.lead.append(response(self._model, f"unresolved_{kind}", {"text": text}))
                return self._elicit(turn, frame, name)
        if (
            intent.name == "FindFlights"
            and slots.get("origin")
            and (slots.get("origin") == slots.get("destination"))
        ):
            slots.pop("destination")
            frame.lead.append(response(self._model, "same_place", {}, "FindFlights").strip())
            return self._elicit(turn, frame, "destination")
        dated = self._check_dates(turn, frame)
        if dated is not None:
            return dated
        missing = next((s.name for s in intent.slots if s.required and s.name not in slots), None)
        if missing is None and frame.round_trip and intent.slot("returnDate") is not None:
            missing = None if "returnDate" in slots else "returnDate"
        return None if missing is None else self._elicit(turn, frame, missing)

    def _check_dates(self, turn: TurnInput, frame: Frame) -> DialogueOutcome | None:
        """A past date is called past; a return before the departure is asked again."""
        slots, today = frame.slots, turn.today.isoformat()
        values = shown(slots, turn.today)
        for name in ("date", "returnDate"):
            value = slots.get(name)
            if isinstance(value, str) and value < today and frame.intent.slot(name) is not None:
                slots.pop(name)
                if frame.intent.name == "CheckWeather":  # the weather now is still an answer
                    frame.lead.append(
                        response(self._model, "past_date", {"date": values[name]}, "CheckWeather")
                    )
                    return None
                frame.lead.append(response(self._model, "past_date", {"date": values[name]}))
                return self._elicit(turn, frame, name)
        depart, back = slots.get("date"), slots.get("returnDate")
        if isinstance(depart, str) and isinstance(back, str) and back < depart:
            slots.pop("returnDate")
            text = response(
                self._model,
                "return_before",
                {"date": values["date"], "return_date": values["returnDate"]},
                "FindFlights",
            )
            return self._ask(turn, frame, "returnDate", text)
        return None

    def _clarify(
        self, turn: TurnInput, frame: Frame, name: str, options: tuple[str, ...]
    ) -> DialogueOutcome:
        clarifying: dict[str, Any] = {"slot": name, "options": list(options)}
        kind = self._model.slot_type_of(frame.intent.name, name).parser
        if kind == "place":  # "Valencia, Spain" or "Valencia, Venezuela", whatever the names
            clarifying["labels"] = [self._describe(option) for option in options]
        question = self._clarify_text(clarifying, turn)
        outcome = self._ask(turn, frame, name, question)
        return replace(outcome, state=replace(outcome.state, clarifying=clarifying))

    def _clarify_text(self, clarifying: dict[str, Any], turn: TurnInput) -> str:
        options = [str(o) for o in clarifying.get("labels") or clarifying.get("options", [])]
        shown_options = [display(o, turn.today) for o in options]
        listed = (
            ", ".join(shown_options[:-1]) + " or " + shown_options[-1]
            if len(shown_options) > 1
            else "".join(shown_options)
        )
        heads = {o.split(",")[0].strip() for o in options}
        if options and all(re_date(o) for o in options):
            return response(self._model, "clarify_date", {"options": listed})
        if len(heads) == 1:
            return response(self._model, "clarify_place", {"name": heads.pop(), "options": listed})
        return response(self._model, "clarify_other", {"options": listed})

    # ------------------------------------------------------------------ asking
    def _elicit(self, turn: TurnInput, frame: Frame, name: str) -> DialogueOutcome:
        question = prompt(frame.intent, name, shown(frame.slots, turn.today))
        return self._ask(turn, frame, name, question)

    def _ask(self, turn: TurnInput, frame: Frame, name: str, question: str) -> DialogueOutcome:
        state = turn.state
        slots = frame.slots
        new_state = DialogueState(
            intent=frame.intent.name,
            slots=dict(slots),
            eliciting_slot=name,
            last_place=str(slots.get("destination") or state.last_place or "") or None,
            last_date=str(slots.get("date") or state.last_date or "") or None,
            last_currency=currency_of(slots) or state.last_currency,
            turn_count=state.turn_count,
            paused=frame.paused,
            round_trip=frame.round_trip,
        )
        reply = " ".join([*frame.sentences(self._model.responses["changed"]), question])
        return DialogueOutcome(reply, frame.intent.name, dict(slots), "ElicitSlot", new_state)

    # ------------------------------------------------------------------ 4: the answer
    def _fulfil(self, turn: TurnInput, frame: Frame) -> DialogueOutcome:
        intent, slots, state = frame.intent, frame.slots, turn.state
        result = self._fulfiller.fulfil(intent.name, slots, turn.ctx)
        if result.elicit is not None:
            slots.pop(result.elicit, None)
            return self._ask(turn, frame, result.elicit, result.reply)
        lead = frame.sentences(self._model.responses["changed"])
        if intent.name == "FindFlights" and BOOK_RE.search(turn.message):
            lead.append(response(self._model, "cannot_book", {}, "FindFlights"))
        reply = " ".join([*lead, result.reply])
        offer = OFFERS.get(intent.name) if result.dialog_state == "Fulfilled" else None
        new_state = DialogueState(
            intent=intent.name,
            slots=dict(slots),
            completed=True,
            last_place=str(slots.get("destination") or state.last_place or "") or None,
            last_date=str(slots.get("date") or state.last_date or "") or None,
            last_currency=currency_of(slots) or state.last_currency,
            turn_count=state.turn_count,
            offer=offer,
            round_trip=frame.round_trip,
        )
        if frame.paused:  # the side task is answered: back to the interrupted one
            resumed = DialogueState(
                intent=str(frame.paused.get("intent")),
                slots=dict(frame.paused.get("slots") or {}),
                eliciting_slot=frame.paused.get("eliciting_slot"),
                last_place=new_state.last_place,
                last_date=new_state.last_date,
                last_currency=new_state.last_currency,
                turn_count=state.turn_count,
            )
            back = self.resume_text(resumed, turn)
            if back:
                reply = f"{reply} {back}"
                new_state = resumed
        return DialogueOutcome(
            reply, intent.name, dict(slots), result.dialog_state, new_state, result=result
        )


def currency_of(slots: dict[str, SlotValue]) -> str | None:
    """The ISO 4217 code of the budget among ``slots``, if there is one."""
    budget = slots.get("budget")
    currency = budget.get("currency") if isinstance(budget, dict) else None
    return currency if isinstance(currency, str) else None


def re_date(value: str) -> bool:
    """True for an ISO day (``2027-04-03``)."""
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None
