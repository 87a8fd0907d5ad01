"""The DynamoDB token bucket on dynalite: burst, refill, many instances, and the local fallback."""

from __future__ import annotations

import random
import threading
from typing import Any

from runtime.aws import aws_retry
from runtime.ratelimit.base import BucketPolicy
from runtime.ratelimit.dynamodb import DynamoDbRateLimiter
from runtime.ratelimit.memory import InMemoryRateLimiter
from tests.integration.store_helpers import Clock
from tests.support.dynalite import DynamoTable, local_client
from tests.support.dynamo_proxy import DynamoFaultProxy

pytest_plugins = ["tests.integration.dynamo_fixtures"]

T0 = 1_772_323_200.0  # 2026-03-01T00:00:00Z
IP = "203.0.113.7"


class MetricRecorder:
    """Collects ``add_metric`` calls like Powertools' ``Metrics`` would receive them."""

    def __init__(self) -> None:
        self.points: list[tuple[str, Any, float]] = []

    def add_metric(self, name: str, unit: Any, value: float) -> None:
        self.points.append((name, unit, value))


def limiter(
    table: DynamoTable,
    clock: Clock,
    policy: BucketPolicy | None = None,
    **kwargs: Any,
) -> DynamoDbRateLimiter:
    kwargs.setdefault("client", table.client)
    kwargs.setdefault("metrics", MetricRecorder())
    kwargs.setdefault("retry", aws_retry(3, sleep=lambda _: None))
    client = kwargs.pop("client")
    return DynamoDbRateLimiter(client, table.name, policy, clock=clock, **kwargs)


def allowed(rate_limiter: DynamoDbRateLimiter, n: int, key: str = IP) -> int:
    return sum(rate_limiter.acquire(key).allowed for _ in range(n))


def test_a_new_ip_gets_the_burst_of_200_and_then_is_refused(dynamo_table: DynamoTable) -> None:
    # GIVEN the default policy (100 per minute, burst 200) and a frozen clock
    bucket = limiter(dynamo_table, Clock(T0))

    # WHEN 201 requests arrive at the same instant
    first = bucket.acquire(IP)
    passed = 1 + allowed(bucket, 199)
    refused = bucket.acquire(IP)

    # THEN 200 pass (199 tokens left after the first) and the 201st waits for the next token
    assert first.allowed and first.remaining == 199
    assert passed == 200
    assert not refused.allowed
    assert refused.retry_after_s == 1  # one token every 0.6 s


def test_tokens_refill_at_100_per_minute(dynamo_table: DynamoTable) -> None:
    # GIVEN an IP that used its whole burst
    clock = Clock(T0)
    bucket = limiter(dynamo_table, clock)
    assert allowed(bucket, 200) == 200

    # WHEN 6 s pass (10 tokens at 100 per minute), then 30 s more (50 tokens)
    clock.advance(6)
    after_six_seconds = allowed(bucket, 11)
    clock.advance(30)
    after_half_a_minute = allowed(bucket, 51)

    # THEN exactly 10, then exactly 50, requests pass
    assert after_six_seconds == 10
    assert after_half_a_minute == 50


def test_an_idle_bucket_fills_up_to_the_burst_and_no_further(dynamo_table: DynamoTable) -> None:
    # GIVEN an IP that used its whole burst of 20
    clock = Clock(T0)
    bucket = limiter(dynamo_table, clock, BucketPolicy(rate_per_minute=100, burst=20))
    allowed(bucket, 20)

    # WHEN it stays away for an hour (enough for 6000 tokens)
    clock.advance(3600)

    # THEN it gets the burst again, and not one request more
    assert allowed(bucket, 30) == 20


