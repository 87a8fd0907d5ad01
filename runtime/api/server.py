"""The local server: waitress speaks HTTP, the unchanged Lambda handler answers.

What runs on a laptop is what runs in Lambda: each request becomes the event API Gateway would
send (:func:`proxy_event`: path, headers, query, body, ``requestContext.identity.sourceIp`` from
the socket), the handler answers with a proxy result, and that result is written back. Only
that translation is ours; the HTTP/1.1 work is waitress's (a well-kept, pure-Python server):
parsing and framing, keep-alive and pipelining, chunked request bodies, ``Expect:
100-continue``, one event loop for every socket and a bounded pool of worker threads, so a
client that sends half a request holds a socket, never a thread.

On top of waitress's defaults the server is strict where a proxy in front of it could be
confused (RFC 9112 section 6): a request with both ``Content-Length`` and ``Transfer-Encoding``,
with ``Content-Length`` twice or malformed (``+19``, ``1_9``, 5,000 digits), with more than one
transfer coding (``chunked, chunked``), or with a ``Transfer-Encoding`` on HTTP/1.0 is refused
with a 400 and the connection closed; a coding other than ``chunked`` is a 501. A request
must arrive whole within ``timeout_s`` of its first byte (waitress alone restarts that clock on
every byte, which a slow drip exploits). Its own errors (400, 413, 431, 501) are JSON in the
contract's error shape. ``HEAD`` gets ``GET``'s headers without the body. The access log prints
the path as sent, with control characters escaped, session ids as their hash and no query
string (an admin token may travel there). A client that hangs up is not an error: no
traceback is printed.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import re
import sys
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, TextIO

from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.rfc7230 import HEADER_FIELD_RE
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher

from runtime.api.handler import lambda_handler
from runtime.providers.observability import session_ref

LAMBDA_TIMEOUT_MS = 15_000
MAX_READ_BYTES = 64 * 1024  # larger bodies are refused unread (413); the handler's limit is 8 KB
MAX_HEADER_BYTES = 16 * 1024  # API Gateway takes 10 KB of headers
REQUEST_TIMEOUT_S = 30  # a request must be whole this long after its first byte
THREADS = 16
CONNECTION_LIMIT = 1000
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers"}
    | {"transfer-encoding", "upgrade", "content-length"}
)
_SESSION_PATH = re.compile(r"(/sessions/)([^/?#]+)")
_ERRORS = {
    400: ("bad_request", "the request is not valid HTTP/1.1 (framing or headers)"),
    413: ("payload_too_large", "body must be at most 8192 bytes"),
    431: ("headers_too_large", "the request headers are too large"),
    500: ("internal_error", "something went wrong on our side; please retry"),
    501: ("not_implemented", "only the chunked transfer coding is supported"),
}


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


# ------------------------------------------------------------------------ the translation
def proxy_event(
    method: str,
    path: str,
    query: str,
    headers: dict[str, str],
    body: bytes,
    source_ip: str,
    *,
    stage: str = "local",
    domain_name: str = "localhost",
) -> dict[str, Any]:
    """The API Gateway REST proxy event for one request (``path`` already percent-decoded).

    ``domain_name`` is where the server is reachable, never the client's ``Host`` header.
    """
    values = urllib.parse.parse_qs(query, keep_blank_values=True)
    try:
        text: str | None = body.decode("utf-8") if body else None
        is_base64 = False
    except UnicodeDecodeError:
        text, is_base64 = base64.b64encode(body).decode("ascii"), True
    path = path or "/"
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in values.items()} or None,
        "multiValueQueryStringParameters": values or None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": path,
            "stage": stage,
            "requestId": str(uuid.uuid4()),
            "requestTimeEpoch": int(time.time() * 1000),
            "domainName": domain_name,
            "identity": {"sourceIp": source_ip, "userAgent": headers.get("User-Agent", "")},
            "protocol": "HTTP/1.1",
        },
        "body": text,
        "isBase64Encoded": is_base64,
    }


def build_event(
    method: str,
    raw_path: str,
    headers: dict[str, str],
    body: bytes,
    source_ip: str,
    stage: str = "local",
) -> dict[str, Any]:
    """:func:`proxy_event` for a request-target such as ``/chat?x=1`` (percent-encoded)."""
    parsed = urllib.parse.urlsplit(raw_path)
    path = urllib.parse.unquote(parsed.path)
    return proxy_event(method, path, parsed.query, headers, body, source_ip, stage=stage)


def _headers(environ: Mapping[str, Any]) -> dict[str, str]:
    """Request headers from a WSGI environ, in ``Title-Case`` (lookups are case-insensitive)."""
    headers = {"Content-Type": environ.get("CONTENT_TYPE", "")} if "CONTENT_TYPE" in environ else {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").title()] = str(value)
    if environ.get("CONTENT_LENGTH"):
        headers["Content-Length"] = str(environ["CONTENT_LENGTH"])
    return headers


def printable(text: str) -> str:
    """``text`` with every non-printable character escaped (``\\n``, ``\\x1b``, ``\\u2028``)."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def access_path(request_uri: str) -> str:
    """The path as logged: as sent, no query string, session ids hashed, controls escaped."""
    path = request_uri.split("?", 1)[0]
    path = _SESSION_PATH.sub(lambda m: m.group(1) + "~" + session_ref(m.group(2)), path)
    return printable(path)


