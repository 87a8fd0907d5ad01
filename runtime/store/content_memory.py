"""An in-process :class:`runtime.store.base.ContentCache` (tests, benchmarks, and a process whose
store cannot hold content)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from runtime.store.content import check_key, decode, encode


class MemoryContentCache:
    """Entries in a dict with their expiry, at most ``max_entries`` (least recently used go)."""

    def __init__(self, *, max_entries: int = 1024, clock: Callable[[], float] = time.time) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._max = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()

    def get(self, key: str) -> dict[str, Any] | None:
        """The live value under ``key``, or None."""
        check_key(key)
        with self._lock:
            entry = self._items.get(key)
            if entry is None:
                return None
            if entry[0] <= self._clock():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return decode(entry[1])

    def put(self, key: str, value: dict[str, Any], ttl_s: int) -> None:
        """Keep ``value`` for ``ttl_s`` seconds."""
        text = encode(key, value, ttl_s)
        with self._lock:
            self._items[key] = (self._clock() + ttl_s, text)
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (benchmarks measure uncached calls)."""
        with self._lock:
            self._items.clear()
