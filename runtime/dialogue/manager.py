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

from collections.abc import Callable
from dataclasses import replace

from runtime.dialogue.clarify import pick
from runtime.dialogue.cues import (
    ACKNOWLEDGE_RE,
    APOLOGY_RE,
    CORRECTION_RE,
    DECLINE_RE,
    ELLIPSIS_RE,
    called_off,
    plain_yes,
    settles_for,
    trip_type_change,
)
from runtime.dialogue.fulfilment import Fulfiller, FulfilmentContext
from runtime.dialogue.repair import Repair, dropped
from runtime.dialogue.tasks import TaskDialogue
from runtime.dialogue.topics import (
    OUT_OF_SCOPE_TOPICS,
    SMALL_TALK_TOPICS,
    asks_weather,
    only_task,
    out_of_scope,
    topic_of,
)
from runtime.dialogue.turn import TASK_INTENTS, DialogueOutcome, TurnInput
from runtime.model import BotModel
from runtime.nlu.in_context import accepts
from runtime.types import DialogueState, NluContext, SlotValue, Understanding

__all__ = ["TASK_INTENTS", "DialogueManager", "DialogueOutcome"]


EMPATHY_AT = 0.2
"""How negative a message must be for an empathetic opening: "could I leave a day later?" is
barely negative by its words ("leave"), "this is so frustrating" plainly is."""
CLEAR_TOPICS = frozenset({"joke", "bored", "how_are_you"})
"""Small-talk topics whose words say it plainly, even when the classifier is unsure."""


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
        return APOLOGY_RE.match(text) is None and DECLINE_RE.fullmatch(text) is None

    def _route(self, turn: TurnInput) -> DialogueOutcome:
        early = self._clarified(turn) or self._answer_to_offer(turn)
        if early is not None:
            return early
        text = turn.message.strip().rstrip(".!")
        off = called_off(text)
        if off is not None and off[1] and turn.nlu.intent != "Cancel":
            # "forget the trip, what's the weather in Athens?": drop it, then answer the rest
            turn = replace(turn, state=dropped(turn.state, off[0]))
        elif off is not None and not off[1]:
            return self._repair.cancel(turn)  # "never mind the weather"
        name = turn.nlu.intent
        if name in ("FallbackIntent", "SmallTalk") and ACKNOWLEDGE_RE.fullmatch(text):
            if turn.in_task:
                return self._repair.acknowledged(turn)  # "ok" while asked something: ask again
            return self._repair.side_answer(turn, "SmallTalk")  # "yes" with nothing asked
        aside = self._aside(turn, text)
        if aside is not None:
            return self._tasks.handle(turn, aside, dict(turn.nlu.slots))
        name = self._intent_of(turn, text)
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

    def _aside(self, turn: TurnInput, text: str) -> str | None:
        """The side task just answered, when the message asks it again about something else
        ("and in Whistler?" after the weather, while a trip is being planned); else None.

        Read in the context of the task at hand, such a fragment looks like a change to it; but
        an elliptical question follows the last question asked, unless it says it corrects
        ("actually", "instead", "make it")."""
        state, nlu = turn.state, turn.nlu
        aside = state.aside
        if aside not in TASK_INTENTS or aside == state.intent or not nlu.slots:
            return None
        if not ELLIPSIS_RE.match(text) or CORRECTION_RE.search(text):
            return None
        if nlu.intent not in (state.intent, aside, "FallbackIntent"):
            return None
        intent = self._model.intent(str(aside))
        return str(aside) if all(intent.slot(k) is not None for k in nlu.slots) else None

    @staticmethod
    def _intent_of(turn: TurnInput, text: str) -> str:
        """The NLU's intent, read again where the words say more than the classifier did."""
        name = turn.nlu.intent
        if out_of_scope(name, text):
            return "OutOfScope"  # "do you sell insurance?", "I need a hotel in Rome": known asks
        if name == "OutOfScope" and topic_of(text, OUT_OF_SCOPE_TOPICS) is None:
            task = only_task(text)
            if task is not None:
                return task  # "how much is a flight to Paris?": nothing it cannot do is named
        if name == "FallbackIntent" and topic_of(text, SMALL_TALK_TOPICS) in CLEAR_TOPICS:
            return "SmallTalk"  # "tell me something funny", "so bored": plainly small talk
        state = turn.state
        if (
            name == "CheckWeather"
            and not asks_weather(text)
            and "date" not in turn.nlu.slots
            and "CheckWeather" not in (state.intent, state.aside)
            and not ELLIPSIS_RE.match(text)
        ):
            # "any tips for visiting Rome?" is a plan; "what's the population of Japan?" neither
            return only_task(text) or "OutOfScope"
        if (
            state.intent == "FindFlights"
            and name not in ("FindFlights", "Cancel", "Goodbye")
            and trip_type_change(text)
        ):
            return "FindFlights"  # "can you do one way only?": the flight search in hand changes
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
        text = turn.message.strip().rstrip(".!")
        seeds: dict[str, SlotValue] = {"destination": state.last_place} if state.last_place else {}
        plain = replace(turn, state=replace(state, offer=None, instead=False))
        nlu = turn.nlu
        if plain_yes(text):
            return self._tasks.handle(plain, offer, {}, seeds=seeds)
        if (accepts(turn.message) and nlu.intent == offer) or (
            state.instead and settles_for(offer, nlu.intent, text)
        ):
            # "yes please, from Boston"; after "I can't …, but I can …": "ok, just show me then"
            intent = self._model.intent(offer)
            said = {k: v for k, v in nlu.slots.items() if intent.slot(k) is not None}
            return self._tasks.handle(plain, offer, said, seeds=seeds)
        if DECLINE_RE.fullmatch(text):
            return self._repair.declined(turn)
        return None