class ChatApplication:
    """The WSGI application: one request -> one proxy event -> the Lambda handler -> response."""

    def __init__(self, *, domain_name: str, access_log: TextIO | None) -> None:
        self.domain_name = domain_name
        self.access_log = access_log

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """Answer one request (WSGI)."""
        started = time.perf_counter()
        method = str(environ["REQUEST_METHOD"])
        raw_path = str(environ.get("PATH_INFO", ""))
        path = raw_path.encode("latin-1").decode("utf-8", "replace")  # WSGI's latin-1 strings
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        source_ip = str(environ.get("REMOTE_ADDR", "unknown"))
        event = proxy_event(
            method,
            path,
            str(environ.get("QUERY_STRING", "")),
            _headers(environ),
            body,
            source_ip,
            domain_name=self.domain_name,
        )
        result = lambda_handler(event, LocalContext())
        status = int(result["statusCode"])
        raw = result.get("body") or ""
        payload = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode("utf-8")
        start_response(_status_line(status), [*_response_headers(result), _length(payload)])
        if self.access_log is not None:
            took = (time.perf_counter() - started) * 1000
            uri = str(environ.get("REQUEST_URI", raw_path))
            line = f"{source_ip} {printable(method)} {access_path(uri)} {status} {took:.0f}ms\n"
            self.access_log.write(line)
        return [] if method == "HEAD" else [payload]


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def _length(payload: bytes) -> tuple[str, str]:
    return ("Content-Length", str(len(payload)))


def _response_headers(result: Mapping[str, Any]) -> list[tuple[str, str]]:
    merged: dict[str, list[str]] = {k: [str(v)] for k, v in (result.get("headers") or {}).items()}
    for key, values in (result.get("multiValueHeaders") or {}).items():
        merged[key] = [str(v) for v in values]
    return [
        (key, value)
        for key, values in merged.items()
        if key.lower() not in HOP_BY_HOP
        for value in values
    ]


# ---------------------------------------------------------------- waitress, made stricter
class StrictRequestParser(HTTPRequestParser):  # type: ignore[misc]  # waitress is untyped
    """Waitress's parser, refusing the framing a proxy in front could read differently."""

    def parse_header(self, header_plus: bytes) -> None:
        """Check ``Content-Length`` / ``Transfer-Encoding`` before waitress merges them."""
        index = header_plus.find(b"\r\n")
        first_line = header_plus[:index].rstrip() if index >= 0 else b""
        if first_line.endswith(b"HTTP/1.1"):
            self.version = "1.1"  # so that an error below is answered in HTTP/1.1
        lines = header_plus[index + 2 :].split(b"\r\n") if index >= 0 else []
        names, codings_listed = [], 0
        for line in lines:
            match = HEADER_FIELD_RE.match(line)
            if match:
                name = match.group("name").strip().lower()
                names.append(name)
                if name == b"transfer-encoding":
                    codings_listed += len(
                        [c for c in match.group("value").split(b",") if c.strip()]
                    )
        lengths, codings = names.count(b"content-length"), names.count(b"transfer-encoding")
        if lengths and codings:
            raise ParsingError("Content-Length and Transfer-Encoding together")
        if lengths > 1 or codings > 1 or codings_listed > 1:
            raise ParsingError("a framing header appears more than once")
        if codings and first_line.endswith(b"HTTP/1.0"):
            raise ParsingError("Transfer-Encoding on HTTP/1.0")
        try:
            super().parse_header(header_plus)
        except ValueError:  # an int() of a Content-Length too long to convert
            raise ParsingError("Content-Length is invalid") from None


