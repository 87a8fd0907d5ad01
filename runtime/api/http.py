"""HTTP helpers shared by the routes: JSON responses with the security headers the contract
requires, error bodies, and facts read from an API Gateway REST proxy event."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.event_handler import Response

from runtime.errors import RequestError

JSON_HEADERS = {
    "Content-Type": "application/json",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def json_response(
    status: int, body: Any, extra_headers: Mapping[str, str] | None = None
) -> Response[str]:
    """A JSON response with ``nosniff`` and ``no-store``."""
    headers = dict(JSON_HEADERS)
    headers.update(extra_headers or {})
    return Response(
        status_code=status,
        content_type="application/json",
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        headers=headers,
    )


def html_response(
    status: int, page: str, csp: str, extra_headers: Mapping[str, str] | None = None
) -> Response[str]:
    """A server-rendered page that is never cached and never framed: its hash-based
    ``Content-Security-Policy``, ``nosniff``, ``X-Frame-Options: DENY`` (for browsers that
    predate CSP), no referrer and ``no-store``."""
    headers = {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }
    headers.update(extra_headers or {})
    return Response(
        status_code=status, content_type="text/html; charset=utf-8", body=page, headers=headers
    )


def error_body(code: str, message: str) -> dict[str, Any]:
    """The contract's error shape."""
    return {"error": {"code": code, "message": message}}


def error_response(error: RequestError) -> Response[str]:
    """The response for a client error, with the headers its status calls for."""
    return json_response(error.status, error_body(error.code, error.message), error.headers())


def error_result(error: RequestError) -> dict[str, Any]:
    """A client error as a proxy-integration result, for answers given before routing."""
    return {
        "statusCode": error.status,
        "headers": {**JSON_HEADERS, **error.headers()},
        "body": json.dumps(error_body(error.code, error.message)),
        "isBase64Encoded": False,
    }


def source_ip(event: Mapping[str, Any]) -> str:
    """The caller's address as API Gateway saw it: never X-Forwarded-For, which clients forge."""
    identity = (event.get("requestContext") or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "unknown")


def base_url(event: Mapping[str, Any], configured: str = "") -> str:
    """The public URL prefix of this API, which links in replies start with.

    ``configured`` (the ``TRAVELBOT_PUBLIC_BASE_URL`` setting; the local server always sets it)
    wins. Otherwise it is ``https://`` + the domain API Gateway served the request on + the stage
    prefix: on the execute-api domain ``requestContext.path`` is ``/prod/chat`` while ``path`` is
    ``/chat``; behind a custom domain with a base path mapping both agree. The client's ``Host``
    and ``X-Forwarded-Proto`` headers are never used: a reply once linked to
    ``javascript://evil.example/go/...`` because they were.
    """
    if configured:
        return configured.rstrip("/")
    context = event.get("requestContext") or {}
    host = str(context.get("domainName") or "localhost")
    full, path = str(context.get("path") or ""), str(event.get("path") or "")
    prefix = full[: -len(path)] if path and full.endswith(path) else ""
    return f"https://{host}{prefix.rstrip('/')}"


def _quality(ranges: list[tuple[str, float]], media_type: str) -> float:
    """The q-value ``Accept`` gives ``media_type``: its most specific matching range wins."""
    kind = media_type.split("/", 1)[0]
    best: tuple[int, float] = (-1, 0.0)
    for name, q in ranges:
        rank = 2 if name == media_type else 1 if name == f"{kind}/*" else 0 if name == "*/*" else -1
        if rank > best[0]:
            best = (rank, q)
    return best[1]


def prefers_html(accept: str) -> bool:
    """Whether an ``Accept`` header ranks ``text/html`` above ``application/json``.

    Browsers navigating to a link send ``text/html`` first; API clients send
    ``application/json``, ``*/*`` or nothing. A tie goes to JSON, the API's own format.
    """
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        name, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value)))
                except ValueError:
                    q = 0.0
        if name:
            ranges.append((name.lower(), q))
    html = _quality(ranges, "text/html")
    return html > 0 and html > _quality(ranges, "application/json")
