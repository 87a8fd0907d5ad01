"""Per-client token buckets: the decision, the policy and the interface every limiter implements.

The contract is 100 requests per minute refill with a burst of 200, keyed on the caller's
source IP (``requestContext.identity.sourceIp``, never ``X-Forwarded-For``, which a client can
forge). The DynamoDB-backed limiter shares buckets across Lambda instances.
"""

from __future__ import annotations

import math
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
        """Decide for one request; a failing backend means a local decision, never "allow all"."""
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
