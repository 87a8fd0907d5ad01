"""Nothing lost: turns whose history write failed wait in a durable spool and are replayed.

:class:`ChatService` calls its ``on_store_failure`` hook when the store still fails after its
bounded retries; :func:`spool_failures` makes that hook. The spool is an SQS queue in the cloud
(:class:`SqsSpool`, drained by ``runtime.jobs.replay_handler``) and an append-only JSON-lines
file for the local server (:class:`FileSpool`, drained by :class:`ReplayWorker`). Replaying is
idempotent because turn keys and client message ids never overwrite, so a message delivered
twice, or replayed after a partial success, still yields exactly one stored turn; the state is
written only when the replayed turn is still the session's newest, never over a newer one.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from aws_lambda_powertools import Logger

from runtime.errors import SpoolError, StoreError
from runtime.store.base import HistoryStore
from runtime.store.retry import RetryPolicy
from runtime.types import DialogueState, Turn

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient

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


def replay_one(entry: SpooledTurn, store: HistoryStore) -> None:
    """Put one spooled turn (and its state, if still the newest) into ``store``.

    Idempotent. Raises :class:`StoreError` when the store fails (the message must stay spooled).
    """
    stored = store.append_turn(entry.turn)
    if entry.state is None or stored.turn_key != entry.turn.turn_key:
        return  # a client retry was stored first: the state of this copy is not the session's
    turns = store.export_session(entry.turn.session_id)
    if turns and turns[-1].turn_key == entry.turn.turn_key:
        store.put_state(entry.turn.session_id, entry.state)


def replay(source: FileSpool | Iterable[SpooledTurn | str], store: HistoryStore) -> ReplayReport:
    """Replay a file spool (drained) or messages (SQS bodies or parsed entries) into ``store``."""
    if isinstance(source, FileSpool):
        return source.replay_into(store)
    report = ReplayReport()
    for message in source:
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


# ---------------------------------------------------------------------- SQS
class SqsSpool:
    """Spools to an SQS queue (boto3 ``sqs`` client injected); the queue's DLQ keeps poison."""

    def __init__(self, client: SQSClient, queue_url: str, *, retry: RetryPolicy | None = None):
        self._client = client
        self.queue_url = queue_url
        self._retry = retry or RetryPolicy()

    def put(self, entry: SpooledTurn) -> None:
        """Send one message (bodies are at most a few KB: a turn is bounded by the contract)."""
        from botocore.exceptions import BotoCoreError, ClientError  # only the SQS spool needs it

        try:
            self._retry.call(
                lambda: self._client.send_message(
                    QueueUrl=self.queue_url,
                    MessageBody=entry.to_json(),
                    MessageAttributes={
                        "sessionId": {"DataType": "String", "StringValue": entry.turn.session_id},
                        "turnKey": {"DataType": "String", "StringValue": entry.turn.turn_key},
                    },
                )
            )
        except (ClientError, BotoCoreError) as exc:
            raise SpoolError(f"SQS SendMessage failed: {exc}") from exc


# ---------------------------------------------------------------------- file
class FileSpool:
    """An append-only JSON-lines file, one fsync'd line per turn, safe across threads and processes.

    Writers append under an exclusive ``flock`` on a sibling lock file; a replay reads a snapshot,
    replays it without holding that lock (so chat threads are never blocked by a slow store),
    then atomically rewrites the file as "lines that failed + whatever was appended meanwhile".
    A line torn by a crash is moved to ``<name>.rejected`` instead of being lost or blocking.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.rejected_path = self.path.with_name(self.path.name + ".rejected")
        self._lock_path = self.path.with_name(self.path.name + ".lock")
        self._replay_lock_path = self.path.with_name(self.path.name + ".replay.lock")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SpoolError(f"cannot create the spool directory: {exc}") from exc

    @staticmethod
    @contextlib.contextmanager
    def _locked(lock_path: Path) -> Iterator[None]:
        # flock belongs to the open file description: every acquisition opens its own, so
        # threads of one process exclude each other just like separate processes do.
        with open(lock_path, "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def put(self, entry: SpooledTurn) -> None:
        """Append one line and fsync it; raises :class:`SpoolError` on an I/O failure."""
        line = (entry.to_json() + "\n").encode("utf-8")
        try:
            with self._locked(self._lock_path):
                _append(self.path, line)
        except OSError as exc:
            raise SpoolError(f"cannot write the spool file {self.path}: {exc}") from exc

    def pending(self) -> list[SpooledTurn]:
        """The well-formed entries waiting for replay, oldest first."""
        entries: list[SpooledTurn] = []
        for line in self._read().splitlines():
            with contextlib.suppress(SpoolError):
                if line.strip():
                    entries.append(SpooledTurn.from_json(line))
        return entries

    def _read(self) -> bytes:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return b""
        except OSError as exc:
            raise SpoolError(f"cannot read the spool file {self.path}: {exc}") from exc

    def replay_into(self, store: HistoryStore) -> ReplayReport:
        """Replay every complete line into ``store``; failed ones stay, torn ones are set aside."""
        report = ReplayReport()
        with self._locked(self._replay_lock_path):
            with self._locked(self._lock_path):
                snapshot = self._read()
            done = snapshot[: snapshot.rfind(b"\n") + 1]  # a trailing partial line stays put
            keep: list[bytes] = []
            rejected: list[bytes] = []
            for line in done.splitlines(keepends=True):
                if not line.strip():
                    continue
                try:
                    replay_one(SpooledTurn.from_json(line), store)
                    report.replayed += 1
                except SpoolError:
                    rejected.append(line)
                    report.rejected += 1
                except StoreError:
                    keep.append(line)
                    report.failed += 1
            if done:
                self._compact(len(done), keep, rejected)
        return report

    def _compact(self, consumed: int, keep: list[bytes], rejected: list[bytes]) -> None:
        try:
            with self._locked(self._lock_path):
                if rejected:
                    _append(self.rejected_path, b"".join(rejected))
                tail = self._read()[consumed:]
                tmp = self.path.with_name(self.path.name + ".tmp")
                with open(tmp, "wb") as handle:
                    handle.write(b"".join(keep) + tail)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, self.path)
                _fsync_dir(self.path.parent)
        except OSError as exc:
            raise SpoolError(f"cannot rewrite the spool file {self.path}: {exc}") from exc


def _append(path: Path, data: bytes) -> None:
    """Append ``data`` durably, first ending a line torn by an earlier crash."""
    created = not path.exists()
    with open(path, "a+b") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell() > 0:
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) != b"\n":
                data = b"\n" + data
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    if created:
        _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ReplayWorker:
    """Replays a :class:`FileSpool` into the store every ``interval_s`` (the local server's job)."""

    def __init__(self, spool: FileSpool, store: HistoryStore, *, interval_s: float = 30.0) -> None:
        self._spool = spool
        self._store = store
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> ReplayReport:
        """One replay pass (skipped cheaply when the spool file is empty)."""
        try:
            if self._spool.path.stat().st_size == 0:
                return ReplayReport()
        except FileNotFoundError:
            return ReplayReport()
        report = self._spool.replay_into(self._store)
        if report.replayed or report.failed or report.rejected:
            logger.info("spool replayed", extra=dict(vars(report)))
        return report

    def start(self) -> None:
        """Replay once now, then every ``interval_s`` on a daemon thread."""
        self._thread = threading.Thread(target=self._loop, name="spool-replay", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread (waits for a pass in progress)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while True:
            try:
                self.run_once()
            except (SpoolError, StoreError) as exc:
                logger.warning("spool replay failed", extra={"error": str(exc)})
            if self._stop.wait(self._interval_s):
                return
