"""Conversation repair: side questions, thanks, cancel, goodbye and misunderstandings.

Modelled on the repair patterns Rasa's CALM ships (chitchat, cannot-handle, cancel, completed,
repeated misunderstanding) with the interrupted task always resumed:

- a side question (help, small talk, a greeting, something the bot cannot do) is answered,
  then the task in progress asks its next question again ("Back to your Tokyo trip: …");
- small talk gets a short answer chosen by topic; an out-of-scope request gets an honest
  "I can't …, but I can …" that names what it can do with the place that was mentioned, and
  offers to plan it;
- thanks keeps the task; cancel drops the task at hand (a paused one comes back) and "start
  over" drops everything; goodbye closes and forgets;
- a misunderstanding repeats the pending question, and a second one in a row offers choices
  and examples in other words, never the same sentence twice.
"""

from __future__ import annotations

import re
from dataclasses import replace

from runtime.dialogue.cues import called_off
from runtime.dialogue.display import response, shown, task_label
from runtime.dialogue.tasks import TaskDialogue
from runtime.dialogue.topics import OUT_OF_SCOPE_TOPICS, SMALL_TALK_TOPICS, topic_of
from runtime.dialogue.turn import TASK_INTENTS, DialogueOutcome, TurnInput
from runtime.model import BotModel
from runtime.types import DialogueState

START_OVER_RE = re.compile(
    r"\b(?:start over|start again|from scratch|everything|all of it|all that|reset|restart)\b",
    re.IGNORECASE,
)


SELF_INVITING = frozenset({"complaint", "bored", "identity"})
"""Small-talk answers that already say what the bot can do: no invitation after them."""