def test_retry_after_counts_the_seconds_until_the_next_token(dynamo_table: DynamoTable) -> None:
    # GIVEN a slow policy: 6 per minute (one token every 10 s), burst 2
    clock = Clock(T0)
    bucket = limiter(dynamo_table, clock, BucketPolicy(rate_per_minute=6, burst=2))
    allowed(bucket, 2)

    # WHEN the bucket is empty, and again 4 s later
    now = bucket.acquire(IP)
    clock.advance(4)
    later = bucket.acquire(IP)

    # THEN the client is told 10 s, then 6 s
    assert (now.allowed, now.retry_after_s) == (False, 10)
    assert (later.allowed, later.retry_after_s) == (False, 6)


def test_every_ip_has_its_own_bucket(dynamo_table: DynamoTable) -> None:
    # GIVEN one IP that used its whole burst
    bucket = limiter(dynamo_table, Clock(T0), BucketPolicy(rate_per_minute=100, burst=10))
    allowed(bucket, 10, key="198.51.100.1")

    # WHEN another IP (IPv6 too) sends requests
    # THEN it still has its own full bucket
    assert allowed(bucket, 11, key="2001:db8::1") == 10
    assert not bucket.acquire("198.51.100.1").allowed


def test_many_instances_serving_one_ip_at_once_let_exactly_the_burst_through(
    dynamo_table: DynamoTable,
) -> None:
    # GIVEN eight limiter instances (eight "Lambda instances", each with its own client)
    # and a burst of 100 (100 per minute)
    clock = Clock(T0)
    policy = BucketPolicy(rate_per_minute=100, burst=100)
    instances = [
        limiter(dynamo_table, clock, policy, client=local_client(dynamo_table.endpoint))
        for _ in range(8)
    ]
    results: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(16)

    def hammer(instance: DynamoDbRateLimiter) -> None:
        barrier.wait()
        passed = allowed(instance, 10)
        with lock:
            results.append(passed)

    # WHEN 16 threads send 160 requests from one IP at the same instant
    threads = [threading.Thread(target=hammer, args=(instances[i % 8],)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # THEN exactly the burst of 100 passed: no token was spent twice, none was lost
    assert len(results) == 16
    assert sum(results) == 100


def test_decisions_match_the_in_memory_token_bucket(dynamo_table: DynamoTable) -> None:
    # GIVEN the shared limiter and the local one, on the same clock, tight enough to refuse often
    policy = BucketPolicy(rate_per_minute=100, burst=5)
    clock = Clock(T0)
    shared = limiter(dynamo_table, clock, policy)
    local = InMemoryRateLimiter(policy, clock=clock)
    gaps_ms = random.Random(7).choices([0, 13, 97, 250, 431, 599, 601, 1200, 2900], k=150)

    # WHEN 150 requests arrive with irregular gaps
    mismatches = []
    outcomes = set()
    for i, gap in enumerate(gaps_ms):
        clock.advance(gap / 1000)
        a, b = shared.acquire(IP), local.acquire(IP)
        outcomes.add(a.allowed)
        if (a.allowed, a.retry_after_s) != (b.allowed, b.retry_after_s):
            mismatches.append((i, a, b))

    # THEN both allow and refuse the same requests with the same Retry-After
    assert outcomes == {True, False}
    assert mismatches == []


def test_bucket_items_live_under_ratelimit_keys_with_a_ttl(dynamo_table: DynamoTable) -> None:
    # GIVEN one request from an IP
    bucket = limiter(dynamo_table, Clock(T0))
    bucket.acquire(IP)

    # WHEN the bucket item is read
    item = dynamo_table.client.get_item(
        TableName=dynamo_table.name,
        Key={"sessionId": {"S": f"ratelimit#{IP}"}, "sk": {"S": "bucket"}},
    )["Item"]

    # THEN it expires after the bucket is full again (idle for burst / rate = 120 s)
    assert int(item["ttl"]["N"]) >= T0 + 120
    assert int(item["ttl"]["N"]) <= T0 + 24 * 3600


def test_an_unavailable_table_hands_decisions_to_the_local_bucket_and_backs_off(
    dynamo_table: DynamoTable, dynamo_proxy: DynamoFaultProxy
) -> None:
    # GIVEN DynamoDB throttles every call, and a limiter that cools down for 5 s after a failure
    monotonic = Clock(100.0)
    metrics = MetricRecorder()
    bucket = limiter(
        dynamo_table,
        Clock(T0),
        client=local_client(dynamo_proxy.url),
        metrics=metrics,
        monotonic=monotonic,
        cooldown_s=5.0,
    )
    dynamo_proxy.faults.status = 400

    # WHEN requests arrive, during the cool-down and after it
    first = bucket.acquire(IP)
    calls_after_first = len(dynamo_proxy.requests)
    during = bucket.acquire(IP)
    calls_during = len(dynamo_proxy.requests)
    monotonic.advance(6)
    dynamo_proxy.faults.clear()
    after = bucket.acquire(IP)

    # THEN the local bucket lets them through (it is full), each fallback is counted, and
    # DynamoDB is left alone while cooling down
    assert first.allowed and during.allowed and after.allowed
    assert calls_after_first == 3  # bounded retries of the throttled update
    assert calls_during == calls_after_first
    assert len(dynamo_proxy.requests) > calls_during  # back to DynamoDB afterwards
    assert [name for name, _, _ in metrics.points] == ["RateLimiterFallback"] * 2


def test_a_slow_table_still_limits_each_client_through_the_local_bucket(
    dynamo_table: DynamoTable, dynamo_proxy: DynamoFaultProxy
) -> None:
    # GIVEN a table that answers after 2 s, a client that waits 0.2 s, and a burst of 5
    monotonic = Clock(100.0)
    metrics = MetricRecorder()
    bucket = limiter(
        dynamo_table,
        Clock(T0),
        BucketPolicy(rate_per_minute=60, burst=5),
        client=local_client(dynamo_proxy.url, read_timeout_s=0.2),
        metrics=metrics,
        monotonic=monotonic,
    )
    dynamo_proxy.faults.latency_s = 2.0

    # WHEN one client sends 8 requests at once
    decisions = [bucket.acquire(IP) for _ in range(8)]

    # THEN the limit still holds: 5 pass, 3 are refused with a Retry-After, all counted
    assert [d.allowed for d in decisions] == [True] * 5 + [False] * 3
    assert all(d.retry_after_s >= 1 for d in decisions[5:])
    assert [name for name, _, _ in metrics.points] == ["RateLimiterFallback"] * 8
    # AND only the first request waited for DynamoDB; the rest skipped it while cooling down
    assert dynamo_proxy.operations("UpdateItem") == 1


def test_a_burst_spent_on_the_shared_bucket_is_not_refilled_by_the_fallback(
    dynamo_table: DynamoTable, dynamo_proxy: DynamoFaultProxy
) -> None:
    # GIVEN a client that spent its burst of 5 while DynamoDB answered
    monotonic = Clock(100.0)
    bucket = limiter(
        dynamo_table,
        Clock(T0),
        BucketPolicy(rate_per_minute=60, burst=5),
        client=local_client(dynamo_proxy.url),
        monotonic=monotonic,
    )
    assert allowed(bucket, 5) == 5

    # WHEN DynamoDB fails and the client sends one more
    dynamo_proxy.faults.status = 500
    decision = bucket.acquire(IP)

    # THEN the local bucket, which counted those 5, refuses it too
    assert not decision.allowed


def test_an_unreachable_endpoint_falls_back_to_the_local_bucket(closed_endpoint: str) -> None:
    # GIVEN a limiter whose DynamoDB endpoint refuses connections
    metrics = MetricRecorder()
    bucket = DynamoDbRateLimiter(
        local_client(closed_endpoint),
        "history",
        metrics=metrics,
        retry=aws_retry(2, sleep=lambda _: None),
    )

    # WHEN a request arrives
    decision = bucket.acquire(IP)

    # THEN the local bucket (full) allows it and the fallback is counted
    assert decision.allowed and decision.remaining == 199
    assert metrics.points == [("RateLimiterFallback", "Count", 1)]
