"""The per-IP token bucket shared by every Lambda instance, kept in the history table.

The bucket is stored in its "theoretical arrival time" form (GCRA), which is the same token
bucket written so that DynamoDB can update it atomically without a read: with ``T`` the refill
interval (60 s / 100) and ``tat`` the time at which the bucket would be full again,

* a request at ``now`` passes iff ``max(tat, now) + T - now <= burst · T``, and then
  ``tat := max(tat, now) + T``;
* tokens left = ``(now + burst · T - tat) / T``.

``max`` is not an update expression, so one request is at most two conditional updates, each
conditioned on the previous state and each atomic on the server:

1. ``SET tat = now + T  IF attribute_not_exists(tat) OR tat < now`` (idle: the bucket is full);
2. else ``SET tat = tat + T  IF tat <= now + (burst - 1) · T`` (a token is left).

When (1) fails ``tat >= now`` held, and ``tat`` never decreases, so when (2) fails too the
bucket is empty: deny, with ``Retry-After`` from ``tat``. No read-modify-write race and no
contention retries, however many instances serve one IP; only throttling is retried (bounded).
Times are whole microseconds. ``ttl`` is set past the moment the bucket is full again, when
deleting it changes nothing.

When DynamoDB does not answer (its client gives up after 0.5 s) or fails, the limiter does not
switch off: this process's own bucket (:class:`runtime.ratelimit.memory.InMemoryRateLimiter`,
same policy) decides instead, the metric ``RateLimiterFallback`` counts each such decision, and
DynamoDB is skipped for ``cooldown_s`` so a slow table does not add its timeout to every
request. Per process the limit is then exact; across ``N`` warm instances a client can get up to
``N`` times the burst, which is still a limit (the WAF's rate rule stays in front of it). The
local bucket keeps counting during normal operation too, so it is warm when it is needed: a
client that just spent its shared burst does not get a fresh one from the fallback.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from aws_lambda_powertools import Logger, Metrics
from botocore.exceptions import BotoCoreError, ClientError

from runtime.aws import CONDITION_FAILED, aws_retry, error_code, n, number, s
from runtime.contract import METRIC_NAMESPACE, Metric
from runtime.ratelimit.base import BucketPolicy, RateDecision
from runtime.ratelimit.memory import InMemoryRateLimiter

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

    from runtime.retry import RetryPolicy

logger = Logger(child=True)

FALLBACK_METRIC = Metric.RATE_LIMITER_FALLBACK.value
MICROS = 1_000_000
TTL_MARGIN_S = 60


class MetricSink(Protocol):
    """Where counters go: Powertools ``Metrics`` (EMF) in Lambda, a recorder in tests."""

    def add_metric(self, name: str, unit: Any, value: float) -> None:
        """Add one data point."""
        ...


class _DeniedError(Exception):
    def __init__(self, tat_us: int | None) -> None:
        super().__init__("bucket empty")
        self.tat_us = tat_us


class DynamoDbRateLimiter:
    """:class:`runtime.ratelimit.RateLimiter` backed by DynamoDB; correct across instances.

    ``clock`` gives epoch seconds (every instance must agree, as Lambda's clocks do);
    ``metrics`` receives ``RateLimiterFallback`` (default: the Powertools ``Metrics`` that the
    handler flushes); ``fallback`` is the per-process bucket that decides while DynamoDB cannot
    (default: an in-memory bucket with the same policy).
    """

    def __init__(
        self,
        client: DynamoDBClient,
        table_name: str,
        policy: BucketPolicy | None = None,
        *,
        clock: Callable[[], float] = time.time,
        retry: RetryPolicy | None = None,
        metrics: MetricSink | None = None,
        cooldown_s: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
        fallback: InMemoryRateLimiter | None = None,
    ) -> None:
        self._client = client
        self.table_name = table_name
        self.policy = policy or BucketPolicy()
        self._interval_us = max(1, round(60 * MICROS / self.policy.rate_per_minute))
        self._clock = clock
        self._retry = retry or aws_retry(3)
        self._metrics: MetricSink = metrics or Metrics(namespace=METRIC_NAMESPACE)
        self._cooldown_s = cooldown_s
        self._monotonic = monotonic
        self._fallback = fallback or InMemoryRateLimiter(self.policy, clock=monotonic)
        self._skip_until = 0.0
        self._lock = threading.Lock()

    def acquire(self, key: str) -> RateDecision:
        """Take one token from ``key``'s shared bucket; the local bucket decides if DynamoDB can't.

        Both buckets are charged for every request, so the local one is warm when it is needed.
        """
        local = self._fallback.acquire(key)
        if self._monotonic() < self._skip_until:
            return self._fell_back(local, None)
        now_us = int(self._clock() * MICROS)
        try:
            return self._take(key, now_us)
        except (ClientError, BotoCoreError) as exc:
            with self._lock:
                self._skip_until = self._monotonic() + self._cooldown_s
            return self._fell_back(local, exc)

    # ------------------------------------------------------------------ the two updates
    def _take(self, key: str, now_us: int) -> RateDecision:
        burst, interval = self.policy.burst, self._interval_us
        bucket_key = {"sessionId": s(f"ratelimit#{key}"), "sk": s("bucket")}
        ttl = (now_us + burst * interval) // MICROS + TTL_MARGIN_S
        if self._update(
            bucket_key,
            "SET tat = :next, #ttl = :ttl",
            "attribute_not_exists(tat) OR tat < :now",
            {":next": n(now_us + interval), ":ttl": n(ttl), ":now": n(now_us)},
        ):
            return RateDecision(True, 0, float(burst - 1))
        try:
            tat = self._update(
                bucket_key,
                "SET tat = tat + :interval, #ttl = :ttl",
                "tat <= :limit",
                {
                    ":interval": n(interval),
                    ":ttl": n(ttl),
                    ":limit": n(now_us + (burst - 1) * interval),
                },
                denied=True,
            )
        except _DeniedError as denied:
            tat = denied.tat_us if denied.tat_us is not None else self._read_tat(bucket_key)
            wait_us = tat - (burst - 1) * interval - now_us
            tokens = (now_us + burst * interval - tat) / interval
            return RateDecision(False, max(1, math.ceil(wait_us / MICROS)), tokens)
        return RateDecision(True, 0, (now_us + burst * interval - tat) / interval)

    def _update(
        self,
        key: dict[str, Any],
        expression: str,
        condition: str,
        values: dict[str, Any],
        *,
        denied: bool = False,
    ) -> int:
        """One conditional update; the new ``tat``, or 0 when the condition failed.

        With ``denied`` a failed condition raises :class:`_DeniedError` carrying the stored ``tat``
        (DynamoDB returns it with ``ReturnValuesOnConditionCheckFailure``; dynalite does not).
        """
        try:
            response = self._retry.run(
                lambda: self._client.update_item(
                    TableName=self.table_name,
                    Key=key,
                    UpdateExpression=expression,
                    ConditionExpression=condition,
                    ExpressionAttributeNames={"#ttl": "ttl"},
                    ExpressionAttributeValues=values,
                    ReturnValues="UPDATED_NEW",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )
            )
        except ClientError as exc:
            if error_code(exc) != CONDITION_FAILED:
                raise
            if denied:
                old: Any = dict(exc.response).get("Item") or {}
                raise _DeniedError(number(old, "tat")) from None
            return 0
        return number(response.get("Attributes", {}), "tat") or 0

    def _read_tat(self, key: dict[str, Any]) -> int:
        item = self._retry.run(
            lambda: self._client.get_item(TableName=self.table_name, Key=key, ConsistentRead=True)
        ).get("Item", {})
        return number(item, "tat") or 0

    def _fell_back(self, local: RateDecision, error: BaseException | None) -> RateDecision:
        if error is not None:
            logger.warning(
                "shared rate limit unavailable; this process's bucket decides",
                extra={"error": str(error), "cooldown_s": self._cooldown_s},
            )
        try:
            self._metrics.add_metric(name=FALLBACK_METRIC, unit="Count", value=1)
        except Exception:  # a metrics hiccup must not turn a rate decision into a 500
            logger.exception("could not record the rate-limiter fallback metric")
        return local
