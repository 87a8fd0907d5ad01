"""The local server: HTTP in, API Gateway REST proxy events through the unchanged Lambda handler.

What runs on a laptop is what runs in Lambda: each request becomes the event API Gateway would
send (path, headers, query, body, ``requestContext.identity.sourceIp`` from the socket), the
handler answers with a proxy result, and that result is written back. Many clients are served
at once (one thread per connection, HTTP/1.1 keep-alive).
"""

from __future__ import annotations

import base64
import json
import sys
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from runtime.api.handler import lambda_handler

LAMBDA_TIMEOUT_MS = 15_000
MAX_READ_BYTES = 64 * 1024  # larger bodies are refused without being parsed (413)
DRAIN_LIMIT = (
    1024 * 1024
)  # read and discard up to this much so the client sees the 413, not a reset
PAYLOAD_TOO_LARGE = json.dumps(
    {"error": {"code": "payload_too_large", "message": "body must be at most 8192 bytes"}}
).encode()


@dataclass
class LocalContext:
    """The parts of the Lambda context object the handler and Powertools read."""

    function_name: str = "travelbot-local"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:local:000000000000:function:travelbot-local"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    deadline: float = field(default_factory=lambda: time.monotonic() + LAMBDA_TIMEOUT_MS / 1000)

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the (simulated) Lambda timeout."""
        return max(0, int((self.deadline - time.monotonic()) * 1000))


def build_event(
    method: str,
    raw_path: str,
    headers: dict[str, str],
    body: bytes,
    source_ip: str,
    stage: str = "local",
) -> dict[str, Any]:
    """The API Gateway REST proxy event for one HTTP request."""
    parsed = urllib.parse.urlsplit(raw_path)
    path = urllib.parse.unquote(parsed.path) or "/"
    query = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
    try:
        text: str | None = body.decode("utf-8") if body else None
        is_base64 = False
    except UnicodeDecodeError:
        text, is_base64 = base64.b64encode(body).decode("ascii"), True
    now = time.time()
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": path,
            "stage": stage,
            "requestId": str(uuid.uuid4()),
            "requestTimeEpoch": int(now * 1000),
            "domainName": headers.get("Host") or headers.get("host") or "localhost",
            "identity": {"sourceIp": source_ip, "userAgent": headers.get("User-Agent", "")},
            "protocol": "HTTP/1.1",
        },
        "body": text,
        "isBase64Encoded": is_base64,
    }


class ChatRequestHandler(BaseHTTPRequestHandler):
    """Turns each HTTP request into a proxy event and the handler's result into a response."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = (
        True  # headers and body are separate writes: no 40 ms delayed-ACK stall
    )
    server_version = "TravelBot"
    sys_version = ""
    quiet = False

    def _handle(self) -> None:
        length_header = self.headers.get("Content-Length", "0") or "0"
        try:
            length = int(length_header)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_READ_BYTES:
            self._drain(length)
            self._send_raw(
                413,
                PAYLOAD_TOO_LARGE,
                close=True,
            )
            return
        body = self.rfile.read(length) if length else b""
        headers = {k: v for k, v in self.headers.items()}
        headers.setdefault("X-Forwarded-Proto", "http")
        event = build_event(self.command, self.path, headers, body, self.client_address[0])
        started = time.perf_counter()
        result = lambda_handler(event, LocalContext())
        self._send_result(result)
        if not self.quiet:
            took = (time.perf_counter() - started) * 1000
            status = result["statusCode"]
            line = f"{self.client_address[0]} {self.command} {event['path']} {status} {took:.0f}ms"
            sys.stderr.write(line + "\n")

    def _drain(self, length: int) -> None:
        """Discard a refused body (up to a bound) so the client can read the answer."""
        left = min(max(length, 0), DRAIN_LIMIT)
        while left > 0:
            chunk = self.rfile.read(min(left, 64 * 1024))
            if not chunk:
                break
            left -= len(chunk)

    def _send_result(self, result: dict[str, Any]) -> None:
        body = result.get("body") or ""
        payload = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")
        self.send_response(int(result["statusCode"]))
        headers: dict[str, list[str]] = {
            k: [str(v)] for k, v in (result.get("headers") or {}).items()
        }
        for key, values in (result.get("multiValueHeaders") or {}).items():
            headers[key] = [str(v) for v in values]
        for key, values in headers.items():
            if key.lower() != "content-length":
                for value in values:
                    self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _send_raw(self, status: int, payload: bytes, *, close: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(payload)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = do_HEAD = do_OPTIONS = _handle  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: ``_handle`` writes one access line per request instead."""


class ChatServer(ThreadingHTTPServer):
    """A threaded HTTP server whose worker threads do not block shutdown."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # bursts of new connections wait in the backlog instead of stalling


def make_server(host: str, port: int, *, quiet: bool = False) -> ChatServer:
    """Bind the server (port 0 picks a free one); ``serve_forever`` starts it."""
    handler = type("Handler", (ChatRequestHandler,), {"quiet": quiet})
    return ChatServer((host, port), handler)


def serve_in_thread(host: str = "127.0.0.1", port: int = 0) -> tuple[ChatServer, threading.Thread]:
    """Start a server on a background thread (for benchmarks and tests)."""
    server = make_server(host, port, quiet=True)
    thread = threading.Thread(target=server.serve_forever, name="travelbot-server", daemon=True)
    thread.start()
    return server, thread
