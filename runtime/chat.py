"""One chat turn from validated request to contract response.

Loads the session's dialogue state, understands the message (cloud NLUs or the embedded one),
lets the dialogue manager reply, stores the turn and the new state, and builds the ``/chat``
response. A store failure never costs the user the reply: reading degrades to a fresh state and
a failed write goes to the spool (``on_store_failure``), to be replayed later.

Sessions are the server's to issue: a ``sessionId`` is continued only when the server knows it
(its dialogue state is stored, or a turn of it waits in the spool); any other id, including a
well-formed one a client made up, starts a new session, and the response carries the new id.
Ids are 128 random bits (:func:`new_session_id`), and the id is the only credential of a
session, so it is never logged (only :func:`runtime.providers.observability.session_ref`).
While the store cannot be read, an id of the issued shape is continued unverified: refusing it
would split every conversation in two during an outage, and the turn is spooled under it.

A resent ``clientMessageId`` gets the first answer: from the store (DynamoDB completes a claimed
turn its writer did not finish), or from the spool when the first answer was spooled; in that
case the spooled entries of the session are replayed there and then ("read repair"), so the
first answer is also the one stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger

from runtime.contract import ISSUED_SESSION_ID_PATTERN
from runtime.dialogue.fulfilment import FulfilmentContext
from runtime.dialogue.manager import DialogueManager
from runtime.dialogue.present import present
from runtime.errors import StoreError
from runtime.experiments import Experiments
from runtime.redaction.base import Redactor
from runtime.spool.base import Spool, SpooledTurn, replay_one, spool_failures
from runtime.store.base import ConversationStore
from runtime.types import ChatRequest, DialogueState, Turn
from runtime.understanding import Understander

logger = Logger(child=True)

StoreFailureHook = Callable[[Turn, DialogueState, StoreError], None]
ISSUED_SESSION_ID_RE = re.compile(ISSUED_SESSION_ID_PATTERN)
REPAIRED_MEMORY = 4096  # spooled turns this process already put back into the store


def new_session_id() -> str:
    """128 random bits, URL-safe: 22 characters of ``A-Z a-z 0-9 _ -``."""
    return secrets.token_urlsafe(16)


def issued_shape(session_id: str) -> bool:
    """Whether ``session_id`` could have come from :func:`new_session_id` (22 base64url chars)."""
    return ISSUED_SESSION_ID_RE.fullmatch(session_id) is not None


def turn_key(timestamp_ms: int) -> str:
    """A time-ordered, collision-resistant sort key: ``<13-digit ms>#<random>``."""
    return f"{timestamp_ms:013d}#{secrets.token_hex(4)}"


@dataclass(frozen=True)
class TurnContext:
    """Per-request facts the handler knows: link base URL and the time budget left."""

    base_url: str
    budget_s: float


@dataclass(frozen=True)
class _Session:
    """The session a turn belongs to, as :meth:`ChatService._resume` found it."""

    session_id: str
    state: DialogueState
    resumed: bool  # the client's id was continued (False: a new session was issued)
    spooled: tuple[SpooledTurn, ...] = ()


def answer_fields(turn: Turn, **before_rich: Any) -> dict[str, Any]:
    """What a turn answered, as the API shows it in ``/chat`` and in the export: the reply, the
    reading (intent, slots, dialogState, nlu, sentiment) and the variant, then ``before_rich``,
    then ``quickReplies`` and ``cards`` (:mod:`runtime.rich_reply`) only when the turn has some.
    One definition, so the two views of a turn cannot drift apart."""
    fields: dict[str, Any] = {
        "reply": turn.reply,
        "intent": turn.intent,
        "slots": turn.slots,
        "dialogState": turn.dialog_state,
        "nlu": {"provider": turn.nlu_provider, "confidence": turn.nlu_confidence},
        "sentiment": {"label": turn.sentiment_label, "score": turn.sentiment_score},
        "variant": turn.variant,
        **before_rich,
    }
    if turn.quick_replies:
        fields["quickReplies"] = turn.quick_replies
    if turn.cards:
        fields["cards"] = turn.cards
    return fields


def response_from_turn(turn: Turn, latency_ms: int) -> dict[str, Any]:
    """The ``/chat`` 200 body, exactly per the contract: the optional ``quickReplies`` and
    ``cards`` (:mod:`runtime.rich_reply`) only when the turn has some."""
    return {"sessionId": turn.session_id, **answer_fields(turn, latencyMs=latency_ms)}


def _without_reply_text(card: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in card.items() if k != "replyText"}


def _report_failure(turn: Turn, state: DialogueState, error: StoreError) -> None:
    logger.error(
        "history write failed; turn not stored",
        extra={"error": str(error), "turn_key": turn.turn_key},
    )


def _nothing_spooled(session_id: str) -> list[SpooledTurn]:
    return []


