"""What one dialogue turn works on, and what it gives back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from runtime.dialogue.context import Fulfilled, FulfilmentContext
from runtime.nlu.text import without_fillers
from runtime.types import DialogueState, NluResult, SlotValue

TASK_INTENTS = ("PlanTrip", "CheckWeather", "FindFlights")


@dataclass(frozen=True)
class DialogueOutcome:
    """The reply to send and what to report and remember.

    ``result`` is the fulfilment this reply includes (its typed ``details`` become a card), None
    when the turn fulfilled nothing; the question the reply asks, if any, is in ``state``.
    """

    reply: str
    intent: str
    slots: dict[str, SlotValue]
    dialog_state: str
    state: DialogueState = field(default_factory=DialogueState)
    result: Fulfilled | None = None


@dataclass(frozen=True)
class TurnInput:
    """One user message as the dialogue sees it: the state before it, what the NLU read, the
    text itself and the fulfilment context (whose clock gives "today")."""

    state: DialogueState
    nlu: NluResult
    message: str
    ctx: FulfilmentContext

    @property
    def text(self) -> str:
        """The message as the dialogue's cues read it: no opening hesitation ("hmm, and in
        Whistler?"), no closing full stop."""
        return without_fillers(self.message)

    @property
    def today(self) -> dt.date:
        """The turn's calendar day in UTC."""
        return dt.datetime.fromtimestamp(self.ctx.now_ms / 1000, dt.UTC).date()

    @property
    def in_task(self) -> bool:
        """True when a task is being filled (not merely remembered after its answer)."""
        state = self.state
        return bool(state.intent in TASK_INTENTS and not state.completed and state.eliciting_slot)
