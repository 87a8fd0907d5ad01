"""The in-process token bucket: 200 burst, 100 per minute refill, Retry-After, bounded memory."""

from __future__ import annotations

import threading

from runtime.ratelimit.base import BucketPolicy
from runtime.ratelimit.memory import InMemoryRateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_full_bucket_allows_a_burst_of_200_then_refuses() -> None:
    limiter = InMemoryRateLimiter(clock=Clock())
    decisions = [limiter.acquire("1.2.3.4") for _ in range(201)]
    assert all(d.allowed for d in decisions[:200])
    refused = decisions[200]
    assert not refused.allowed and refused.retry_after_s == 1  # one token back in 0.6 s, rounded up


def test_tokens_refill_at_100_per_minute() -> None:
    clock = Clock()
    limiter = InMemoryRateLimiter(clock=clock)
    for _ in range(200):
        limiter.acquire("ip")
    clock.now += 30  # half a minute: 50 tokens
    allowed = sum(limiter.acquire("ip").allowed for _ in range(60))
    assert allowed == 50


def test_buckets_are_per_key_and_capped_in_number() -> None:
    limiter = InMemoryRateLimiter(
        BucketPolicy(rate_per_minute=60, burst=1), clock=Clock(), max_keys=3
    )
    assert limiter.acquire("a").allowed and not limiter.acquire("a").allowed
    assert limiter.acquire("b").allowed
    for key in ("c", "d", "e"):
        limiter.acquire(key)
    assert limiter.acquire("a").allowed  # "a" was evicted: a fresh bucket, memory stays bounded


def test_concurrent_callers_never_get_more_than_the_burst() -> None:
    limiter = InMemoryRateLimiter(clock=Clock())
    results: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(50):
            allowed = limiter.acquire("same-ip").allowed
            with lock:
                results.append(allowed)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 200 and len(results) == 400
