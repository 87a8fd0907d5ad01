"""``GET /widget.js``: the embed script another site loads with one ``<script src>`` tag.

Cacheable (an hour, then revalidated by ETag, so a fix reaches every site within the hour) and
loadable from any site, as a script must be; whether the chat may then be shown on that site
is the chat page's ``frame-ancestors`` decision, not this script's.
"""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from runtime.api import web
from runtime.api.validation import header

router = APIGatewayRouter()

MAX_AGE_S = 3600


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 weak comparison of ``If-None-Match`` against the script's ETag."""
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or etag in tags


@router.get("/widget.js")
def widget_script() -> Response[str]:
    """The embed script, or 304 when the caller's copy is current."""
    script, etag = web.widget_script()
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={MAX_AGE_S}",
        "X-Content-Type-Options": "nosniff",
        # Sites that isolate themselves (Cross-Origin-Embedder-Policy) may still load it.
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if _matches(header(router.current_event.headers, "if-none-match"), etag):
        return Response(status_code=304, content_type=None, body="", headers=headers)
    return Response(
        status_code=200,
        content_type="text/javascript; charset=utf-8",
        body=script.decode("utf-8"),
        headers=headers,
    )
