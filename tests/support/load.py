"""Load test of the chat API: a steady phase at a fixed rate, then a burst from one client.

Run it as ``python -m bench.load [--url URL]`` (or ``python -m tests.support.load``); the e2e
test runs a small bounded local run and checks the checker.

By default it starts the local server itself (``python -m runtime serve`` on a free loopback
port, temporary data directory) and spreads the steady phase over many client addresses
(127.0.1.x: the server keys its rate limit on the socket's peer address), so the steady rate
can exceed one client's 100 requests/minute; the burst comes from one fresh address. With
``--url`` (e.g. ``--url "$(pulumi stack output apiUrl)"``) it targets a deployment instead, from
this machine's one address, with smaller defaults and hard caps on requests and time.

It prints p50/p95/p99 latency, requests per second and counts by status, and checks that no
answer is a 5xx or a transport error and that every 429 came when the client's token bucket
(``--rate-per-minute``, ``--burst-limit``) could have been empty, i.e. that the first
``burst-limit`` requests of a fresh client pass. Locally it also checks that the limit holds.
The last line of output is one JSON object; the exit status is 1 when a check fails.

Standard library only: asyncio streams speaking HTTP/1.1 with keep-alive.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import math
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
MESSAGES = (
    "plan a trip",
    "Lisbon",
    "5 days",
    "$1500",
    "what's the weather in Paris?",
    "find flights from London to Rome on 2027-05-04",
    "hello",
    "plan a 5 day trip to Lisbon with $1500",
    "what can you do?",
)
# Provider settings a developer may have exported: the local server runs the embedded default.
PROVIDER_ENV_PREFIXES = ("TRAVELBOT_", "LEX_", "DIALOGFLOW_", "AZURE_LANGUAGE_", "OPENWEATHER_")
# Local runs measure the server; runs against a deployment stay small (one client address).
LOCAL_DEFAULTS = {"steady_rps": 40.0, "steady_seconds": 15.0, "burst_requests": 260}
DEPLOYED_DEFAULTS = {"steady_rps": 1.0, "steady_seconds": 20.0, "burst_requests": 220}
RETRIED = -1
WARMUP_SOURCE = "127.0.3.1"
BURST_SOURCE = "127.0.2.1"


@dataclass(frozen=True)
class Target:
    """Where requests go: scheme, host, port, the API's path prefix and the Host header."""

    scheme: str
    host: str
    port: int
    prefix: str

    @classmethod
    def parse(cls, url: str) -> Target:
        """Split a base URL such as ``https://abc.execute-api.eu-west-1.amazonaws.com/dev``."""
        parts = urllib.parse.urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return cls(parts.scheme, parts.hostname, port, parts.path.rstrip("/"))

    @property
    def host_header(self) -> str:
        """The Host header value."""
        default = 443 if self.scheme == "https" else 80
        return self.host if self.port == default else f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Sample:
    """One request: its phase, client address, when it was sent and answered, and the status."""

    phase: str
    source: str
    started: float
    finished: float
    status: int  # 0: no HTTP answer (transport error); RETRIED: stale connection, sent again
    error: str = ""

    @property
    def latency_ms(self) -> float:
        """Milliseconds from writing the request to reading the whole answer."""
        return (self.finished - self.started) * 1000


