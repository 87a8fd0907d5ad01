"""Per-client token buckets: the interface, and the in-process bucket of the local server.

The contract is 100 requests per minute refill with a burst of 200, keyed on the caller's
source IP (``requestContext.identity.sourceIp``, never ``X-Forwarded-For``, which a client can
forge). The DynamoDB-backed limiter shares buckets across Lambda instances.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class RateDecision:
    """Whether one request may pass and, if not, how many seconds until a token is back."""

    allowed: bool
    retry_after_s: int = 0
    remaining: float = 0.0


class RateLimiter(Protocol):
    """Takes one token from ``key``'s bucket."""

    def acquire(self, key: str) -> RateDecision:
        """Decide for one request; fails open (allows) when its backend is unreachable."""
        ...


@dataclass(frozen=True)
class BucketPolicy:
    """Refill ``rate_per_minute`` tokens a minute up to ``burst`` tokens."""

    rate_per_minute: float = 100.0
    burst: int = 200

    @property
    def rate_per_second(self) -> float:
        """Refill rate in tokens per second."""
        return self.rate_per_minute / 60.0

    def refill(self, tokens: float, elapsed_s: float) -> float:
        """Tokens after ``elapsed_s`` seconds of refill, capped at the burst size."""
        return min(float(self.burst), tokens + max(0.0, elapsed_s) * self.rate_per_second)

    def retry_after(self, tokens: float) -> int:
        """Whole seconds until one token is available (at least 1)."""
        return max(1, math.ceil((1.0 - tokens) / self.rate_per_second))


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
