"""The in-process token bucket: the local server's limiter, and the cloud limiter's fallback."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from runtime.ratelimit.base import BucketPolicy, RateDecision


class InMemoryRateLimiter:
    """A thread-safe token bucket per key for one process (the local server).

    Keeps at most ``max_keys`` buckets (least recently used evicted) so that a flood of
    distinct addresses cannot exhaust memory.
    """

    def __init__(
        self,
        policy: BucketPolicy | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self.policy = policy or BucketPolicy()
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def acquire(self, key: str) -> RateDecision:
        """Take a token from ``key``'s bucket if one is left."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (float(self.policy.burst), now))
            tokens = self.policy.refill(tokens, now - last)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)
        if allowed:
            return RateDecision(True, 0, tokens)
        return RateDecision(False, self.policy.retry_after(tokens), tokens)
