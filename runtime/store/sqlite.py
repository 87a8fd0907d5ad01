"""SQLite history store for the local server: turns, dialogue state and flight links.

One database file under the server's data directory, so history survives a restart. Writes
never overwrite: a turn key or client message id that is already stored returns the stored
turn (idempotent retries and replays). Items past the retention period are filtered on read
and purged on start-up, like DynamoDB's TTL.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from runtime.errors import StoreError
from runtime.types import DialogueState, FlightLink, Turn

SCHEMA = """
CREATE TABLE IF NOT EXISTS turns (
    session_id TEXT NOT NULL,
    turn_key TEXT NOT NULL,
    date TEXT NOT NULL,
    timestamp_ms INTEGER NOT NULL,
    client_message_id TEXT,
    expires_at INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (session_id, turn_key)
);
CREATE UNIQUE INDEX IF NOT EXISTS turns_client_id ON turns (session_id, client_message_id)
    WHERE client_message_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS turns_date ON turns (date, timestamp_ms);
CREATE TABLE IF NOT EXISTS states (
    session_id TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS links (
    link_id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    date TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS links_session ON links (session_id);
CREATE INDEX IF NOT EXISTS links_date ON links (date);
"""


def open_database(
    path: Path | str, schema: str, *, timeout_s: float, what: str
) -> sqlite3.Connection:
    """One SQLite file (or ``:memory:``) opened for a store's threads to share: its folder made,
    autocommit, WAL with ``synchronous=NORMAL`` (readers never wait on the writer; a crash loses
    at most the last commits, never the file), and ``schema`` applied.

    Raises:
        StoreError: naming ``what`` when the file cannot be opened or the schema applied.
    """
    try:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(
            str(path), check_same_thread=False, isolation_level=None, timeout=timeout_s
        )
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(schema)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {what} {path}: {exc}") from exc
    return db


def _day(ms: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(ms / 1000))


class SqliteStore:
    """:class:`runtime.store.base.HistoryStore` on one SQLite file (thread-safe)."""

    def __init__(
        self, path: Path | str, *, retention_days: int = 90, clock: Callable[[], float] = time.time
    ) -> None:
        self._retention_s = retention_days * 86400
        self._clock = clock
        self._lock = threading.RLock()
        self._db = open_database(path, SCHEMA, timeout_s=10, what="the history database")
        self.purge_expired()

    # ------------------------------------------------------------------ helpers
    def _now(self) -> int:
        return int(self._clock())

    def _run(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        try:
            with self._lock:
                return self._db.execute(sql, params)
        except sqlite3.IntegrityError:
            raise
        except sqlite3.Error as exc:
            raise StoreError(f"history database failed: {exc}") from exc

    def close(self) -> None:
        """Close the database file."""
        with self._lock:
            self._db.close()

    def purge_expired(self) -> int:
        """Delete every item past its retention time; returns how many were deleted."""
        now = self._now()
        total = 0
        for table in ("turns", "states", "links"):
            total += self._run(f"DELETE FROM {table} WHERE expires_at <= ?", (now,)).rowcount
        return total

    # ------------------------------------------------------------------ turns
    def append_turn(self, turn: Turn) -> Turn:
        """Insert ``turn`` unless it (or its client message id) is stored already."""
        expires = turn.timestamp_ms // 1000 + self._retention_s
        try:
            self._run(
                "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    turn.session_id,
                    turn.turn_key,
                    turn.date,
                    turn.timestamp_ms,
                    turn.client_message_id,
                    expires,
                    json.dumps(turn.to_dict()),
                ),
            )
        except sqlite3.IntegrityError:
            existing = None
            if turn.client_message_id:
                existing = self.find_turn_by_client_id(turn.session_id, turn.client_message_id)
            if existing is None:
                row = self._run(
                    "SELECT data FROM turns WHERE session_id = ? AND turn_key = ?",
                    (turn.session_id, turn.turn_key),
                ).fetchone()
                existing = Turn.from_dict(json.loads(row[0])) if row else None
            if existing is None:
                raise StoreError("turn conflicts with a stored item but none was found") from None
            return existing
        return turn

    def find_turn_by_client_id(self, session_id: str, client_message_id: str) -> Turn | None:
        """The turn stored for this client message id, if unexpired."""
        row = self._run(
            "SELECT data FROM turns"
            " WHERE session_id = ? AND client_message_id = ? AND expires_at > ?",
            (session_id, client_message_id, self._now()),
        ).fetchone()
        return Turn.from_dict(json.loads(row[0])) if row else None

    def export_session(self, session_id: str) -> list[Turn]:
        """Every unexpired turn of the session, oldest first."""
        rows = self._run(
            "SELECT data FROM turns WHERE session_id = ? AND expires_at > ? ORDER BY turn_key",
            (session_id, self._now()),
        ).fetchall()
        return [Turn.from_dict(json.loads(r[0])) for r in rows]

    def turns_on(self, date: str) -> Iterator[Turn]:
        """Every unexpired turn of the UTC day ``date``, in time order."""
        rows = self._run(
            "SELECT data FROM turns WHERE date = ? AND expires_at > ? ORDER BY timestamp_ms",
            (date, self._now()),
        ).fetchall()
        for row in rows:
            yield Turn.from_dict(json.loads(row[0]))

    # ------------------------------------------------------------------ state
    def get_state(self, session_id: str) -> DialogueState | None:
        """The session's dialogue state, or ``None``."""
        row = self._run(
            "SELECT data FROM states WHERE session_id = ? AND expires_at > ?",
            (session_id, self._now()),
        ).fetchone()
        return DialogueState.from_dict(json.loads(row[0])) if row else None

    def put_state(self, session_id: str, state: DialogueState) -> None:
        """Replace the session's dialogue state."""
        self._run(
            "INSERT OR REPLACE INTO states VALUES (?, ?, ?)",
            (session_id, self._now() + self._retention_s, json.dumps(state.to_dict())),
        )

    def erase_session(self, session_id: str) -> int:
        """Delete the session's turns, state and links in one transaction."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                total = 0
                for table in ("turns", "states", "links"):
                    total += self._db.execute(
                        f"DELETE FROM {table} WHERE session_id = ?", (session_id,)
                    ).rowcount
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                self._db.execute("ROLLBACK")
                raise StoreError(f"erase failed: {exc}") from exc
        return total

    # ------------------------------------------------------------------ links
    def save_link(self, link: FlightLink) -> None:
        """Store a new link (never overwrites one with the same id)."""
        try:
            self._run(
                "INSERT INTO links VALUES (?, ?, ?, ?, ?)",
                (
                    link.link_id,
                    link.session_id,
                    _day(link.created_ms),
                    link.created_ms // 1000 + self._retention_s,
                    json.dumps(link.to_dict()),
                ),
            )
        except sqlite3.IntegrityError:
            raise StoreError(f"link {link.link_id} exists already") from None

    def get_link(self, link_id: str) -> FlightLink | None:
        """The link, or ``None``."""
        row = self._run(
            "SELECT data FROM links WHERE link_id = ? AND expires_at > ?", (link_id, self._now())
        ).fetchone()
        return FlightLink.from_dict(json.loads(row[0])) if row else None

    def record_click(self, link_id: str, clicked_ms: int) -> FlightLink | None:
        """Mark the link opened (the first click is kept) and return it."""
        with self._lock:
            link = self.get_link(link_id)
            if link is None:
                return None
            if link.clicked_ms is None:
                data = link.to_dict() | {"clicked_ms": clicked_ms}
                self._run(
                    "UPDATE links SET data = ? WHERE link_id = ?", (json.dumps(data), link_id)
                )
                link = FlightLink.from_dict(data)
            return link

    def links_on(self, date: str) -> Iterator[FlightLink]:
        """Every unexpired link created on the UTC day ``date``."""
        rows = self._run(
            "SELECT data FROM links WHERE date = ? AND expires_at > ?", (date, self._now())
        ).fetchall()
        for row in rows:
            yield FlightLink.from_dict(json.loads(row[0]))