class ChatService:
    """Runs chat turns against injected collaborators (store, understander, dialogue, clock).

    ``spool`` keeps turns the store could not take and answers what it holds for a session;
    ``redactor`` (the ``redactStoredPii`` option) redacts the message and reply of every turn
    before it is stored or spooled; the user still gets the reply as computed.
    """

    def __init__(
        self,
        *,
        store: ConversationStore,
        understander: Understander,
        dialogue: DialogueManager,
        experiments: Experiments,
        clock: Callable[[], float] = time.time,
        spool: Spool | None = None,
        redactor: Redactor | None = None,
    ) -> None:
        self.store = store
        self._understander = understander
        self._dialogue = dialogue
        self._experiments = experiments
        self._clock = clock
        self._redactor = redactor
        self.on_store_failure: StoreFailureHook = _report_failure
        self._spooled: Callable[[str], list[SpooledTurn]] = _nothing_spooled
        self._repaired: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._repaired_lock = threading.Lock()
        if spool is not None:
            self.use_spool(spool)

    def use_spool(self, spool: Spool, *, clock: Callable[[], float] = time.time) -> None:
        """Spool failed writes to ``spool`` and consult it for sessions and resends."""
        self.on_store_failure = spool_failures(spool, clock=clock)
        self._spooled = spool.session_entries

    def chat(self, request: ChatRequest, ctx: TurnContext) -> dict[str, Any]:
        """Handle one validated message and return the response body."""
        started = time.perf_counter()
        session = self._resume(request.session_id)
        if request.client_message_id and session.resumed:
            earlier = self._earlier_turn(session, request.client_message_id)
            if earlier is not None:
                return response_from_turn(earlier, int((time.perf_counter() - started) * 1000))
        session_id, state = session.session_id, session.state
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
        extras = present(outcome, dt.datetime.fromtimestamp(now_ms / 1000, dt.UTC).date())
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
            quick_replies=[dict(q) for q in extras.quick_replies],
            cards=[dict(c) for c in extras.cards],
        )
        stored = self._save(self._redacted(turn), outcome.state)
        shown = turn if stored.turn_key == turn.turn_key else stored
        return response_from_turn(shown, int((time.perf_counter() - started) * 1000))

    # ------------------------------------------------------------------ the session
    def _resume(self, requested: str | None) -> _Session:
        """The session to continue, or a new one when the server does not know ``requested``."""
        if requested is None:
            return _Session(new_session_id(), DialogueState(), resumed=False)
        spooled = tuple(self._spooled(requested))
        store_up = self._repair(spooled)
        try:
            state = self.store.get_state(requested) if store_up else None
        except StoreError as exc:
            logger.warning("dialogue state unavailable", extra={"error": str(exc)})
            store_up = False
        if not store_up:
            if spooled and spooled[-1].state is not None:
                return _Session(requested, spooled[-1].state, resumed=True, spooled=spooled)
            if spooled or issued_shape(requested):
                return _Session(requested, DialogueState(), resumed=True, spooled=spooled)
        elif state is not None or spooled:
            return _Session(requested, state or DialogueState(), resumed=True, spooled=spooled)
        # Never issued, erased or expired: a new session, whose id the response carries.
        return _Session(new_session_id(), DialogueState(), resumed=False)

    def _repair(self, spooled: tuple[SpooledTurn, ...]) -> bool:
        """Replay the session's spooled turns into the store; ``False`` when the store failed."""
        for entry in spooled:
            key = (entry.turn.session_id, entry.turn.turn_key)
            with self._repaired_lock:
                if key in self._repaired:
                    continue
            try:
                replay_one(entry, self.store)
            except StoreError as exc:
                logger.warning("spooled turn not replayed yet", extra={"error": str(exc)})
                return False
            with self._repaired_lock:
                self._repaired[key] = None
                while len(self._repaired) > REPAIRED_MEMORY:
                    self._repaired.popitem(last=False)
        return True

    def _earlier_turn(self, session: _Session, client_message_id: str) -> Turn | None:
        """The first answer to this client message id: spooled, or stored."""
        for entry in reversed(session.spooled):
            if entry.turn.client_message_id == client_message_id:
                return entry.turn
        try:
            return self.store.find_turn_by_client_id(session.session_id, client_message_id)
        except StoreError as exc:
            logger.warning("idempotency lookup failed", extra={"error": str(exc)})
            return None

    # ------------------------------------------------------------------ storing
    def _redacted(self, turn: Turn) -> Turn:
        if self._redactor is None:
            return turn
        reply = self._redactor.redact(turn.reply)
        # A card's replyText must stay a part of the reply: where redaction changed that part,
        # the stored card goes without it (a client then shows the reply whole).
        cards = [
            card if str(card.get("replyText", "")) in reply else _without_reply_text(card)
            for card in turn.cards
        ]
        return dataclasses.replace(
            turn, message=self._redactor.redact(turn.message), reply=reply, cards=cards
        )

    def _save(self, turn: Turn, state: DialogueState) -> Turn:
        try:
            stored = self.store.append_turn(turn)
            if stored.turn_key == turn.turn_key:
                self.store.put_state(turn.session_id, state)
            return stored
        except StoreError as exc:
            self.on_store_failure(turn, state, exc)
            return turn
