"""Handler and local-server throughput with the embedded default (no cloud, SQLite history).

1. Warm per-request time of the Lambda handler itself: a mix of chat messages sent as API
   Gateway events straight into ``lambda_handler`` (after a warm-up), p50 and p99, spread
   over 50 sessions the server issued (ids are the server's to give).
2. Requests per second of the local server on loopback: the real HTTP server in this process's
   threads, concurrent keep-alive clients posting chat messages for a fixed time. The per-IP
   limiter stays in the path but with a burst large enough not to refuse the benchmark.

Last line: one JSON object with the figures.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import tempfile
import threading
import time

os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")

from runtime import services
from runtime.api.handler import lambda_handler
from runtime.api.server import LocalContext, serve_in_thread
from runtime.ratelimit.base import BucketPolicy
from runtime.ratelimit.memory import InMemoryRateLimiter
from runtime.settings import Settings

MESSAGES = [
    "plan a 5 day trip to Lisbon with $1500",
    "what's the weather in Tokyo",
    "find flights from London to Rome on 2030-05-14",
    "hello",
    "I want to go to Barcelona for a week",
]
HANDLER_REQUESTS = 2000
SERVER_SECONDS = 8.0
CLIENTS = 8


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


SESSIONS: list[str] = []


def event(message: str, n: int) -> dict[str, object]:
    fields = {"message": message}
    if SESSIONS:
        fields["sessionId"] = SESSIONS[n % len(SESSIONS)]
    body = json.dumps(fields)
    return {
        "resource": "/chat",
        "path": "/chat",
        "httpMethod": "POST",
        "headers": {"Content-Type": "application/json", "Host": "bench.local"},
        "requestContext": {
            "path": "/chat",
            "stage": "bench",
            "identity": {"sourceIp": "127.0.0.1"},
            "requestId": str(n),
        },
        "body": body,
        "isBase64Encoded": False,
    }


def bench_handler() -> tuple[float, float]:
    for n in range(50):  # open the sessions the measured requests continue
        result = lambda_handler(event("hello", n), LocalContext())
        SESSIONS.append(json.loads(result["body"])["sessionId"])
    for n in range(100):  # warm-up: lazy gazetteer, SQLite pages, code paths
        lambda_handler(event(MESSAGES[n % len(MESSAGES)], n), LocalContext())
    timings = []
    for n in range(HANDLER_REQUESTS):
        started = time.perf_counter()
        result = lambda_handler(event(MESSAGES[n % len(MESSAGES)], n), LocalContext())
        timings.append((time.perf_counter() - started) * 1000)
        assert result["statusCode"] == 200, result
    return statistics.median(timings), percentile(timings, 99)


def bench_server() -> tuple[float, int, int]:
    server, _ = serve_in_thread()
    port = server.server_address[1]
    stop = time.monotonic() + SERVER_SECONDS
    counts = {"ok": 0, "errors": 0}
    lock = threading.Lock()

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        n = 0
        ok = errors = 0
        while time.monotonic() < stop:
            body = json.dumps({"message": MESSAGES[n % len(MESSAGES)]})
            connection.request("POST", "/chat", body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            ok, errors = (ok + 1, errors) if response.status == 200 else (ok, errors + 1)
            n += 1
        connection.close()
        with lock:
            counts["ok"] += ok
            counts["errors"] += errors

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    server.shutdown()
    return counts["ok"] / elapsed, counts["ok"], counts["errors"]


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        unlimited = InMemoryRateLimiter(BucketPolicy(rate_per_minute=1e9, burst=10**9))
        services.configure(
            services.build_services(Settings(), data_dir=data_dir, rate_limiter=unlimited)
        )
        p50, p99 = bench_handler()
        print(f"handler warm: p50 {p50:.2f} ms, p99 {p99:.2f} ms over {HANDLER_REQUESTS} requests")
        rps, ok, errors = bench_server()
        print(
            f"local server: {rps:.0f} requests/s on loopback"
            f" ({CLIENTS} keep-alive clients, {ok} ok, {errors} errors)"
        )
    print(
        json.dumps(
            {
                "handler_warm_p50_ms": round(p50, 3),
                "handler_warm_p99_ms": round(p99, 3),
                "handler_requests": HANDLER_REQUESTS,
                "server_rps": round(rps, 1),
                "server_clients": CLIENTS,
                "server_requests_ok": ok,
                "server_errors": errors,
            }
        )
    )


if __name__ == "__main__":
    main()
