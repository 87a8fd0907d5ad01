"""Bounded retries with full jitter for AWS calls (DynamoDB, SQS).

botocore's own retries are switched off in the clients we build (``total_max_attempts=1``, see
:mod:`runtime.store.factory`) so that there is exactly one retry loop, this one, with a bound
that the chat path can afford: four attempts and well under a second of back-off by default.
Only errors that a retry can cure are retried: throttling, 5xx and refused or dropped
connections. A read timeout is not retried (the call was slow once; a second try doubles the
wait) and neither is a conditional-check failure (it is an answer, not an error).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
)

T = TypeVar("T")

THROTTLING_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "RequestLimitExceeded",
        "RequestThrottled",
        "TooManyRequestsException",
    }
)
SERVER_CODES = frozenset({"InternalServerError", "ServiceUnavailable", "InternalFailure"})
CONDITION_FAILED = "ConditionalCheckFailedException"


def error_code(exc: BaseException) -> str:
    """The AWS error code of a ``ClientError`` (``""`` for anything else)."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


def is_retryable(exc: BaseException) -> bool:
    """Whether another attempt may succeed: throttling, a 5xx, a refused or dropped connection."""
    if isinstance(exc, ClientError):
        code = error_code(exc)
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        return code in THROTTLING_CODES or code in SERVER_CODES or status >= 500
    return isinstance(exc, EndpointConnectionError | ConnectionClosedError)


def _jitter() -> float:
    return random.random()  # noqa: S311 - back-off jitter, not a secret


@dataclass(frozen=True)
class RetryPolicy:
    """At most ``attempts`` calls; before retry *n* sleep uniformly in ``[0, base·2ⁿ]`` (capped).

    ``sleep`` and ``jitter`` are injectable so tests neither wait nor depend on chance.
    """

    attempts: int = 4
    base_delay_s: float = 0.025
    max_delay_s: float = 0.4
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    jitter: Callable[[], float] = field(default=_jitter, repr=False)

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (0-based): "full jitter"."""
        return self.jitter() * min(self.max_delay_s, self.base_delay_s * 2.0**retry)

    def call(self, operation: Callable[[], T]) -> T:
        """Run ``operation``, retrying retryable SDK errors; the last error is re-raised."""
        for attempt in range(max(1, self.attempts)):
            try:
                return operation()
            except (ClientError, BotoCoreError) as exc:
                if attempt + 1 >= self.attempts or not is_retryable(exc):
                    raise
                self.sleep(self.delay(attempt))
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover


NO_RETRY = RetryPolicy(attempts=1)