class JsonErrorTask(ErrorTask):  # type: ignore[misc]  # waitress is untyped
    """Waitress's own error answers, in the contract's JSON error shape (never its raw text)."""

    def execute(self) -> None:
        """Write the error as JSON and close the connection."""
        status = int(getattr(self.request.error, "code", 400))
        code, message = _ERRORS.get(status, _ERRORS[400])
        body = json.dumps({"error": {"code": code, "message": message}}).encode()
        self.status = _status_line(status)
        self.response_headers.extend(
            [
                ("Content-Type", "application/json"),
                ("X-Content-Type-Options", "nosniff"),
                ("Cache-Control", "no-store"),
            ]
        )
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class ChatChannel(HTTPChannel):  # type: ignore[misc]  # waitress is untyped
    """A connection whose request must arrive whole within the timeout of its first byte."""

    parser_class = StrictRequestParser
    error_task_class = JsonErrorTask
    _request_began = 0.0

    def received(self, data: bytes) -> bool:
        """Feed waitress's parser; while a request is incomplete its clock does not restart."""
        if self.request is None:
            self._request_began = time.time()
        handled: bool = super().received(data)
        if self.request is not None and not self.request.completed:
            # waitress closes channels idle for channel_timeout; an incomplete request counts
            # as idle since its first byte, however slowly the rest drips in
            self.last_activity = self._request_began
        return handled


class _TcpServer(TcpWSGIServer):  # type: ignore[misc]  # waitress is untyped
    channel_class = ChatChannel


class ChatServer:
    """The local chat server bound to ``host:port`` (port 0 picks a free one).

    :meth:`serve_forever` runs the event loop in the calling thread until :meth:`shutdown`;
    :meth:`server_close` closes every socket and stops the worker threads.
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        access_log: TextIO | None = None,
        timeout_s: float = REQUEST_TIMEOUT_S,
        threads: int = THREADS,
    ) -> None:
        adjustments = Adjustments(
            host=host,
            port=port,
            threads=threads,
            channel_timeout=max(1, round(timeout_s)),
            cleanup_interval=max(1, min(30, round(timeout_s / 2))),
            max_request_body_size=MAX_READ_BYTES + 1,
            max_request_header_size=MAX_HEADER_BYTES,
            connection_limit=CONNECTION_LIMIT,
            asyncore_use_poll=True,  # select() stops at 1024 descriptors
            log_socket_errors=False,  # a client that hangs up is not worth a traceback
            expose_tracebacks=False,
            ident="TravelBot",
        )
        self._map: dict[int, Any] = {}
        self._dispatcher = ThreadedTaskDispatcher()
        self._dispatcher.set_thread_count(adjustments.threads)
        self.application = ChatApplication(domain_name="localhost", access_log=access_log)
        self._server = _TcpServer(
            self.application, self._map, dispatcher=self._dispatcher, adj=adjustments
        )
        self.server_address: tuple[str, int] = (
            str(self._server.effective_host),
            int(self._server.effective_port),
        )
        self.application.domain_name = f"{self.server_address[0]}:{self.server_address[1]}"
        self._stop = threading.Event()
        self._stopped = threading.Event()
        self._stopped.set()

    def serve_forever(self) -> None:
        """Serve until :meth:`shutdown` (or an exception, e.g. ``KeyboardInterrupt``)."""
        self._stopped.clear()
        try:
            while not self._stop.is_set():
                wasyncore.loop(timeout=0.5, map=self._map, use_poll=True, count=1)
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop :meth:`serve_forever` (from another thread) and wait for it to return."""
        self._stop.set()
        self._server.pull_trigger()
        self._stopped.wait(timeout=5)

    def server_close(self) -> None:
        """Close the listening socket and every connection; stop the worker threads."""
        for channel in list(self._map.values()):
            with contextlib.suppress(OSError):
                channel.close()
        self._dispatcher.shutdown(cancel_pending=True, timeout=5)


def make_server(
    host: str, port: int, *, quiet: bool = False, timeout_s: float = REQUEST_TIMEOUT_S
) -> ChatServer:
    """Bind the server (port 0 picks a free one); ``serve_forever`` starts it."""
    # waitress reports a client that hangs up at INFO and a queue of waiting requests during a
    # burst as a warning; neither is worth a console line. Its errors still print.
    logging.getLogger("waitress").setLevel(logging.ERROR)
    return ChatServer(host, port, access_log=None if quiet else sys.stderr, timeout_s=timeout_s)


def serve_in_thread(host: str = "127.0.0.1", port: int = 0) -> tuple[ChatServer, threading.Thread]:
    """Start a server on a background thread (for benchmarks and tests)."""
    server = make_server(host, port, quiet=True)
    thread = threading.Thread(target=server.serve_forever, name="travelbot-server", daemon=True)
    thread.start()
    return server, thread


__all__ = [
    "ChatApplication",
    "ChatServer",
    "LocalContext",
    "access_path",
    "build_event",
    "make_server",
    "printable",
    "proxy_event",
    "serve_in_thread",
]
