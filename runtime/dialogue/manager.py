"""The dialogue manager: decides each reply from the session's state and what the NLU read.

It routes one message (in this order):

1. an answer to a "which one?" question (:mod:`runtime.dialogue.clarify`) fills that slot;
2. a yes to the last reply's offer starts the offered task, with whatever else was said
   ("yes please, from Boston"); a no closes politely;
3. a task intent (plan, weather, flights) goes to :class:`runtime.dialogue.tasks.TaskDialogue`,
   which keeps the task after its answer for refinements, corrections and digressions;
4. cancel, goodbye, misunderstandings and side answers go to
   :class:`runtime.dialogue.repair.Repair`, which resumes the task in progress.

It also gives the NLU the context to read the next message in (:meth:`nlu_context`), as Lex
receives its session state. Negative sentiment makes the reply empathetic.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from runtime.dialogue.clarify import pick
from runtime.dialogue.fulfilment import Fulfiller, FulfilmentContext
from runtime.dialogue.repair import Repair
from runtime.dialogue.tasks import ONE_WAY_RE, ROUND_TRIP_RE, TaskDialogue
from runtime.dialogue.topics import out_of_scope
from runtime.dialogue.turn import TASK_INTENTS, DialogueOutcome, TurnInput
from runtime.model import BotModel
from runtime.nlu.in_context import accepts
from runtime.nlu.text import tokenize
from runtime.types import DialogueState, NluContext, SlotValue, Understanding

__all__ = ["TASK_INTENTS", "DialogueManager", "DialogueOutcome"]

YES_HEADS = frozenset(
    {"yes", "yeah", "yep", "yup", "ya", "sure", "ok", "okay", "alright", "please", "absolutely"}
)
YES_WORDS = YES_HEADS | frozenset(
    """
    do go ahead why not sounds good great perfect cool lovely nice that would be let's lets it
    for thanks thank you sure thing deal fine by me please
    """.split()  # noqa: SIM905 - a word list reads better as text
)


def plain_yes(text: str) -> bool:
    """A yes and nothing more ("yes please", "yeah why not", "sure, sounds great"); "ok thanks"
    and "great, thanks" are thank-yous, not a yes."""
    words = [t.text for t in tokenize(text)]
    if text.strip().lower().startswith("of course"):
        return all(w in YES_WORDS | {"of", "course"} for w in words)
    if not words or words[0] not in YES_HEADS or any(w not in YES_WORDS for w in words):
        return False
    return not (words[0] in ("ok", "okay", "alright") and ("thanks" in words or "thank" in words))


TRIP_TYPE_RE = re.compile(f"{ONE_WAY_RE.pattern}|{ROUND_TRIP_RE.pattern}", re.IGNORECASE)
ACKNOWLEDGE_RE = re.compile(
    r"(?:ok|okay|alright|all right|right|cool|got it|i see|fine|hmm+|sure|noted)", re.IGNORECASE
)
APOLOGY_RE = re.compile(r"\W*(?:sorry|oops|my bad|apologies|whoops)\b", re.IGNORECASE)
DECLINE_RE = re.compile(
    r"(?:no|nope|nah|not now|maybe later|no need|i'm good|im good|not really)"
    r"(?:,? (?:thanks|thank you|that's all|i'm fine))?",
    re.IGNORECASE,
)


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
            if empathy:
                outcome = replace(outcome, reply=f"{empathy} {outcome.reply}")
        return outcome

    @staticmethod
    def _upset(understanding: Understanding, message: str, outcome: DialogueOutcome) -> bool:
        """Negative sentiment that deserves empathy: not an apology ("sorry, I meant …"), a
        polite no, thanks, cancel or goodbye."""
        if understanding.sentiment.label != "negative":
            return False
        if outcome.intent in ("Goodbye", "Thanks", "Cancel"):
            return False
        text = message.strip().rstrip(".!")
        return APOLOGY_RE.match(text) is None and DECLINE_RE.fullmatch(text) is None

    def _route(self, turn: TurnInput) -> DialogueOutcome:
        early = self._clarified(turn) or self._answer_to_offer(turn)
        if early is not None:
            return early
        text = turn.message.strip().rstrip(".!")
        name = turn.nlu.intent
        if (
            name in ("FallbackIntent", "SmallTalk")
            and turn.in_task
            and ACKNOWLEDGE_RE.fullmatch(text)
        ):
            return self._repair.acknowledged(turn)  # "ok" while asked something: ask again
        name = self._intent_of(turn, text)
        if name in TASK_INTENTS:
            return self._tasks.handle(turn, name, dict(turn.nlu.slots))
        if name == "Cancel":
            return self._repair.cancel(turn)
        if name == "Goodbye":
            return self._repair.goodbye(turn)
        if name == "FallbackIntent" or name not in self._model.intents:
            return self._repair.misunderstood(turn)
        return self._repair.side_answer(turn, name)

    @staticmethod
    def _intent_of(turn: TurnInput, text: str) -> str:
        """The NLU's intent, read again where the words say more than the classifier did."""
        name = turn.nlu.intent
        if out_of_scope(name, text):
            return "OutOfScope"  # "do you sell insurance?", "I need a hotel in Rome": known asks
        if (
            name == "FallbackIntent"
            and turn.state.intent == "FindFlights"
            and TRIP_TYPE_RE.search(text)
        ):
            return "FindFlights"  # "just one way please": a change to the flight search in hand
        return name

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
        chosen: dict[str, SlotValue] = {slot: choice}
        nlu = replace(turn.nlu, intent=state.intent, slots=chosen, ambiguous={}, unresolved={})
        calm = replace(turn, state=replace(state, clarifying=None), nlu=nlu)
        return self._tasks.handle(calm, state.intent, chosen)

    def _answer_to_offer(self, turn: TurnInput) -> DialogueOutcome | None:
        """A yes (the offered task, with what else was said) or a no to the last offer."""
        state = turn.state
        if state.offer not in TASK_INTENTS:
            return None
        offer = str(state.offer)
        text = turn.message.strip().rstrip(".!")
        seeds: dict[str, SlotValue] = {"destination": state.last_place} if state.last_place else {}
        plain = replace(turn, state=replace(state, offer=None))
        nlu = turn.nlu
        if plain_yes(text):
            return self._tasks.handle(plain, offer, {}, seeds=seeds)
        if accepts(turn.message) and nlu.intent == offer:  # "yes please, from Boston"
            intent = self._model.intent(offer)
            said = {k: v for k, v in nlu.slots.items() if intent.slot(k) is not None}
            return self._tasks.handle(plain, offer, said, seeds=seeds)
        if DECLINE_RE.fullmatch(text):
            return self._repair.declined(turn)
        return None
