"""``GET /`` (the web chat page), ``GET /health`` and ``GET /go/{linkId}`` (tracked redirect)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from runtime import services
from runtime.api import web
from runtime.api.http import error_body, html_response, json_response, prefers_html
from runtime.api.validation import LINK_ID_RE, header
from runtime.api.web.notice import notice_page

router = APIGatewayRouter()

#: Where a notice page's button leads: the chat page, relative to ``/go/{id}`` (stage-safe).
CHAT_FROM_LINK = "../"
LINK_GONE = (
    "This flight link has expired",
    "Travel Bot's flight links work for a limited time, and stop working when the conversation "
    "they came from is erased. Ask Travel Bot for the flights again to get a fresh link.",
)
LINK_MALFORMED = (
    "This link is not complete",
    "The address of this flight link is not valid; it may have been cut short when it was "
    "copied. Open it again from the chat, or ask Travel Bot for the flights again.",
)


@router.get("/")
def chat_page() -> Response[str]:
    """The self-contained chat page, locked down by a hash-based CSP.

    Only the configured origins may frame it (``frame-ancestors``); with none configured no
    site may, and ``X-Frame-Options: DENY`` says so to browsers that predate CSP as well.
    """
    origins = services.current().settings.allowed_origins
    html, csp = web.page(origins)
    headers = {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }
    if not origins:
        headers["X-Frame-Options"] = "DENY"
    return Response(
        status_code=200,
        content_type="text/html; charset=utf-8",
        body=html.decode("utf-8"),
        headers=headers,
    )


@router.get("/health")
def health() -> Response[str]:
    """Liveness for load balancers and Route53 health checks."""
    settings = services.current().settings
    return json_response(200, {"status": "ok", "stage": settings.stage})


def _link_problem(
    status: int, code: str, api_message: str, notice: tuple[str, str]
) -> Response[str]:
    """The error for a link that cannot be followed: a page for a browser, JSON for the API."""
    if prefers_html(header(router.current_event.headers, "accept")):
        title, message = notice
        page, csp = notice_page(
            title=title, message=message, link_text="Open Travel Bot", link_href=CHAT_FROM_LINK
        )
        return html_response(status, page, csp, {"Vary": "Accept"})
    return json_response(status, error_body(code, api_message), {"Vary": "Accept"})


@router.get("/go/<link_id>")
def follow_link(link_id: str) -> Response[str]:
    """Record that a flight link was opened (conversion analytics) and redirect to it.

    A malformed, unknown, expired or erased link answers 400 or 404: a short page saying what
    happened when the caller is a browser (``Accept`` prefers HTML), the JSON error otherwise.
    """
    if not LINK_ID_RE.fullmatch(link_id):
        return _link_problem(400, "invalid_request", "link id is malformed", LINK_MALFORMED)
    current = services.current()
    link = current.store.record_click(link_id, int(current.clock() * 1000))
    if link is None:
        return _link_problem(404, "not_found", "this link is unknown or has expired", LINK_GONE)
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