class Connection:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.reusable = True

    @classmethod
    async def open(cls, target: Target, source: str | None) -> Connection:
        """Connect, from the client address ``source`` when one is given."""
        context = ssl.create_default_context() if target.scheme == "https" else None
        reader, writer = await asyncio.open_connection(
            target.host,
            target.port,
            ssl=context,
            server_hostname=target.host if context else None,
            local_addr=(source, 0) if source else None,
        )
        return cls(reader, writer)

    async def request(self, head: bytes, body: bytes) -> tuple[int, bytes]:
        """Send one request and read the whole answer; returns its status and body."""
        self.writer.write(head + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionResetError("connection closed before an answer")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        payload = b""
        if "chunked" in headers.get("transfer-encoding", "").lower():
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                payload += (await self.reader.readexactly(size + 2))[:-2]
            while (await self.reader.readline()) not in (b"\r\n", b"\n", b""):
                pass
        elif "content-length" in headers:
            payload = await self.reader.readexactly(int(headers["content-length"]))
        else:
            payload = await self.reader.read()
            self.reusable = False
        if headers.get("connection", "").lower() == "close":
            self.reusable = False
        return status, payload

    def close(self) -> None:
        """Close the socket."""
        self.writer.close()


@dataclass
class Client:
    """Sends chat turns to one target and records a Sample for each."""

    target: Target
    timeout_s: float
    samples: list[Sample] = field(default_factory=list)
    sessions: dict[int, str] = field(default_factory=dict)
    """Virtual user -> the session id the server issued on its first answer."""
    _idle: dict[str, list[Connection]] = field(default_factory=dict)

    def _head(self, body: bytes) -> bytes:
        return (
            f"POST {self.target.prefix}/chat HTTP/1.1\r\nHost: {self.target.host_header}\r\n"
            "User-Agent: travelbot-load/1.0\r\nAccept: application/json\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode("ascii")

    async def chat(self, phase: str, source: str, user: int, turn: int) -> None:
        """One ``POST /chat`` from ``source``; a stale keep-alive connection is retried once."""
        message = MESSAGES[(user + turn) % len(MESSAGES)]
        fields = {"message": message}
        if user in self.sessions:  # ids are the server's: a user continues the one it was given
            fields["sessionId"] = self.sessions[user]
        body = json.dumps(fields).encode()
        head = self._head(body)
        idle = self._idle.setdefault(source, [])
        for attempt in (1, 2):
            reused = bool(idle)
            connection: Connection | None = idle.pop() if idle else None
            started = time.monotonic()
            try:
                async with asyncio.timeout(self.timeout_s):
                    if connection is None:
                        connection = await Connection.open(self.target, source)
                        started = time.monotonic()
                    status, answer = await connection.request(head, body)
            except (OSError, EOFError, ValueError, IndexError, TimeoutError) as exc:
                if connection is not None:
                    connection.close()
                status = RETRIED if reused and attempt == 1 else 0
                if status == RETRIED and isinstance(exc, TimeoutError):
                    status = 0
                self.samples.append(
                    Sample(phase, source, started, time.monotonic(), status, repr(exc))
                )
                if status == RETRIED:
                    continue  # an idle connection the server had closed: one fresh try
                return
            self.samples.append(Sample(phase, source, started, time.monotonic(), status))
            if status == 200 and user not in self.sessions:
                self._remember_session(user, answer)
            if connection.reusable:
                idle.append(connection)
            else:
                connection.close()
            return

    def _remember_session(self, user: int, answer: bytes) -> None:
        """Keep the session id the server issued to ``user`` (an answer without one is kept out)."""
        try:
            issued = json.loads(answer).get("sessionId")
        except (ValueError, AttributeError):
            return
        if isinstance(issued, str) and issued:
            self.sessions[user] = issued

    def close(self) -> None:
        """Close every idle connection."""
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()


async def run_steady(client: Client, rps: float, seconds: float, sources: Sequence[str]) -> float:
    """Send ``rps`` requests a second for ``seconds``, round-robin over ``sources``.

    Open loop: each request starts on schedule whether or not earlier ones have finished.
    Returns the largest lag behind schedule in milliseconds.
    """
    loop = asyncio.get_running_loop()
    count, start, lag = round(rps * seconds), loop.time(), 0.0
    tasks = []
    for i in range(count):
        due = start + i / rps
        if (delay := due - loop.time()) > 0:
            await asyncio.sleep(delay)
        lag = max(lag, loop.time() - due)
        source = sources[i % len(sources)]
        tasks.append(asyncio.create_task(client.chat("steady", source, i % 64, i // 64)))
    await asyncio.gather(*tasks)
    return lag * 1000


async def run_burst(client: Client, requests: int, concurrency: int, source: str) -> None:
    """Send ``requests`` requests at once from ``source``, ``concurrency`` at a time."""
    queue = iter(range(requests))

    async def worker() -> None:
        for i in queue:
            await client.chat("burst", source, 1000 + i % 8, i)

    await asyncio.gather(*(worker() for _ in range(min(concurrency, requests))))


def answered(sample: Sample) -> bool:
    """Whether the request got an HTTP answer."""
    return sample.status > 0


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of ``values`` (0 when empty)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summarise(samples: Sequence[Sample]) -> dict[str, Any]:
    """Latency percentiles (answers other than 429), requests/s and counts by status."""
    if not samples:
        return {"requests": 0}
    served = [s.latency_ms for s in samples if answered(s) and s.status != 429]
    duration = max(s.finished for s in samples) - min(s.started for s in samples)
    return {
        "requests": len(samples),
        "seconds": round(duration, 3),
        "rps": round(len(samples) / duration, 1) if duration > 0 else 0.0,
        "p50_ms": round(percentile(served, 50), 2),
        "p95_ms": round(percentile(served, 95), 2),
        "p99_ms": round(percentile(served, 99), 2),
        "max_ms": round(max(served, default=0.0), 2),
        "status": {str(k): v for k, v in sorted(Counter(s.status for s in samples).items())},
    }


def unexplained_429s(samples: Sequence[Sample], rate_per_minute: float, burst: int) -> list[Sample]:
    """The 429s of one client that its token bucket cannot explain.

    A bucket that starts full with ``burst`` tokens and refills ``rate_per_minute`` a minute
    is empty at server time ``t`` only if, for some ``s <= t``, more than
    ``burst - 1 + rate * (t - s)`` requests were let through during ``[s, t)``. Any such request
    was sent before the 429's answer arrived and answered after ``s``; counting those gives an
    upper bound, so a 429 for which no ``s`` works came too early. Requests without an answer
    may have been let through, so they count as let through.
    """
    rate = rate_per_minute / 60.0
    through = [s for s in samples if s.status != 429]
    unexplained = []
    for rejected in (s for s in samples if s.status == 429):
        finished = sorted(a.finished for a in through if a.started < rejected.finished)
        candidates = [f for f in finished if f <= rejected.finished] + [rejected.finished]
        explained = any(
            len(finished) - bisect.bisect_left(finished, s)
            > burst - 1 + rate * (rejected.started - s) - 1e-9
            for s in candidates
        )
        if not explained:
            unexplained.append(rejected)
    return unexplained


def check(
    samples: Sequence[Sample], rate_per_minute: float, burst: int, *, expect_limit: bool
) -> tuple[list[str], dict[str, Any]]:
    """The failed checks (empty when all pass) and the rate-limit figures."""
    failures = []
    server_errors = sum(1 for s in samples if s.status >= 500)
    transport = [s for s in samples if s.status == 0]
    if server_errors:
        failures.append(f"{server_errors} answers were 5xx")
    if transport:
        failures.append(f"{len(transport)} requests got no answer, e.g. {transport[0].error}")
    by_source: dict[str, list[Sample]] = {}
    for sample in samples:
        by_source.setdefault(sample.source, []).append(sample)
    early = [
        r for group in by_source.values() for r in unexplained_429s(group, rate_per_minute, burst)
    ]
    if early:
        failures.append(f"{len(early)} answers were 429 before the client's bucket was empty")
    in_burst = [s for s in samples if s.phase == "burst"]
    figures: dict[str, Any] = {
        "unexplained_429": len(early),
        "burst_passed": sum(1 for s in in_burst if answered(s) and s.status != 429),
        "burst_429": sum(1 for s in in_burst if s.status == 429),
    }
    one_client = by_source.get(BURST_SOURCE, [])
    if expect_limit and one_client:
        passed = sum(1 for s in one_client if answered(s) and s.status != 429)
        window = max(s.finished for s in one_client) - min(s.started for s in one_client)
        allowed = burst + rate_per_minute / 60.0 * window
        figures["burst_allowed_at_most"] = math.floor(allowed)
        if passed > allowed:
            failures.append(f"the limit did not hold: {passed} of one client's requests passed")
    return failures, figures


@contextmanager
def local_server(rate_per_minute: float, burst: int) -> Iterator[str]:
    """``python -m runtime serve`` on a free loopback port; yields its base URL."""
    with tempfile.TemporaryDirectory(prefix="travelbot-load-") as tmp:
        log_path = Path(tmp) / "server.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith(PROVIDER_ENV_PREFIXES)}
        env |= {
            "TRAVELBOT_RATE_PER_MINUTE": f"{rate_per_minute:g}",
            "TRAVELBOT_RATE_BURST": str(burst),
        }
        command = [sys.executable, "-m", "runtime", "serve", "--host", "127.0.0.1", "--port", "0"]
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [*command, "--data-dir", str(Path(tmp) / "data"), "--quiet"],
                cwd=REPO_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        try:
            deadline = time.monotonic() + 60
            while not (found := re.search(r"listening on (http://\S+:\d+)", log_path.read_text())):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the local server did not start:\n{log_path.read_text()}")
                time.sleep(0.05)
            yield found.group(1)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def run(args: argparse.Namespace, url: str, local: bool) -> dict[str, Any]:
    """Warm up, run both phases within the time cap, and return the report."""
    client = Client(Target.parse(url), args.timeout)
    steady_sources = [f"127.0.1.{i + 1}" for i in range(args.source_ips)] if local else [""]
    burst_source = BURST_SOURCE if local else ""
    try:
        async with asyncio.timeout(args.max_seconds):
            for turn in range(3):
                await client.chat("warmup", WARMUP_SOURCE if local else "", 9999, turn)
            lag_ms = await run_steady(client, args.steady_rps, args.steady_seconds, steady_sources)
            await run_burst(client, args.burst_requests, args.burst_concurrency, burst_source)
        timed_out = False
    except TimeoutError:
        timed_out, lag_ms = True, -1.0
    finally:
        client.close()
    measured = [s for s in client.samples if s.phase != "warmup" and s.status != RETRIED]
    failures, limit = check(
        client.samples, args.rate_per_minute, args.burst_limit, expect_limit=local
    )
    if timed_out:
        failures.append(f"the run hit its {args.max_seconds} s cap")
    overall = summarise(measured)
    return {
        "target": "local" if local else url,
        **{k: overall.get(k, 0) for k in ("requests", "rps", "p50_ms", "p95_ms", "p99_ms")},
        "errors": {
            "5xx": sum(1 for s in measured if s.status >= 500),
            "transport": sum(1 for s in measured if s.status == 0),
            "retried_on_new_connection": sum(1 for s in client.samples if s.status == RETRIED),
        },
        "status": overall.get("status", {}),
        "phases": {
            p: summarise([s for s in measured if s.phase == p]) for p in ("steady", "burst")
        },
        "steady_max_lag_ms": round(lag_ms, 1),
        "source_ips": len(steady_sources) + (1 if local else 0),
        "rate_limit": {"per_minute": args.rate_per_minute, "burst": args.burst_limit, **limit},
        "failures": failures,
        "ok": not failures,
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line; defaults depend on local vs ``--url`` and are bounded by the caps."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--url", help="base URL of a deployed API (default: start a local server)")
    parser.add_argument("--steady-rps", type=float, help="steady rate (local 40, --url 1)")
    parser.add_argument("--steady-seconds", type=float, help="steady duration (local 15, --url 20)")
    parser.add_argument("--burst-requests", type=int, help="burst size (local 260, --url 220)")
    parser.add_argument("--burst-concurrency", type=int, default=32, help="burst in flight")
    parser.add_argument(
        "--source-ips", type=int, help="local client addresses for the steady phase"
    )
    parser.add_argument("--rate-per-minute", type=float, default=100.0, help="limiter refill")
    parser.add_argument("--burst-limit", type=int, default=200, help="limiter bucket size")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds per request")
    parser.add_argument("--max-requests", type=int, default=2000, help="refuse larger plans")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="stop the run after this")
    args = parser.parse_args(argv)
    defaults = LOCAL_DEFAULTS if args.url is None else DEPLOYED_DEFAULTS
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.source_ips is None:  # enough addresses that none exceeds 80 % of its refill rate
        args.source_ips = max(1, math.ceil(args.steady_rps * 60 / (0.8 * args.rate_per_minute)))
    planned = 3 + round(args.steady_rps * args.steady_seconds) + args.burst_requests
    if planned > args.max_requests:
        parser.error(f"the plan sends {planned} requests, over --max-requests {args.max_requests}")
    if not 1 <= args.source_ips <= 250 or args.steady_rps <= 0 or args.burst_concurrency < 1:
        parser.error("--source-ips must be 1..250; --steady-rps and --burst-concurrency positive")
    if args.steady_seconds < 0 or args.burst_requests < 0:
        parser.error("--steady-seconds and --burst-requests cannot be negative")
    return args


def loopback_aliases_work() -> bool:
    """Whether sockets can bind 127.0.x.y addresses (Linux: all of 127/8; macOS: only aliases)."""
    with socket.socket() as probe:
        try:
            probe.bind((BURST_SOURCE, 0))
        except OSError:
            return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """Run the load test; print a readable summary, then the JSON report as the last line."""
    args = parse_args(argv)
    if not args.url and not loopback_aliases_work():
        print(
            f"cannot bind {BURST_SOURCE}: the local run needs client addresses 127.0.1.1-"
            f"127.0.1.{args.source_ips}, {WARMUP_SOURCE} and {BURST_SOURCE} on the loopback "
            "interface (on macOS: sudo ifconfig lo0 alias <address>)",
            file=sys.stderr,
        )
        return 2
    if args.url:
        report = asyncio.run(run(args, args.url, local=False))
    else:
        with local_server(args.rate_per_minute, args.burst_limit) as url:
            report = asyncio.run(run(args, url, local=True))
    for phase, figures in report["phases"].items():
        print(f"{phase:>6}: {json.dumps(figures)}")
    for failure in report["failures"]:
        print(f"FAILED: {failure}")
    print(json.dumps(report, separators=(",", ":")), flush=True)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
