"""Per-turn history cost and rate-limiter throughput, SQLite versus DynamoDB (dynalite).

A chat turn costs the store ``get_state`` + ``append_turn`` + ``put_state``; this times that
sequence for many turns per backend (p50, p95, mean in ms). The rate limiter is timed as decisions
per second, single-threaded and from 8 threads on one IP (the DynamoDB limiter then has its
conditional updates contend on one item). dynalite is started on a free port and stopped.
dynalite is a LevelDB emulator on loopback: its figures show the request path (serialisation,
HTTP, conditions), not DynamoDB's service latency (single-digit ms in-region).
Last line: one JSON object.
"""

from __future__ import annotations

import json
import secrets
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from runtime.ratelimit.base import BucketPolicy, RateLimiter
from runtime.ratelimit.dynamodb import DynamoDbRateLimiter
from runtime.ratelimit.memory import InMemoryRateLimiter
from runtime.store.base import HistoryStore
from runtime.store.dynamodb import DynamoDbStore
from runtime.store.schema import create_table_if_missing
from runtime.store.sqlite import SqliteStore
from runtime.types import DialogueState, Turn
from tests.support.dynalite import DynaliteServer, local_client

TURNS = 300
DECISIONS = 1000
THREADS = 8


class _Sink:
    def add_metric(self, name: str, unit: Any, value: float) -> None:
        """Fail-open metrics are not part of the figures."""


def _turn(session_id: str, i: int) -> Turn:
    now = int(time.time() * 1000) + i
    return Turn(
        session_id=session_id,
        turn_key=f"{now:013d}#{secrets.token_hex(4)}",
        timestamp_ms=now,
        date=time.strftime("%Y-%m-%d", time.gmtime(now / 1000)),
        message="Plan a 5 day trip to Lisbon with a budget of 1500 dollars",
        reply="Here is a 5-day plan for Lisbon with a budget of $1,500 ... " * 4,
        intent="PlanTrip",
        slots={
            "destination": "Lisbon",
            "duration": 5,
            "budget": {"amount": 1500, "currency": "USD"},
        },
        dialog_state="Fulfilled",
        nlu_provider="embedded",
        nlu_confidence=0.93,
        sentiment_label="neutral",
        sentiment_score=0.8,
        latency_ms=12,
        variant="concise",
    )


def time_turns(store: HistoryStore, turns: int = TURNS) -> dict[str, float]:
    """Milliseconds per turn (state read, turn append, state write), over 10 sessions."""
    sessions = [secrets.token_urlsafe(16) for _ in range(10)]
    samples: list[float] = []
    for i in range(turns):
        sid = sessions[i % len(sessions)]
        started = time.perf_counter()
        state = store.get_state(sid) or DialogueState()
        store.append_turn(_turn(sid, i))
        state.turn_count += 1
        store.put_state(sid, state)
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return {
        "p50_ms": round(ordered[len(ordered) // 2], 3),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 3),
        "mean_ms": round(statistics.fmean(samples), 3),
    }


def decisions_per_second(make: Callable[[], RateLimiter], threads: int) -> float:
    """Decisions per second with ``threads`` callers on one IP (one limiter per thread)."""
    limiters = [make() for _ in range(threads)]
    per_thread = DECISIONS // threads
    barrier = threading.Barrier(threads + 1)

    def run(limiter: RateLimiter) -> None:
        barrier.wait()
        for _ in range(per_thread):
            limiter.acquire("198.51.100.20")

    workers = [threading.Thread(target=run, args=(lim,)) for lim in limiters]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    return round(per_thread * threads / (time.perf_counter() - started), 1)


def main() -> dict[str, Any]:
    """Run every measurement and print a summary; returns the figures."""
    policy = BucketPolicy(rate_per_minute=1_000_000, burst=1_000_000)  # measure, don't refuse
    results: dict[str, Any] = {"turns": TURNS, "decisions": DECISIONS, "threads": THREADS}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite_turn"] = time_turns(SqliteStore(Path(tmp) / "bench.sqlite3"))
    memory = InMemoryRateLimiter(policy)
    results["memory_limiter_dps"] = decisions_per_second(lambda: memory, 1)
    results["memory_limiter_dps_threads"] = decisions_per_second(lambda: memory, THREADS)
    with DynaliteServer() as dynalite:
        client = local_client(dynalite.endpoint)
        table = f"bench-{secrets.token_hex(4)}"
        create_table_if_missing(client, table)
        results["dynamodb_turn"] = time_turns(DynamoDbStore(client, table))

        def shared() -> RateLimiter:
            return DynamoDbRateLimiter(
                local_client(dynalite.endpoint), table, policy, metrics=_Sink()
            )

        results["dynamodb_limiter_dps"] = decisions_per_second(shared, 1)
        results["dynamodb_limiter_dps_threads"] = decisions_per_second(shared, THREADS)
    for backend in ("sqlite", "dynamodb"):
        t = results[f"{backend}_turn"]
        print(
            f"{backend:>8} per turn (get_state + append_turn + put_state): "
            f"p50 {t['p50_ms']} ms, p95 {t['p95_ms']} ms, mean {t['mean_ms']} ms"
        )
    for backend in ("memory", "dynamodb"):
        print(
            f"{backend:>8} rate limiter: {results[f'{backend}_limiter_dps']} decisions/s, "
            f"{results[f'{backend}_limiter_dps_threads']} decisions/s from {THREADS} threads"
        )
    return results


if __name__ == "__main__":
    print(json.dumps(main()))
