"""``GET /admin/analytics?date=YYYY-MM-DD``: the daily report as an HTML page with charts.

Guarded by the admin token from config (``TRAVELBOT_ADMIN_TOKEN``): ``Authorization: Bearer
<token>`` or ``?token=<token>``, compared in constant time. With no token configured the route
does not exist (404), so a deployment without one exposes nothing. ``format=json`` returns the
figures as JSON instead. The page runs no script and loads nothing (strict CSP).
"""

from __future__ import annotations

import datetime as dt
import hmac
import urllib.parse

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from runtime import services
from runtime.analytics.html import render_report
from runtime.analytics.report import analyse, parse_date
from runtime.api.http import error_body, html_response, json_response
from runtime.api.validation import header
from runtime.errors import StoreError, UnauthorizedError

router = APIGatewayRouter()
logger = Logger(child=True)

PATH = "/admin/analytics"
REALM = 'Bearer realm="travelbot-admin"'


def _presented_token() -> tuple[str, bool]:
    """The token the caller sent, and whether it came in the query string."""
    event = router.current_event
    authorization = header(event.headers or {}, "authorization") or ""
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    return (event.get_query_string_value("token") or ""), True


def authorised(presented: str, expected: str) -> bool:
    """Constant-time comparison; an empty expected token never matches."""
    return bool(expected) and hmac.compare_digest(presented.encode(), expected.encode())


def _day_links(day: str, token: str | None) -> dict[str, str]:
    links: dict[str, str] = {}
    for text, shift in (("← previous day", -1), ("next day →", 1)):
        try:
            other = (dt.date.fromisoformat(day) + dt.timedelta(days=shift)).isoformat()
        except OverflowError:  # before year 1 or after 9999
            continue
        query = {"date": other} | ({"token": token} if token else {})
        links[text] = f"{PATH}?{urllib.parse.urlencode(query)}"
    return links


@router.get(PATH)
def analytics_page() -> Response[str]:
    """The report for ``date`` (default: today, UTC); 401 without the token, 404 if disabled."""
    current = services.current()
    if not current.admin_token:
        return json_response(404, error_body("not_found", "no such route; see POST /chat"))
    token, from_query = _presented_token()
    if not authorised(token, current.admin_token):
        raise UnauthorizedError(
            "send the admin token as 'Authorization: Bearer <token>'", realm=REALM
        )
    event = router.current_event
    raw = event.get_query_string_value("date") or ""
    today = dt.datetime.fromtimestamp(current.clock(), dt.UTC).date().isoformat()
    try:
        day = parse_date(raw) if raw else today
    except ValueError as exc:
        return json_response(400, error_body("invalid_request", str(exc)))
    try:
        report = analyse(current.store, day)
    except StoreError:
        logger.exception("analytics query failed")
        return json_response(
            503, error_body("store_unavailable", "the history store is unavailable; retry later")
        )
    if event.get_query_string_value("format") == "json":
        return json_response(200, report.to_dict())
    carried = token if from_query else None
    page, csp = render_report(
        report,
        links=_day_links(day, carried),
        hidden_fields={"token": carried} if carried else None,
    )
    return html_response(200, page, csp)
