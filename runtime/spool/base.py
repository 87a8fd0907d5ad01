"""Nothing lost: turns whose history write failed wait in a durable spool and are replayed.

:class:`ChatService` calls its ``on_store_failure`` hook when the store still fails after its
bounded retries; :func:`spool_failures` makes that hook. The spool is an SQS queue in the cloud
(:class:`runtime.spool.sqs.SqsSpool`, drained by :func:`runtime.spool.job.replay_handler`) and
an append-only JSON-lines file for the local server (:class:`runtime.spool.file.FileSpool`,
drained by :class:`runtime.spool.file.ReplayWorker`). Replaying is
idempotent because turn keys and client message ids never overwrite, so a message delivered
twice, or replayed after a partial success, still yields exactly one stored turn; the state is
written only when the replayed turn is still the session's newest, never over a newer one.

A spool can also be asked what it holds for a session (:meth:`Spool.session_entries`): the chat
service answers a resent ``clientMessageId`` with the spooled reply instead of computing a new
one, continues a conversation from its spooled state while the store is down, and replays a
session's entries as soon as the store answers again ("read repair"), before the replay worker
gets to them. The file spool answers from the file (every process sees it); the SQS spool can
only remember what this process sent (a queue cannot be searched).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from aws_lambda_powertools import Logger

from runtime.errors import SpoolError, StoreError
from runtime.store.base import ConversationStore
from runtime.types import DialogueState, Turn

logger = Logger(child=True)

SPOOL_FORMAT = 1


@dataclass(frozen=True)
class SpooledTurn:
    """One spooled turn and the dialogue state that followed it."""

    turn: Turn
    state: DialogueState | None
    spooled_ms: int
    reason: str = ""

    def to_json(self) -> str:
        """One line of JSON (the SQS message body and the spool file's line)."""
        return json.dumps(
            {
                "format": SPOOL_FORMAT,
                "turn": self.turn.to_dict(),
                "state": self.state.to_dict() if self.state else None,
                "spooledMs": self.spooled_ms,
                "reason": self.reason,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> SpooledTurn:
        """Parse :meth:`to_json` output; raises :class:`SpoolError` when it is malformed."""
        try:
            data = json.loads(text)
            state = data.get("state")
            return cls(
                turn=Turn.from_dict(data["turn"]),
                state=DialogueState.from_dict(state) if state else None,
                spooled_ms=int(data.get("spooledMs", 0)),
                reason=str(data.get("reason", "")),
            )
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise SpoolError(f"malformed spool message: {exc!r}") from None


class Spool(Protocol):
    """A durable place for turns the store could not take."""

    def put(self, entry: SpooledTurn) -> None:
        """Keep ``entry`` durably; raises :class:`SpoolError` when it cannot."""
        ...

    def session_entries(self, session_id: str) -> list[SpooledTurn]:
        """What the spool holds (as far as it can tell) for ``session_id``, oldest turn first.

        Never raises: a spool that cannot be read answers ``[]`` (the turn then proceeds as if
        nothing were spooled, which is what happened before this lookup existed).
        """
        ...


def spool_failures(
    spool: Spool, *, clock: Callable[[], float] = time.time
) -> Callable[[Turn, DialogueState, StoreError], None]:
    """The ``ChatService.on_store_failure`` hook that spools the failed turn."""

    def on_store_failure(turn: Turn, state: DialogueState, error: StoreError) -> None:
        entry = SpooledTurn(turn, state, int(clock() * 1000), reason=str(error)[:500])
        try:
            spool.put(entry)
        except SpoolError as exc:
            logger.error(
                "history write and spool both failed; turn lost",
                extra={
                    "store_error": str(error),
                    "spool_error": str(exc),
                    "turn_key": turn.turn_key,
                },
            )
            return
        logger.warning(
            "history write failed; turn spooled for replay",
            extra={"error": str(error), "turn_key": turn.turn_key},
        )

    return on_store_failure


# ---------------------------------------------------------------------- replay
@dataclass
class ReplayReport:
    """What one replay did: turns now stored, messages kept for later, malformed ones set aside."""

    replayed: int = 0
    failed: int = 0
    rejected: int = 0


def replay_one(entry: SpooledTurn, store: ConversationStore) -> None:
    """Put one spooled turn (and its state, if still the newest) into ``store``.

    Idempotent. Raises :class:`StoreError` when the store fails (the message must stay spooled).
    """
    stored = store.append_turn(entry.turn)
    if entry.state is None or stored.turn_key != entry.turn.turn_key:
        return  # a client retry was stored first: the state of this copy is not the session's
    turns = store.export_session(entry.turn.session_id)
    if turns and turns[-1].turn_key == entry.turn.turn_key:
        store.put_state(entry.turn.session_id, entry.state)


def replay(messages: Iterable[SpooledTurn | str], store: ConversationStore) -> ReplayReport:
    """Replay messages (SQS bodies or parsed entries) into ``store``.

    A file spool drains itself: :meth:`runtime.spool.file.FileSpool.replay_into`.
    """
    report = ReplayReport()
    for message in messages:
        try:
            entry = message if isinstance(message, SpooledTurn) else SpooledTurn.from_json(message)
        except SpoolError as exc:
            logger.error("malformed spool message", extra={"error": str(exc)})
            report.rejected += 1
            continue
        try:
            replay_one(entry, store)
            report.replayed += 1
        except StoreError as exc:
            logger.warning("replay failed; will retry", extra={"error": str(exc)})
            report.failed += 1
    return report
