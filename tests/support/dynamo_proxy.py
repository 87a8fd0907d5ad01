"""A wire-level proxy in front of dynalite that injects DynamoDB's own faults.

Requests are forwarded unchanged (dynalite checks no signature); the proxy can instead answer
as DynamoDB does when it throttles (HTTP 400, ``ProvisionedThroughputExceededException``) or
fails (HTTP 500, ``InternalServerError``), add latency, reset connections (all through the shared
:class:`tests.support.fakes.faults.Faults` switches), or answer ``BatchWriteItem`` with every
write left in ``UnprocessedItems``. The error bodies are DynamoDB's JSON 1.0 error shape
(``{"__type": "com.amazonaws.dynamodb.v20120810#<Code>", "message": ...}``), so botocore parses
them into the same ``ClientError`` codes it raises against AWS.

:meth:`DynamoFaultProxy.hold` stops chosen requests at the proxy (never forwarded) until
released, which lets a test kill the caller between two writes: the first reached DynamoDB,
the second never will.
"""

from __future__ import annotations

import http.client
import json
import threading
import urllib.parse
from collections.abc import Callable

from tests.support.fakes.base import FakeServer, RecordedRequest, Response, json_response

AMZ_JSON = "application/x-amz-json-1.0"
ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#"
ERRORS = {
    400: (
        "ProvisionedThroughputExceededException",
        "The level of configured provisioned "
        "throughput for the table was exceeded. Consider increasing your provisioning level "
        "with the UpdateTable API.",
    ),
    500: ("InternalServerError", "Internal server error"),
    503: ("ServiceUnavailable", "Service unavailable"),
}


def dynamodb_error(status: int, message: str | None = None) -> Response:
    """DynamoDB's error answer for ``status`` (400 is throttling)."""
    code, default = ERRORS.get(status, ("InternalServerError", "Internal server error"))
    body = {"__type": ERROR_PREFIX + code, "message": message or default}
    response = json_response(status, body)
    return Response(response.status, response.body, {"Content-Type": AMZ_JSON})


class DynamoFaultProxy(FakeServer):
    """Forwards to ``upstream`` (a dynalite URL) unless a fault says otherwise."""

    name = "dynamodb-proxy"

    def __init__(self, upstream: str) -> None:
        super().__init__()
        parsed = urllib.parse.urlsplit(upstream)
        self._upstream = (parsed.hostname or "127.0.0.1", parsed.port or 80)
        self._unprocessed = 0
        self._count_lock = threading.Lock()
        self._hold: Callable[[RecordedRequest], bool] | None = None
        self.held = threading.Event()
        self._release = threading.Event()

    def hold(self, matches: Callable[[RecordedRequest], bool]) -> None:
        """Keep every request ``matches`` accepts at the proxy, unforwarded, until released.

        :attr:`held` is set when the first one arrives; :meth:`release` answers it (and later
        ones) with DynamoDB's 500, never forwarding it.
        """
        self.held.clear()
        self._release.clear()
        self._hold = matches

    def release(self) -> None:
        """Let held requests go (with a 500) and stop holding."""
        self._hold = None
        self._release.set()

    def stop(self) -> None:
        """Release held requests, then stop serving."""
        self.release()
        super().stop()

    def unprocessed_next(self, n: int) -> None:
        """The next ``n`` BatchWriteItem calls process nothing (all in ``UnprocessedItems``)."""
        with self._count_lock:
            self._unprocessed = n

    def operations(self, name: str) -> int:
        """How many requests of operation ``name`` (e.g. ``"PutItem"``) arrived."""
        target = f"DynamoDB_20120810.{name}"
        return sum(1 for r in self.requests if r.header("x-amz-target") == target)

    def error_response(self, status: int, message: str | None = None) -> Response:
        """DynamoDB's error shape for status faults."""
        return dynamodb_error(status, message)

    def handle(self, request: RecordedRequest) -> Response:
        """Forward, hold, or leave a whole batch unprocessed when asked to."""
        hold = self._hold
        if hold is not None and hold(request):
            self.held.set()
            self._release.wait(timeout=60)
            return dynamodb_error(500, "held by the test and never forwarded")
        if request.header("x-amz-target") == "DynamoDB_20120810.BatchWriteItem":
            with self._count_lock:
                leave = self._unprocessed > 0
                self._unprocessed -= leave
            if leave:
                payload = json.loads(request.body)
                unprocessed = {"UnprocessedItems": payload["RequestItems"]}
                response = json_response(200, unprocessed)
                return Response(200, response.body, {"Content-Type": AMZ_JSON})
        return self._forward(request)

    def _forward(self, request: RecordedRequest) -> Response:
        connection = http.client.HTTPConnection(*self._upstream, timeout=10)
        try:
            headers = {k: v for k, v in request.headers.items() if k not in ("host", "connection")}
            connection.request(request.method, request.path, body=request.body, headers=headers)
            upstream = connection.getresponse()
            body = upstream.read()
            kept = {
                k: v
                for k, v in upstream.getheaders()
                if k.lower() in ("content-type", "x-amz-crc32", "x-amzn-requestid")
            }
            return Response(upstream.status, body, kept)
        finally:
            connection.close()
