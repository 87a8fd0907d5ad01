"""One bounded retry loop with full jitter, shared by the stores, the spool and the providers.

The SDKs' own retry loops are switched off everywhere (botocore ``total_max_attempts=1``, Azure
``retry_total=0``, Google ``retry=None``): their back-offs are tuned for batch jobs, which a chat
reply cannot afford. This one loop retries what its ``retryable`` predicate says a second
attempt can cure, at most ``max_attempts`` times, pausing a random time in
``[0, min(max_delay_s, base_delay_s * 2**(n-1))]`` after failure *n* ("full jitter", so clients
that failed together do not retry together). With a ``budget_s`` it retries only while at least
half of the budget would be left. What is retryable differs by caller:
:func:`runtime.aws.aws_retry` (throttling, 5xx, dropped connections) and
:func:`runtime.providers.retry.provider_retry` (a provider's ``unavailable`` failures).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


def _jitter() -> float:
    return random.random()  # noqa: S311 - back-off jitter, not a secret


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How a call is retried; ``sleep``, ``rand`` and ``clock`` are injectable for tests.

    ``max_attempts`` counts the first try. Raises ``ValueError`` for a policy that could never
    call (``max_attempts < 1``) or negative delays.
    """

    retryable: Callable[[Exception], bool]
    max_attempts: int = 2
    base_delay_s: float = 0.05
    max_delay_s: float = 0.25
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    rand: Callable[[], float] = field(default=_jitter, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay_s < 0 or self.max_delay_s < 0:
            raise ValueError("retry delays must not be negative")

    def delay_s(self, attempt: int, rand: Callable[[], float] | None = None) -> float:
        """The jittered pause after failed attempt number ``attempt`` (1-based)."""
        draw = (rand or self.rand)()
        return draw * min(self.max_delay_s, self.base_delay_s * 2.0 ** (attempt - 1))

    def run(
        self,
        call: Callable[[], T],
        *,
        budget_s: float | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        rand: Callable[[], float] | None = None,
    ) -> T:
        """Run ``call``, retrying the exceptions ``retryable`` accepts.

        Raises the last exception when it is not retryable, the attempts are used up, or (with
        ``budget_s``) less than half of the budget would be left for another try.
        """
        now = clock or self.clock
        pause_for = sleep or self.sleep
        started = now()
        attempt = 1
        while True:
            try:
                return call()
            except Exception as exc:
                if attempt >= self.max_attempts or not self.retryable(exc):
                    raise
                pause = self.delay_s(attempt, rand)
                if budget_s is not None and now() - started + pause > budget_s / 2:
                    raise
                pause_for(pause)
                attempt += 1
