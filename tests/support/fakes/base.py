"""A small HTTP server base for wire-level fakes of cloud APIs.

Each fake subclasses :class:`FakeServer` and implements :meth:`FakeServer.handle` (the normal
answer) and :meth:`FakeServer.error_response` (the API's own error shape). The base does the rest:

- a ``ThreadingHTTPServer`` bound to ``127.0.0.1`` on a free port, HTTP/1.1 with keep-alive,
  started and stopped as a context manager (``with LexFake() as fake: fake.url``);
- every request recorded (method, path, query, lower-cased headers, raw and parsed JSON body)
  in a thread-safe list, read with :attr:`FakeServer.requests` and cleared with
  :meth:`FakeServer.reset`;
- fault injection through :attr:`FakeServer.faults` (see :mod:`tests.support.fakes.faults`).

Stopping never waits on a request that hangs or sleeps: those are woken, and every open client
connection is shut down, so a stuck SDK call fails fast instead of blocking the test run.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from tests.support.fakes.faults import FaultKind, FaultPlan, Faults

JSON_TYPE = "application/json"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake received it."""

    method: str
    path: str
    """The path without the query string, percent-decoding left as sent."""
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    """Header names are lower-cased."""
    body: bytes
    json: Any = None
    """The parsed JSON body, or None when the body is empty or not JSON."""

    def header(self, name: str) -> str | None:
        """A header value by case-insensitive name."""
        return self.headers.get(name.lower())

    def query_value(self, name: str) -> str | None:
        """The first value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else None


@dataclass(frozen=True)
class Response:
    """An HTTP answer produced by a fake."""

    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)


def json_response(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Response:
    """A JSON response with ``Content-Type: application/json``."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    return Response(status, body, {"Content-Type": JSON_TYPE, **(headers or {})})


def truncate(response: Response) -> Response:
    """The same answer as 200 with its body cut in half: broken JSON that clients cannot parse."""
    body = response.body[: max(1, len(response.body) // 2)]
    return Response(200, body, {"Content-Type": JSON_TYPE})


class FakeServer:
    """Base of every fake: lifecycle, request recording and fault injection."""

    name = "fake"

    def __init__(self) -> None:
        self.faults = Faults()
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # To implement ---------------------------------------------------------------------------

    def handle(self, request: RecordedRequest) -> Response:
        """The normal answer to ``request``."""
        raise NotImplementedError

    def error_response(self, status: int, message: str | None = None) -> Response:
        """The API's own error answer for ``status`` (used by status faults)."""
        return json_response(status, {"message": message or f"HTTP {status}"})

    # Lifecycle ------------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread.

        Raises:
            RuntimeError: if the fake is already running.
        """
        if self._server is not None:
            raise RuntimeError(f"{self.name} is already running")
        self.faults.restart()
        server = _Server(("127.0.0.1", 0), _Handler, self)
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.name = f"{self.name}-{server.server_address[1]}"
        self._server, self._thread = server, thread
        thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: wake hanging requests, close open connections and the listening socket."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self.faults.stop()
        server.shutdown()
        server.close_connections()
        server.server_close()
        thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321`` (no trailing slash).

        Raises:
            RuntimeError: if the fake is not running.
        """
        if self._server is None:
            raise RuntimeError(f"{self.name} is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # Recording ------------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def reset(self) -> None:
        """Forget recorded requests and switch every fault off."""
        with self._lock:
            self._requests.clear()
        self.faults.clear()

    def record(self, request: RecordedRequest) -> None:
        """Append one request to the record (called by the server thread)."""
        with self._lock:
            self._requests.append(request)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type[_Handler], fake: FakeServer):
        self.fake = fake
        self._conn_lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._conn_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._conn_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client hangs up (timeouts, resets); report anything else."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """Shut down every open client connection so blocked handler threads return."""
        with self._conn_lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    timeout = 30  # an idle keep-alive connection never pins a thread for long
    # Headers and body go out in two writes; with Nagle's algorithm on, the body of every answer
    # on a kept-alive connection waited for the client's delayed ACK (~40 ms on Linux).
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""

    def _dispatch(self) -> None:
        fake = self.server.fake
        request = self._read_request()
        fake.record(request)
        plan = fake.faults.plan()
        if plan.latency_s > 0 and not fake.faults.sleep(plan.latency_s):
            self._drop()
            return
        if plan.kind is FaultKind.HANG and not fake.faults.wait_released(plan.hang_epoch):
            self._drop()
            return
        if plan.kind is FaultKind.RESET:
            self._reset_connection()
            return
        self._send(self._answer(fake, request, plan))

    def _answer(self, fake: FakeServer, request: RecordedRequest, plan: FaultPlan) -> Response:
        if plan.kind is FaultKind.STATUS:
            return fake.error_response(plan.status)
        try:
            response = fake.handle(request)
        except Exception as exc:  # a bug in a fake must surface as a 500, not a dead socket
            return fake.error_response(500, f"fake {fake.name} failed: {exc!r}")
        return truncate(response) if plan.kind is FaultKind.MALFORMED else response

    def _read_request(self) -> RecordedRequest:
        split = urlsplit(self.path)
        headers = {name.lower(): value for name, value in self.headers.items()}
        body = self._read_body(headers)
        parsed: Any = None
        if body:
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
        return RecordedRequest(
            method=self.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers=headers,
            body=body,
            json=parsed,
        )

    def _read_body(self, headers: Mapping[str, str]) -> bytes:
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(headers.get("content-length", "0") or "0")
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)
        self.wfile.flush()

    def _reset_connection(self) -> None:
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._drop()

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.close()
