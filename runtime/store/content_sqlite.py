"""The content cache of the local server: one SQLite file beside the history (``content.sqlite3``).

A table ``content(key, expires_at, data)``; reads skip expired rows and opening the file purges
them, as DynamoDB's TTL would. A separate file from the history, so erasing or exporting a
session never touches it and the cache can be deleted at any time.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from runtime.errors import StoreError
from runtime.store.content import check_key, decode, encode
from runtime.store.sqlite import open_database

SCHEMA = """
CREATE TABLE IF NOT EXISTS content (
    key TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL,
    data TEXT NOT NULL
);
"""


class SqliteContentCache:
    """:class:`runtime.store.base.ContentCache` on one SQLite file (thread-safe).

    Raises :class:`StoreError` when the file cannot be opened or a read or write fails.
    """

    def __init__(self, path: Path | str, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._db = open_database(path, SCHEMA, timeout_s=5, what="the content cache")
        self.purge_expired()

    def _run(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        try:
            with self._lock:
                return self._db.execute(sql, params)
        except sqlite3.Error as exc:
            raise StoreError(f"content cache failed: {exc}") from exc

    def get(self, key: str) -> dict[str, Any] | None:
        """The live value under ``key``, or None."""
        check_key(key)
        row = self._run(
            "SELECT data FROM content WHERE key = ? AND expires_at > ?",
            (key, int(self._clock())),
        ).fetchone()
        return decode(row[0]) if row else None

    def put(self, key: str, value: dict[str, Any], ttl_s: int) -> None:
        """Keep ``value`` for ``ttl_s`` seconds, replacing what was there."""
        text = encode(key, value, ttl_s)
        self._run(
            "INSERT OR REPLACE INTO content VALUES (?, ?, ?)",
            (key, int(self._clock()) + ttl_s, text),
        )

    def purge_expired(self) -> int:
        """Delete expired rows; returns how many."""
        return self._run(
            "DELETE FROM content WHERE expires_at <= ?", (int(self._clock()),)
        ).rowcount

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()
