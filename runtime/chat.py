"""One chat turn from validated request to contract response.

Loads the session's dialogue state, understands the message (cloud NLUs or the embedded one),
lets the dialogue manager reply, stores the turn and the new state, and builds the ``/chat``
response. A store failure never costs the user the reply: reading degrades to a fresh state and
a failed write goes to the ``on_store_failure`` hook (the spool), to be replayed later.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger

from runtime.dialogue.fulfilment import FulfilmentContext
from runtime.dialogue.manager import DialogueManager
from runtime.errors import StoreError
from runtime.experiments import Experiments
from runtime.store.base import ConversationStore
from runtime.types import ChatRequest, DialogueState, Turn
from runtime.understanding import Understander

logger = Logger(child=True)

StoreFailureHook = Callable[[Turn, DialogueState, StoreError], None]


def new_session_id() -> str:
    """128 random bits, URL-safe (22 characters matching the contract's pattern)."""
    return secrets.token_urlsafe(16)


def turn_key(timestamp_ms: int) -> str:
    """A time-ordered, collision-resistant sort key: ``<13-digit ms>#<random>``."""
    return f"{timestamp_ms:013d}#{secrets.token_hex(4)}"


@dataclass(frozen=True)
class TurnContext:
    """Per-request facts the handler knows: link base URL and the time budget left."""

    base_url: str
    budget_s: float


def response_from_turn(turn: Turn, latency_ms: int) -> dict[str, Any]:
    """The ``/chat`` 200 body, exactly per the contract."""
    return {
        "sessionId": turn.session_id,
        "reply": turn.reply,
        "intent": turn.intent,
        "slots": turn.slots,
        "dialogState": turn.dialog_state,
        "nlu": {"provider": turn.nlu_provider, "confidence": turn.nlu_confidence},
        "sentiment": {"label": turn.sentiment_label, "score": turn.sentiment_score},
        "variant": turn.variant,
        "latencyMs": latency_ms,
    }


def _report_failure(turn: Turn, state: DialogueState, error: StoreError) -> None:
    logger.error(
        "history write failed; turn not stored",
        extra={"error": str(error), "turn_key": turn.turn_key},
    )


class ChatService:
    """Runs chat turns against injected collaborators (store, understander, dialogue, clock)."""

    def __init__(
        self,
        *,
        store: ConversationStore,
        understander: Understander,
        dialogue: DialogueManager,
        experiments: Experiments,
        clock: Callable[[], float] = time.time,
        on_store_failure: StoreFailureHook = _report_failure,
    ) -> None:
        self.store = store
        self._understander = understander
        self._dialogue = dialogue
        self._experiments = experiments
        self._clock = clock
        self.on_store_failure = on_store_failure

    def chat(self, request: ChatRequest, ctx: TurnContext) -> dict[str, Any]:
        """Handle one validated message and return the response body."""
        started = time.perf_counter()
        session_id = request.session_id or new_session_id()
        if request.client_message_id and request.session_id:
            earlier = self._earlier_turn(session_id, request.client_message_id)
            if earlier is not None:
                return response_from_turn(earlier, int((time.perf_counter() - started) * 1000))
        state = self._load_state(request.session_id)
        variant = self._experiments.primary(session_id)
        context = self._dialogue.nlu_context(state, session_id)
        understanding = self._understander.understand(request.message, context, ctx.budget_s)
        now_ms = int(self._clock() * 1000)
        fulfil_ctx = FulfilmentContext(
            session_id=session_id,
            base_url=ctx.base_url,
            now_ms=now_ms,
            variant=variant,
            deadline=time.monotonic() + max(0.0, ctx.budget_s - (time.perf_counter() - started)),
        )
        outcome = self._dialogue.respond(state, understanding, request.message, fulfil_ctx)
        latency_ms = int((time.perf_counter() - started) * 1000)
        turn = Turn(
            session_id=session_id,
            turn_key=turn_key(now_ms),
            timestamp_ms=now_ms,
            date=dt.datetime.fromtimestamp(now_ms / 1000, dt.UTC).date().isoformat(),
            message=request.message,
            reply=outcome.reply,
            intent=outcome.intent,
            slots=outcome.slots,
            dialog_state=outcome.dialog_state,
            nlu_provider=understanding.nlu.provider,
            nlu_confidence=round(understanding.nlu.confidence, 4),
            sentiment_label=understanding.sentiment.label,
            sentiment_score=round(understanding.sentiment.score, 4),
            latency_ms=latency_ms,
            variant=variant,
            degraded=understanding.degraded,
            client_message_id=request.client_message_id,
        )
        stored = self._save(turn, outcome.state)
        return response_from_turn(stored, int((time.perf_counter() - started) * 1000))

    def _earlier_turn(self, session_id: str, client_message_id: str) -> Turn | None:
        try:
            return self.store.find_turn_by_client_id(session_id, client_message_id)
        except StoreError as exc:
            logger.warning("idempotency lookup failed", extra={"error": str(exc)})
            return None

    def _load_state(self, session_id: str | None) -> DialogueState:
        if session_id is None:
            return DialogueState()
        try:
            return self.store.get_state(session_id) or DialogueState()
        except StoreError as exc:
            logger.warning("dialogue state unavailable; starting fresh", extra={"error": str(exc)})
            return DialogueState()

    def _save(self, turn: Turn, state: DialogueState) -> Turn:
        try:
            stored = self.store.append_turn(turn)
            if stored is turn or stored == turn:
                self.store.put_state(turn.session_id, state)
            return stored
        except StoreError as exc:
            self.on_store_failure(turn, state, exc)
            return turn