class Repair:
    """Replies that are not a task's answer (see the module docstring)."""

    def __init__(self, model: BotModel, tasks: TaskDialogue) -> None:
        self._model = model
        self._tasks = tasks

    def side_answer(self, turn: TurnInput, name: str) -> DialogueOutcome:
        """Greeting, help, small talk, thanks or out of scope; the task in progress goes on."""
        state = turn.state
        responses = self._model.intent(name).responses
        intent = self._model.intent(name)
        slots = {k: v for k, v in turn.nlu.slots.items() if intent.slot(k) is not None}
        kept = replace(state, offer=None, instead=False, fallback_count=0)
        if name == "OutOfScope":
            text, kept = self._cannot(turn, kept)
        elif name == "SmallTalk":
            topic = topic_of(turn.message, SMALL_TALK_TOPICS) or "fulfilled"
            text = responses.get(topic, responses["fulfilled"])
            if not turn.in_task and topic not in SELF_INVITING:
                text = f"{text} {responses.get('invite', '')}".strip()
        elif turn.in_task and "in_task" in responses:
            text = responses["in_task"]
        else:
            text = responses["fulfilled"]
        if name == "Greeting" and topic_of(turn.message, SMALL_TALK_TOPICS) == "how_are_you":
            # "hey, how are you?": the question is answered before the greeting's offer
            asked = self._model.intent("SmallTalk").responses.get("how_are_you", "")
            text = f"{asked} {text}".strip()
        if turn.in_task:
            text = f"{text} {self._tasks.resume_text(state, turn)}".strip()
        return DialogueOutcome(text, name, dict(slots), "Fulfilled", kept)

    def vented(self, turn: TurnInput, empathy: str) -> DialogueOutcome:
        """A message of frustration that asks for nothing ("ugh i hate planning trips"): empathy,
        then the task in progress goes on (or what the bot can do), with no "I didn't get that"
        and no misunderstanding counted."""
        state = replace(turn.state, offer=None, instead=False, fallback_count=0)
        if turn.in_task:
            follow = self._tasks.resume_text(state, turn)
        else:
            follow = self._model.intent("SmallTalk").responses.get("invite", "")
        return DialogueOutcome(f"{empathy} {follow}".strip(), "SmallTalk", {}, "Fulfilled", state)

    def _cannot(self, turn: TurnInput, kept: DialogueState) -> tuple[str, DialogueState]:
        """ "I can't …, but I can plan a trip to Rome …", offering to plan the place named."""
        topic = topic_of(turn.message, OUT_OF_SCOPE_TOPICS)
        place = turn.nlu.slots.get("destination")
        values = shown(turn.nlu.slots, turn.today)
        # What the request named stays for the task that follows ("ok, flights then").
        kept = replace(kept, mentioned=dict(turn.nlu.slots))
        if isinstance(place, str) and not turn.in_task:
            key = "topic_place" if topic else "place"
            text = response(self._model, key, {"topic": topic or "", **values}, "OutOfScope")
            return text, replace(kept, offer="PlanTrip", instead=True, last_place=place)
        if topic:
            return response(self._model, "topic", {"topic": topic}, "OutOfScope"), kept
        return self._model.intent("OutOfScope").responses["fulfilled"], kept

    def acknowledged(self, turn: TurnInput) -> DialogueOutcome:
        """ "ok" while a question is pending: the question again, as no misunderstanding."""
        state = replace(turn.state, offer=None, instead=False, fallback_count=0)
        question = self._tasks.pending_prompt(state, turn)
        intent = str(state.intent)
        return DialogueOutcome(question, intent, dict(state.slots), "ElicitSlot", state)

    def declined(self, turn: TurnInput) -> DialogueOutcome:
        """A no to the last offer: a polite close that keeps the context.

        The intent reported is ``Thanks`` for a no with thanks ("no thanks"), else ``Cancel``:
        the offer is what was called off, neither a misunderstanding nor a goodbye (the
        conversation goes on, so "maybe later" is no ``Goodbye``).
        """
        state = replace(turn.state, offer=None, instead=False, fallback_count=0)
        name = "Thanks" if turn.nlu.intent == "Thanks" else "Cancel"
        reply = self._model.responses["offer_declined"]
        return DialogueOutcome(reply, name, {}, "Fulfilled", state)

    def cancel(self, turn: TurnInput) -> DialogueOutcome:
        """Drop the task at hand and its slots; a paused task comes back unless starting over.

        A cancel that names another task than the one at hand ("never mind the weather" after
        a weather side question, "forget the trip" while flights interrupt it) drops only that
        one, and the task at hand goes on."""
        state = turn.state
        responses = self._model.intent("Cancel").responses
        off = called_off(turn.text)
        named = off[0] if off else None
        if named is not None and state.intent in TASK_INTENTS and named != state.intent:
            return self._cancel_other(turn, named)
        # The task goes, the traveller's currency stays (budgets are suggested in it).
        fresh = DialogueState(turn_count=state.turn_count, last_currency=state.last_currency)
        if state.intent is None:
            return DialogueOutcome(responses["nothing"], "Cancel", {}, "Fulfilled", fresh)
        label = task_label(self._model, state.intent, shown(state.slots, turn.today))
        text = responses["fulfilled"].format(task=label)
        paused = state.paused
        if paused and not START_OVER_RE.search(turn.message):
            resumed = DialogueState(
                intent=str(paused.get("intent")),
                slots=dict(paused.get("slots") or {}),
                eliciting_slot=paused.get("eliciting_slot"),
                turn_count=state.turn_count,
                last_currency=state.last_currency,
                round_trip=bool(paused.get("round_trip")),
                answered={k: v for k, v in state.answered.items() if k != state.intent},
            )
            back = self._tasks.resume_text(resumed, turn)
            if back:
                text = f"{responses['dropped'].format(task=label)} {back}"
                return DialogueOutcome(text, "Cancel", {}, "Fulfilled", resumed)
        return DialogueOutcome(text, "Cancel", {}, "Fulfilled", fresh)

    def _cancel_other(self, turn: TurnInput, named: str) -> DialogueOutcome:
        """Drop ``named``, which is not the task at hand: the paused task, or a side question
        already answered; the task at hand asks its question again."""
        state = turn.state
        responses = self._model.intent("Cancel").responses
        kept = dropped(state, named)
        text = responses.get("aside", responses["nothing"])
        paused = state.paused
        if paused and paused.get("intent") == named:
            values = shown(dict(paused.get("slots") or {}), turn.today)
            text = responses["dropped"].format(task=task_label(self._model, named, values))
        if turn.in_task:
            text = f"{text} {self._tasks.resume_text(kept, turn)}".strip()
        return DialogueOutcome(text, "Cancel", {}, "Fulfilled", kept)

    def goodbye(self, turn: TurnInput) -> DialogueOutcome:
        """Close politely and forget the conversation's state."""
        reply = self._model.intent("Goodbye").responses["fulfilled"]
        fresh = DialogueState(turn_count=turn.state.turn_count)
        return DialogueOutcome(reply, "Goodbye", {}, "Fulfilled", fresh)

    def misunderstood(self, turn: TurnInput) -> DialogueOutcome:
        """Not understood: the pending question again, then choices and examples."""
        state = turn.state
        count = state.fallback_count + 1
        kept = replace(state, fallback_count=count, offer=None, instead=False)
        responses = self._model.intent("FallbackIntent").responses
        level = "" if count <= 1 else ("_retry" if count % 2 == 0 else "_retry_again")
        if turn.in_task and state.intent is not None and state.eliciting_slot:
            if state.clarifying and count > 1:
                options = " or ".join(
                    shown({"o": o}, turn.today)["o"] for o in state.clarifying.get("options", [])
                )
                text = response(self._model, "clarify_retry", {"options": options})
            else:
                question = self._tasks.pending_prompt(state, turn)
                examples = self._examples(state.intent, state.eliciting_slot)
                template = responses.get(f"in_task{level}", responses["in_task"])
                text = template.format(prompt=question, examples=examples)
            return DialogueOutcome(text, "FallbackIntent", dict(state.slots), "ElicitSlot", kept)
        place = turn.nlu.mentioned.get("destination")
        if count == 1 and isinstance(place, str) and "place" in responses:
            # "tell me about Lisbon": not understood, but the place was; offer what can be done
            text = responses["place"].format(destination=place)
            kept = replace(
                kept,
                offer="PlanTrip",
                instead=True,
                last_place=place,
                mentioned=dict(turn.nlu.mentioned),
            )
            return DialogueOutcome(text, "FallbackIntent", {}, "ElicitIntent", kept)
        key = {"": "fulfilled", "_retry": "retry", "_retry_again": "retry_again"}[level]
        text = responses.get(key, responses["fulfilled"])
        return DialogueOutcome(text, "FallbackIntent", {}, "ElicitIntent", kept)

    def _examples(self, intent: str, slot: str) -> str:
        examples = self._model.slot_type_of(intent, slot).examples[:2]
        return " or ".join(f'"{e}"' for e in examples)


def dropped(state: DialogueState, named: str | None) -> DialogueState:
    """``state`` without the task ``named`` (None: the task at hand), its answer forgotten; the
    last place and date stay, as the conversation's context."""
    if named is not None and named != state.intent:
        paused = state.paused if (state.paused or {}).get("intent") != named else None
        answered = {k: v for k, v in state.answered.items() if k != named}
        aside = None if state.aside == named else state.aside
        return replace(state, paused=paused, answered=answered, aside=aside, offer=None)
    return DialogueState(
        last_place=state.last_place,
        last_date=state.last_date,
        turn_count=state.turn_count,
        paused=state.paused,
        answered={k: v for k, v in state.answered.items() if k != state.intent},
    )
