"""The dialogue manager: decides each reply from the session's state and what the NLU read.

It routes one message (in this order):

1. an answer to a "which one?" question (:mod:`runtime.dialogue.clarify`) fills that slot, and
   whatever else it says fills the rest;
2. a yes to the last reply's offer starts the offered task, with whatever else was said
   ("yes please, from Boston"), and so do asking for that task ("and flights?") and settling
   for what a cannot-handle reply offered instead ("ok, just show me the options then"); a no
   closes politely;
3. a message that calls something off either is a cancel ("never mind the weather") or drops
   the task at hand before the rest of it is read ("forget the trip, what's the weather in
   Athens?");
4. the intent is read again in the conversation (:mod:`runtime.dialogue.rereading`): an
   elliptical question after a side answer asks that side question again; the words of a
   task, of small talk or of something the bot cannot do correct the classifier;
5. a task intent (plan, weather, flights) goes to :class:`runtime.dialogue.tasks.TaskDialogue`,
   which keeps every task's answer for refinements, corrections and digressions;
6. cancel, goodbye, misunderstandings and side answers go to
   :class:`runtime.dialogue.repair.Repair`, which resumes the task in progress.

It also gives the NLU the context to read the next message in (:meth:`nlu_context`), as Lex
receives its session state. Plainly negative sentiment makes the reply empathetic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from runtime.dialogue.clarify import pick
from runtime.dialogue.cues import (
    ACKNOWLEDGE_RE,
    APOLOGY_RE,
    DECLINE_OPENING_RE,
    VENTING_RE,
    called_off,
    declines,
    plain_yes,
    settles_for,
)
from runtime.dialogue.fulfilment import Fulfiller, FulfilmentContext
from runtime.dialogue.repair import Repair, dropped
from runtime.dialogue.rereading import aside_asked, intent_of, reopened_slot
from runtime.dialogue.tasks import TaskDialogue
from runtime.dialogue.turn import TASK_INTENTS, DialogueOutcome, TurnInput
from runtime.model import BotModel
from runtime.types import DialogueState, NluContext, SlotValue, Understanding

__all__ = ["TASK_INTENTS", "DialogueManager", "DialogueOutcome"]


EMPATHY_AT = 0.2
"""How negative a message must be for an empathetic opening: "could I leave a day later?" is
barely negative by its words ("leave"), "this is so frustrating" plainly is."""


class DialogueManager:
    """Decides the next reply from the state and one :class:`Understanding`."""

    def __init__(
        self,
        model: BotModel,
        fulfiller: Fulfiller,
        *,
        describe: Callable[[str], str] | None = None,
    ) -> None:
        """``describe`` names a slot value to a person when asking which one was meant (a
        place's canonical name -> "Valencia, Spain"); values are shown as they are without it."""
        self._model = model
        self._tasks = TaskDialogue(model, fulfiller, describe=describe)
        self._repair = Repair(model, self._tasks)

    @staticmethod
    def nlu_context(state: DialogueState, session_id: str) -> NluContext:
        """What the NLU should know to read the next message of this session."""
        clarifying = (state.clarifying or {}).get("slot")
        return NluContext(
            session_id=session_id,
            active_intent=state.intent,
            eliciting_slot=clarifying or state.eliciting_slot,
            slots=dict(state.slots),
            completed=state.completed,
            offered_intent=state.offer,
            focus_slot=state.focus if state.completed else None,
            answered={k: dict(v) for k, v in state.answered.items()},
        )

    def respond(
        self,
        state: DialogueState,
        understanding: Understanding,
        message: str,
        ctx: FulfilmentContext,
    ) -> DialogueOutcome:
        """The outcome of one user message; ``state`` is not modified."""
        state = replace(state, slots=dict(state.slots), turn_count=state.turn_count + 1)
        turn = TurnInput(state, understanding.nlu, message, ctx)
        outcome = self._route(turn)
        if outcome.intent != "FallbackIntent" and outcome.state.fallback_count:
            outcome = replace(outcome, state=replace(outcome.state, fallback_count=0))
        if self._upset(understanding, message, outcome):
            empathy = self._model.responses.get("empathy", "")
            vents = VENTING_RE.search(message) is not None
            if empathy and vents and outcome.intent == "FallbackIntent" and not turn.nlu.slots:
                # "ugh i hate planning trips": venting, not a request to misunderstand
                return self._repair.vented(turn, empathy)
            if empathy:
                outcome = replace(outcome, reply=f"{empathy} {outcome.reply}")
        return outcome

    @staticmethod
    def _upset(understanding: Understanding, message: str, outcome: DialogueOutcome) -> bool:
        """Negative sentiment that deserves empathy: not an apology or a correction ("sorry, I
        meant …", "no wait, 6 days"), a polite no, thanks, cancel, goodbye or small talk."""
        sentiment = understanding.sentiment
        if sentiment.label != "negative" or sentiment.score < EMPATHY_AT:
            return False
        if outcome.intent in ("Goodbye", "Thanks", "Cancel", "SmallTalk"):
            return False  # small talk has its own answer to a mood ("Sorry about that …")
        text = message.strip().rstrip(".!")
        if called_off(text) is not None:
            return False  # "forget it, …" calls something off; it is no complaint
        return APOLOGY_RE.match(text) is None and DECLINE_OPENING_RE.match(text) is None

    def _route(self, turn: TurnInput) -> DialogueOutcome:
        early = self._clarified(turn) or self._answer_to_offer(turn)
        if early is not None:
            return early
        text = turn.text
        off = called_off(text)
        if off is not None and not off[1]:
            return self._repair.cancel(turn)  # "never mind the weather"
        if off is not None and turn.nlu.intent != "Cancel":
            # "forget the trip, what's the weather in Athens?": drop it, then answer the rest
            turn = replace(turn, state=dropped(turn.state, off[0]))
        follow_up = self._follow_up(turn, text)
        if follow_up is not None:
            return follow_up
        name = intent_of(turn, text)
        if name == "OutOfScope" and turn.nlu.intent != name and not turn.nlu.slots:
            # Not understood, but about something the bot cannot do: name what was said.
            turn = replace(turn, nlu=replace(turn.nlu, slots=dict(turn.nlu.mentioned)))
        if name in TASK_INTENTS:
            return self._tasks.handle(turn, name, dict(turn.nlu.slots))
        if name == "Cancel":
            return self._repair.cancel(turn)
        if name == "Goodbye":
            return self._repair.goodbye(turn)
        if name == "FallbackIntent" or name not in self._model.intents:
            return self._repair.misunderstood(turn)
        return self._repair.side_answer(turn, name)

    def _follow_up(self, turn: TurnInput, text: str) -> DialogueOutcome | None:
        """A reply that follows from the last one rather than from the intent read: an "ok" or
        a "yes" with nothing offered, the side question asked again ("and in Whistler?"), a
        slot to change without its new value ("can you make it cheaper?"); None otherwise."""
        if turn.nlu.intent in ("FallbackIntent", "SmallTalk") and ACKNOWLEDGE_RE.fullmatch(text):
            if turn.in_task:
                return self._repair.acknowledged(turn)  # "ok" while asked something: ask again
            return self._repair.side_answer(turn, "SmallTalk")  # "yes" with nothing asked
        aside = aside_asked(self._model, turn, text)
        if aside is not None:
            return self._tasks.handle(turn, aside, dict(turn.nlu.slots))
        reopened = reopened_slot(self._model, turn, text)
        if reopened is not None:
            return self._tasks.reopen(turn, *reopened)
        return None

    def _clarified(self, turn: TurnInput) -> DialogueOutcome | None:
        """The option the message picks, filled into the task that asked; None if none."""
        state = turn.state
        if not state.clarifying or state.intent not in TASK_INTENTS:
            return None
        clarifying = state.clarifying
        slot = str(clarifying.get("slot"))
        options = [str(o) for o in clarifying.get("options", [])]
        labels = [str(o) for o in clarifying.get("labels") or options]
        if len(labels) != len(options):
            labels = options
        understood = turn.nlu.slots.get(slot)
        if isinstance(understood, str) and understood in options:
            understood = labels[options.index(understood)]
        label = pick(turn.message, understood, labels)
        if label is None or state.intent is None:
            return None
        choice = options[labels.index(label)]
        nlu = turn.nlu
        same_task = nlu.intent == state.intent
        # The answer may carry more ("the one in Oregon, and $1000"): every other slot it fills.
        chosen: dict[str, SlotValue] = {
            **{k: v for k, v in nlu.slots.items() if same_task and k != slot},
            slot: choice,
        }
        nlu = replace(
            nlu,
            intent=state.intent,
            slots=chosen,
            ambiguous={k: v for k, v in nlu.ambiguous.items() if same_task and k != slot},
            unresolved={k: v for k, v in nlu.unresolved.items() if same_task and k != slot},
        )
        calm = replace(turn, state=replace(state, clarifying=None), nlu=nlu)
        return self._tasks.handle(calm, state.intent, chosen)

    def _answer_to_offer(self, turn: TurnInput) -> DialogueOutcome | None:
        """A yes (the offered task, with what else was said) or a no to the last offer."""
        state = turn.state
        if state.offer not in TASK_INTENTS:
            return None
        offer = str(state.offer)
        text = turn.text
        seeds: dict[str, SlotValue] = {"destination": state.last_place} if state.last_place else {}
        plain = replace(turn, state=replace(state, offer=None, instead=False))
        nlu = turn.nlu
        if plain_yes(text):
            return self._tasks.handle(plain, offer, {}, seeds=seeds)
        if nlu.intent == offer or (state.instead and settles_for(offer, nlu.intent, text)):
            # "yes please, from Boston", "and flights?" (what the message says wins over the
            # seeds); after "I can't …, but I can …": "ok, just show me the options then"
            intent = self._model.intent(offer)
            said = {k: v for k, v in nlu.slots.items() if intent.slot(k) is not None}
            return self._tasks.handle(plain, offer, said, seeds=seeds)
        if declines(text):
            return self._repair.declined(turn)
        return None
