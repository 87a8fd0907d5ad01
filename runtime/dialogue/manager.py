"""The dialogue manager: multi-turn slot filling over whichever NLU answered.

It keeps per-session state (active intent, filled slots, the slot being asked for, the last
place talked about), elicits missing slots with the bot model's prompts, lets the user switch
intent mid-dialogue, carries the last place over ("what's the weather there?"), and hands
complete intents to fulfilment. Negative sentiment makes the reply empathetic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from runtime.dialogue.fulfilment import Fulfiller, FulfilmentContext
from runtime.dialogue.money import format_money
from runtime.model import BotModel, Intent
from runtime.types import DialogueState, SlotValue, Understanding

TASK_INTENTS = ("PlanTrip", "CheckWeather", "FindFlights")
ACCEPT_RE = re.compile(
    r"(yes|yeah|yep|yup|sure|ok|okay|please|please do|go ahead|why not|sounds good)"
    r"(,? (please|thanks|thank you|do|sure))?",
    re.IGNORECASE,
)
DECLINE_RE = re.compile(r"(no|nope|nah|not now|maybe later)(,? (thanks|thank you))?", re.IGNORECASE)
OFFERS = {"PlanTrip": "FindFlights"}  # PlanTrip's reply ends by offering flights there
PLACE_REFERENCE_RE = re.compile(
    r"\b(there|that city|that place|same place|same city)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class DialogueOutcome:
    """The reply to send and what to report and remember."""

    reply: str
    intent: str
    slots: dict[str, SlotValue]
    dialog_state: str
    state: DialogueState = field(default_factory=DialogueState)


def display(value: SlotValue) -> str:
    """A slot value as it reads in a sentence."""
    if isinstance(value, dict):
        return format_money(float(value["amount"]), str(value["currency"]))
    return str(value)


class DialogueManager:
    """Decides the next reply from the state and one :class:`Understanding`."""

    def __init__(self, model: BotModel, fulfiller: Fulfiller) -> None:
        self._model = model
        self._fulfiller = fulfiller

    def respond(
        self,
        state: DialogueState,
        understanding: Understanding,
        message: str,
        ctx: FulfilmentContext,
    ) -> DialogueOutcome:
        """The outcome of one user message; ``state`` is not modified."""
        state = replace(state, slots=dict(state.slots), turn_count=state.turn_count + 1)
        nlu = understanding.nlu
        answer = self._answer_to_offer(state, nlu.intent, message)
        if answer is not None:
            outcome = (
                answer
                if isinstance(answer, DialogueOutcome)
                else self._task(
                    state, answer, {"destination": state.last_place or ""}, message, ctx
                )
            )
        elif nlu.intent in TASK_INTENTS:
            outcome = self._task(state, nlu.intent, dict(nlu.slots), message, ctx)
        elif nlu.intent == "FallbackIntent":
            outcome = self._fallback(state)
        else:
            outcome = self._small_talk(state, nlu.intent)
        if understanding.sentiment.label == "negative" and outcome.intent != "Goodbye":
            empathy = self._model.responses.get("empathy", "")
            if empathy:
                outcome = replace(outcome, reply=f"{empathy} {outcome.reply}")
        return outcome

    def _answer_to_offer(
        self, state: DialogueState, intent: str, message: str
    ) -> str | DialogueOutcome | None:
        """A yes (the offered intent) or a no (a polite close) to the last reply's offer."""
        if state.offer is None or not state.last_place or intent in TASK_INTENTS:
            return None
        text = message.strip().rstrip(".!")
        if ACCEPT_RE.fullmatch(text):
            return state.offer
        if DECLINE_RE.fullmatch(text):
            reply = self._model.responses["offer_declined"]
            kept = DialogueState(last_place=state.last_place, turn_count=state.turn_count)
            return DialogueOutcome(reply, intent, {}, "Fulfilled", kept)
        return None

    # ------------------------------------------------------------------ task intents
    def _task(
        self,
        state: DialogueState,
        name: str,
        slots: dict[str, SlotValue],
        message: str,
        ctx: FulfilmentContext,
    ) -> DialogueOutcome:
        intent = self._model.intent(name)
        merged = dict(state.slots) if state.intent == name else {}
        merged.update(slots)
        wants_place = intent.slot("destination") is not None and "destination" not in merged
        if (
            wants_place
            and state.last_place
            and (PLACE_REFERENCE_RE.search(message) or name == "CheckWeather")
        ):
            merged["destination"] = state.last_place
        if (
            name == "FindFlights"
            and merged.get("origin")
            and merged.get("origin") == merged.get("destination")
        ):
            merged.pop("destination")
            return self._elicit(
                state, intent, merged, "destination", "Origin and destination are the same. "
            )
        merged = {s.name: merged[s.name] for s in intent.slots if s.name in merged}
        missing = next((s.name for s in intent.slots if s.required and s.name not in merged), None)
        if missing is not None:
            return self._elicit(state, intent, merged, missing)
        result = self._fulfiller.fulfil(name, merged, ctx)
        last_place = str(merged.get("destination", state.last_place or "")) or None
        if result.elicit is not None:
            merged.pop(result.elicit, None)
            elicited = self._elicit(state, intent, merged, result.elicit)
            return replace(
                elicited,
                reply=f"{result.reply}",
                state=replace(elicited.state, last_place=last_place),
            )
        offer = OFFERS.get(name) if result.dialog_state == "Fulfilled" else None
        new_state = DialogueState(last_place=last_place, turn_count=state.turn_count, offer=offer)
        return DialogueOutcome(result.reply, name, merged, result.dialog_state, new_state)

    def _elicit(
        self,
        state: DialogueState,
        intent: Intent,
        slots: dict[str, SlotValue],
        slot_name: str,
        prefix: str = "",
    ) -> DialogueOutcome:
        slot = intent.slot(slot_name)
        assert slot is not None
        known = {k: display(v) for k, v in slots.items()}
        try:
            prompt = slot.prompt.format(**known)
        except KeyError:
            prompt = re.sub(r"\s*(?:for|in|to) \{\w+\}[^ ?]*", "", slot.prompt)
            prompt = re.sub(r"\{\w+\}\s*", "", prompt)
        last_place = str(slots.get("destination", state.last_place or "")) or None
        new_state = DialogueState(
            intent=intent.name,
            slots=slots,
            eliciting_slot=slot_name,
            last_place=last_place,
            turn_count=state.turn_count,
        )
        return DialogueOutcome(prefix + prompt, intent.name, slots, "ElicitSlot", new_state)

    # ------------------------------------------------------------------ others
    def _pending_prompt(self, state: DialogueState) -> DialogueOutcome | None:
        if state.intent in TASK_INTENTS and state.eliciting_slot:
            return self._elicit(
                state, self._model.intent(state.intent), dict(state.slots), state.eliciting_slot
            )
        return None

    def _fallback(self, state: DialogueState) -> DialogueOutcome:
        responses = self._model.intent("FallbackIntent").responses
        pending = self._pending_prompt(state)
        if pending is not None:
            return replace(pending, reply=f"Sorry, I didn't get that. {pending.reply}")
        count = state.fallback_count + 1
        reply = responses["retry"] if count > 1 and "retry" in responses else responses["fulfilled"]
        new_state = DialogueState(
            last_place=state.last_place, turn_count=state.turn_count, fallback_count=count
        )
        return DialogueOutcome(reply, "FallbackIntent", {}, "ElicitIntent", new_state)

    def _small_talk(self, state: DialogueState, name: str) -> DialogueOutcome:
        reply = self._model.intent(name).responses["fulfilled"]
        if name == "Goodbye":
            return DialogueOutcome(
                reply, name, {}, "Fulfilled", DialogueState(turn_count=state.turn_count)
            )
        pending = self._pending_prompt(state)
        if pending is not None:  # keep the open question after "help" or "hi"
            return DialogueOutcome(f"{reply} {pending.reply}", name, {}, "Fulfilled", pending.state)
        new_state = DialogueState(last_place=state.last_place, turn_count=state.turn_count)
        return DialogueOutcome(reply, name, {}, "Fulfilled", new_state)
