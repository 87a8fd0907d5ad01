"""The load test (``tests/support/load.py``, also ``python -m bench.load``): a small bounded run
on loopback, and its checks.

The run asserts properties only (no 5xx, no lost request, 429 only beyond the limit, the limit
holds), never timings. The checker is also fed made-up samples to show it catches a limiter
that rejects too early or not at all.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.load import (
    BURST_SOURCE,
    RETRIED,
    Client,
    Sample,
    Target,
    check,
    parse_args,
    unexplained_429s,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
LOAD = [
    sys.executable,
    "-m",
    "tests.support.load",
    "--burst-concurrency",
    "16",
    "--max-seconds",
    "90",
]


def passes(count: int, *, start: float = 0.0, spacing: float = 0.001) -> list[Sample]:
    """``count`` answered requests from the burst client, ``spacing`` seconds apart."""
    return [
        Sample("burst", BURST_SOURCE, start + i * spacing, start + i * spacing + 0.0005, 200)
        for i in range(count)
    ]


def rejected(at: float) -> Sample:
    """One 429 sent and answered around ``at``."""
    return Sample("burst", BURST_SOURCE, at, at + 0.0005, 429)


@pytest.mark.slow
def test_a_bounded_run_on_loopback_reports_figures_and_passes_its_checks() -> None:
    # WHEN the load script runs a short steady phase and a burst beyond one client's bucket
    run = subprocess.run(
        [*LOAD, "--steady-rps", "30", "--steady-seconds", "3", "--burst-requests", "230"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=150,
        check=False,
    )

    # THEN it succeeds and its last line is the JSON report
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["ok"] is True and report["failures"] == []
    # AND every request got an answer, none a 5xx
    assert report["requests"] == 90 + 230
    assert report["errors"]["5xx"] == report["errors"]["transport"] == 0
    assert sum(report["status"].values()) == report["requests"]
    assert set(report["status"]) <= {"200", "429"}
    # AND the steady phase, spread over many addresses, was never limited
    assert report["phases"]["steady"]["status"] == {"200": 90}
    # AND the burst's first 200 passed and the rest were limited
    limit = report["rate_limit"]
    assert limit["unexplained_429"] == 0
    assert 200 <= limit["burst_passed"] <= limit["burst_allowed_at_most"]
    assert limit["burst_429"] == 230 - limit["burst_passed"] > 0
    assert report["p50_ms"] <= report["p95_ms"] <= report["p99_ms"]
    assert report["rps"] > 0


def test_a_429_within_the_first_200_requests_of_a_client_is_flagged() -> None:
    # GIVEN a fresh client whose 151st request is refused
    samples = [*passes(150), rejected(0.2), *passes(10, start=0.3)]

    # WHEN the 429s are checked against a 100/min, burst 200 bucket
    early = unexplained_429s(samples, 100, 200)

    # THEN that 429 is one the bucket cannot explain
    assert early == [samples[150]]


def test_a_429_after_the_bucket_is_spent_is_explained() -> None:
    # GIVEN 200 requests that passed within a fraction of a second, then a 429
    samples = [*passes(200), rejected(0.25)]

    # WHEN checked
    # THEN the 429 is legitimate
    assert unexplained_429s(samples, 100, 200) == []


def test_a_429_after_the_bucket_had_time_to_refill_is_flagged() -> None:
    # GIVEN 200 requests spread over two minutes (the bucket refills 200 tokens in that time)
    samples = [*passes(200, spacing=0.6), rejected(125.0)]

    # WHEN checked
    # THEN the 429 came while tokens were left
    assert unexplained_429s(samples, 100, 200) == [samples[-1]]


def test_the_checks_fail_on_5xx_lost_requests_and_a_limit_that_does_not_hold() -> None:
    # GIVEN 300 passes from one client within a second, a 502 and a request with no answer
    samples = [
        *passes(300),
        Sample("burst", BURST_SOURCE, 0.5, 0.6, 502),
        Sample("steady", "127.0.1.1", 0.5, 0.6, 0, "ConnectionResetError()"),
    ]

    # WHEN checked with the limit expected to hold
    failures, figures = check(samples, 100, 200, expect_limit=True)

    # THEN each problem is reported
    assert any("5xx" in f for f in failures), failures
    assert any("no answer" in f for f in failures), failures
    assert any("limit did not hold" in f for f in failures), failures
    assert figures["burst_passed"] == 301  # the 502 got past the limiter too


def test_a_deployed_stage_url_keeps_its_path_prefix() -> None:
    # WHEN an API Gateway stage URL is parsed
    target = Target.parse("https://abc123.execute-api.eu-west-1.amazonaws.com/dev/")

    # THEN requests go to /dev/chat over TLS on 443 with the plain host name
    assert (target.scheme, target.port, target.prefix) == ("https", 443, "/dev")
    assert target.host_header == "abc123.execute-api.eu-west-1.amazonaws.com"


def test_a_plan_over_the_request_cap_is_refused_before_sending_anything() -> None:
    # WHEN the planned requests exceed --max-requests
    # THEN the command line is refused
    with pytest.raises(SystemExit) as refused:
        parse_args(["--steady-rps", "100", "--steady-seconds", "60", "--max-requests", "1000"])
    assert refused.value.code == 2


def test_a_deployed_target_gets_small_single_address_defaults() -> None:
    # WHEN a deployed URL is given without sizes
    args = parse_args(["--url", "https://example.com/prod"])

    # THEN the run stays small: one request a second for 20 s, then a 220-request burst
    assert (args.steady_rps, args.steady_seconds, args.burst_requests) == (1.0, 20.0, 220)
    assert args.max_requests >= 3 + 20 + 220


def test_the_client_reads_chunked_answers_and_retries_a_connection_the_server_dropped() -> None:
    # GIVEN a server that answers chunked, then silently closes the kept-alive connection
    async def scenario() -> list[Sample]:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            head = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"Content-Length: (\d+)", head)
            assert length is not None
            await reader.readexactly(int(length.group(1)))
            writer.write(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
            )
            await writer.drain()
            writer.close()  # no "Connection: close": the client believes it can reuse it

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        client = Client(Target.parse(f"http://127.0.0.1:{port}"), timeout_s=10)
        async with server:
            # WHEN two turns go out one after the other
            await client.chat("steady", "", 1, 0)
            await asyncio.sleep(0.1)
            await client.chat("steady", "", 1, 1)
        client.close()
        return client.samples

    # Its own thread: asyncio.run in the main thread would leave it without a current event loop,
    # which later tests (Pulumi's mocks call asyncio.get_event_loop) depend on.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        samples = pool.submit(asyncio.run, scenario()).result(timeout=60)

    # THEN both got their 200; the second first met the dropped connection and was sent again
    assert [s.status for s in samples] == [200, RETRIED, 200]
