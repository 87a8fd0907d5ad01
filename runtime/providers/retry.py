"""Bounded, deadline-aware retries with full jitter, shared by every provider.

The SDKs' own retry loops are switched off (botocore ``total_max_attempts=1``, Azure
``retry_total=0``, Google ``retry=None``): their back-offs are tuned for batch jobs (botocore's
standard mode may sleep a whole second before its second attempt, Azure honours a 429's
``Retry-After``), which a chat reply with a 5 s deadline cannot afford. Instead one policy here
retries only what is worth retrying (a 5xx or a dropped connection), at most once by default,
after a short random pause, and only while at least half of the provider's time is left.
Throttling is never retried: the orchestrator answers from another provider instead of adding
load to one that asked us to slow down.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from runtime.errors import ProviderError

T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How a provider call is retried.

    ``max_attempts`` counts the first try. The pause before attempt *n* + 1 is drawn uniformly
    from ``[0, min(max_delay_s, base_delay_s * 2**(n-1))]`` ("full jitter"), so clients that
    failed together do not retry together.
    """

    max_attempts: int = 2
    base_delay_s: float = 0.05
    max_delay_s: float = 0.25
    retry_kinds: frozenset[str] = field(default_factory=lambda: frozenset({"unavailable"}))

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay_s < 0 or self.max_delay_s < 0:
            raise ValueError("retry delays must not be negative")

    def delay_s(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        """The jittered pause after failed attempt number ``attempt`` (1-based)."""
        return rand() * min(self.max_delay_s, self.base_delay_s * 2.0 ** (attempt - 1))

    def run(
        self,
        call: Callable[[], T],
        *,
        budget_s: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
    ) -> T:
        """Run ``call``, retrying retryable :class:`ProviderError` kinds within ``budget_s``.

        Raises:
            ProviderError: the last failure, when it is not retryable, the attempts are used up
                or less than half of ``budget_s`` would be left for another try.
        """
        started = clock()
        attempt = 1
        while True:
            try:
                return call()
            except ProviderError as exc:
                if attempt >= self.max_attempts or exc.kind not in self.retry_kinds:
                    raise
                pause = self.delay_s(attempt, rand)
                if clock() - started + pause > budget_s / 2:
                    raise
                sleep(pause)
                attempt += 1


NO_RETRY = RetryPolicy(max_attempts=1)
