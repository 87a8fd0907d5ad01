"""``GET /`` (the web chat page), ``GET /health`` and ``GET /go/{linkId}`` (tracked redirect)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from runtime import services
from runtime.api import web
from runtime.api.http import json_response
from runtime.api.validation import LINK_ID_RE
from runtime.errors import NotFoundError, ValidationError

router = APIGatewayRouter()


@router.get("/")
def chat_page() -> Response[str]:
    """The self-contained chat page, locked down by a hash-based CSP."""
    html, csp = web.page()
    return Response(
        status_code=200,
        content_type="text/html; charset=utf-8",
        body=html.decode("utf-8"),
        headers={
            "Content-Security-Policy": csp,
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-cache",
        },
    )


@router.get("/health")
def health() -> Response[str]:
    """Liveness for load balancers and Route53 health checks."""
    settings = services.current().settings
    return json_response(200, {"status": "ok", "stage": settings.stage})


@router.get("/go/<link_id>")
def follow_link(link_id: str) -> Response[str]:
    """Record that a flight link was opened (conversion analytics) and redirect to it."""
    if not LINK_ID_RE.fullmatch(link_id):
        raise ValidationError("link id is malformed")
    current = services.current()
    link = current.store.record_click(link_id, int(current.clock() * 1000))
    if link is None:
        raise NotFoundError("this link is unknown or has expired")
    return Response(
        status_code=302,
        content_type="text/plain",
        body="",
        headers={
            "Location": link.url,
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
        },
    )
