"""The local spool: an append-only JSON-lines file, drained by :class:`ReplayWorker`."""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from aws_lambda_powertools import Logger

from runtime.errors import SpoolError, StoreError
from runtime.spool.base import ReplayReport, SpooledTurn, replay_one
from runtime.store.base import ConversationStore

logger = Logger(child=True)


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
        self._index_lock = threading.Lock()
        self._index_key: tuple[int, int, int] | None = None
        self._index: dict[str, list[SpooledTurn]] = {}
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

    def session_entries(self, session_id: str) -> list[SpooledTurn]:
        """The well-formed entries of ``session_id`` still in the file, oldest turn first.

        The file is parsed once per change (keyed by inode, size and modification time), so
        while nothing is spooled a lookup costs one ``stat``.
        """
        try:
            stat = self.path.stat()
        except OSError:
            return []
        if stat.st_size == 0:
            return []
        key = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        with self._index_lock:
            if key != self._index_key:
                try:
                    self._index = _by_session(self.pending())
                except SpoolError as exc:
                    logger.warning("spool unreadable for lookups", extra={"error": str(exc)})
                    return []
                self._index_key = key
            return list(self._index.get(session_id, ()))

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

    def replay_into(self, store: ConversationStore) -> ReplayReport:
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


def _by_session(entries: list[SpooledTurn]) -> dict[str, list[SpooledTurn]]:
    index: dict[str, list[SpooledTurn]] = {}
    for entry in sorted(entries, key=lambda e: e.turn.turn_key):
        index.setdefault(entry.turn.session_id, []).append(entry)
    return index


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

    def __init__(
        self, spool: FileSpool, store: ConversationStore, *, interval_s: float = 30.0
    ) -> None:
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
