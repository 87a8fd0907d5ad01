"""Task intents (plan, weather, flights) as frames that outlive their result.

A frame is an intent and its slots. It stays in the session after its answer, so a later
"make it 7 days", "budget 2000 instead" or "and back on the 14th" changes it and answers again;
a new request of the same kind ("plan a trip to Rome") starts a new frame instead. Each turn:

1. pick the frame (:mod:`runtime.dialogue.frames`): go on with the task at hand or with a task
   answered earlier, or start one from an accepted offer and the context; a task in progress
   that another one interrupts is paused, and resumed with its next question once the other is
   answered;
2. merge the message's slots and confirm what changed ("OK, 6 days instead of 4 days.");
3. check before answering: ask which one when a value is ambiguous, say what was not understood,
   refuse a past date or a return before the departure, ask for what is still missing;
4. fulfil, remember the answer (every task's last one, for refinements after a digression), and
   offer what naturally comes next (flights after a plan; the search itself after a booking the
   bot cannot make).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from runtime.dialogue.cues import BOOK_RE
from runtime.dialogue.display import (
    display,
    either,
    lower_first,
    prompt,
    response,
    shown,
    task_label,
)
from runtime.dialogue.frames import Frame, pick_frame
from runtime.dialogue.fulfilment import Fulfilled, Fulfiller
from runtime.dialogue.turn import DialogueOutcome, TurnInput
from runtime.model import BotModel
from runtime.nlu.dates import find_month
from runtime.types import DialogueState, SlotValue

OFFERS = {"PlanTrip": "FindFlights"}  # a plan's reply ends by offering flights there


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
        month = find_month(turn.message, turn.today) if name == "PlanTrip" else None
        if month is not None:  # "Portugal in April": the plan, once answered, is for April
            turn = replace(turn, state=replace(turn.state, trip_month=month))
        frame = pick_frame(self._model, turn, name, slots, seeds or {})
        if lead:
            frame.lead.insert(0, lead)
        asked = self._check(turn, frame)
        if asked is not None:
            return asked
        return self._fulfil(turn, frame)

    def reopen(self, turn: TurnInput, name: str, slot: str) -> DialogueOutcome:
        """Ask again for ``slot`` of task ``name`` (the task at hand or one answered earlier),
        which the message wants changed without saying to what ("can you make it cheaper?")."""
        frame = pick_frame(self._model, turn, name, {}, {})
        frame.slots.pop(slot, None)
        frame.lead.append(response(self._model, "reopen", {}))
        return self._elicit(turn, frame, slot)

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
        if intent.name == "FindFlights":
            for role in ("origin", "destination"):
                value = slots.get(role)
                asked = self._fulfiller.which_city(role, value) if isinstance(value, str) else None
                if asked is not None and asked.elicit is not None:
                    slots.pop(role)  # "to Portugal": which city, before the dates are asked
                    return self._ask_options(turn, frame, asked)
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
        listed = either([display(o, turn.today) for o in options])
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
        new_state = _kept(state, slots)
        new_state.intent = frame.intent.name
        new_state.eliciting_slot = name
        new_state.paused = frame.paused
        new_state.round_trip = frame.round_trip
        lead = frame.sentences(self._model.responses["changed"])
        if frame.intent.name == "FindFlights" and BOOK_RE.search(turn.message):
            lead.append(response(self._model, "cannot_book_ask", {}, "FindFlights"))
        reply = " ".join([*lead, question])
        return DialogueOutcome(reply, frame.intent.name, dict(slots), "ElicitSlot", new_state)

    def _ask_options(self, turn: TurnInput, frame: Frame, result: Fulfilled) -> DialogueOutcome:
        """Ask for the slot fulfilment could not use, as "which one?" when it offers options."""
        assert result.elicit is not None
        asked = self._ask(turn, frame, result.elicit, result.reply)
        if not result.options:
            return asked
        clarifying = {"slot": result.elicit, "options": list(result.options)}
        return replace(asked, state=replace(asked.state, clarifying=clarifying))

    # ------------------------------------------------------------------ 4: the answer
    def _fulfil(self, turn: TurnInput, frame: Frame) -> DialogueOutcome:
        intent, slots, state = frame.intent, frame.slots, turn.state
        # A plan's month was read when the message reached handle() (and outlives the turn:
        # "make it 10 days" is still the August trip); other tasks use the message's own.
        plan = intent.name == "PlanTrip"
        month = state.trip_month if plan else find_month(turn.message, turn.today)
        result = self._fulfiller.fulfil(intent.name, slots, replace(turn.ctx, month=month))
        if result.elicit is not None:
            slots.pop(result.elicit, None)
            return self._ask_options(turn, frame, result)
        lead = frame.sentences(self._model.responses["changed"])
        fulfilled = result.dialog_state == "Fulfilled"
        new_state = _kept(state, slots)
        new_state.intent = intent.name
        new_state.completed = True
        new_state.round_trip = frame.round_trip
        new_state.offer = OFFERS.get(intent.name) if fulfilled else None
        new_state.focus = next(iter(frame.said)) if len(frame.said) == 1 else None
        if fulfilled:
            new_state.answered = _remember(state.answered, intent.name, slots)
        if intent.name == "FindFlights" and BOOK_RE.search(turn.message):
            # Booking is not possible; the search is what it can do instead, and stays offered.
            lead.append(response(self._model, "cannot_book", {}, "FindFlights"))
            new_state.offer, new_state.instead = "FindFlights", True
        reply = " ".join([*lead, result.reply])
        if frame.paused:  # the side task is answered: back to the interrupted one
            resumed = _kept(new_state, {})
            resumed.intent = str(frame.paused.get("intent"))
            resumed.slots = dict(frame.paused.get("slots") or {})
            resumed.eliciting_slot = frame.paused.get("eliciting_slot")
            resumed.round_trip = bool(frame.paused.get("round_trip"))
            resumed.aside = intent.name
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


def _kept(state: DialogueState, slots: dict[str, SlotValue]) -> DialogueState:
    """A fresh state that keeps what outlives a task turn: the last place, date and currency
    (``slots``' if it names them), the answers so far and the turn count."""
    return DialogueState(
        slots=dict(slots),
        last_place=str(slots.get("destination") or state.last_place or "") or None,
        last_date=str(slots.get("date") or state.last_date or "") or None,
        last_currency=currency_of(slots) or state.last_currency,
        turn_count=state.turn_count,
        answered={k: dict(v) for k, v in state.answered.items()},
        trip_month=state.trip_month,
    )


def _remember(
    answered: dict[str, dict[str, Any]], intent: str, slots: dict[str, SlotValue]
) -> dict[str, dict[str, Any]]:
    """``answered`` with ``intent``'s latest answer, moved last (the most recent)."""
    kept = {k: dict(v) for k, v in answered.items() if k != intent}
    kept[intent] = dict(slots)
    return kept


def re_date(value: str) -> bool:
    """True for an ISO day (``2027-04-03``)."""
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None
