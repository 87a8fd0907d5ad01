"""The Lambda entry point: API Gateway REST proxy events in, contract responses out.

The local server wraps this very handler, so what runs on a laptop is what runs in Lambda.
Every client error becomes ``{"error": {"code", "message"}}``; an unexpected failure becomes a
500 with no stack trace (logged with one). ``HEAD`` is answered like ``GET`` (the server drops
the body), a method a route does not take is a 405 naming the ones it does (``Allow``), and
every log record of the process passes the secret and personal-data redaction.
"""

from __future__ import annotations

import unicodedata
import warnings
from collections.abc import Iterable
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from runtime import services
from runtime.api import cors
from runtime.api.http import error_body, error_response, error_result, json_response, source_ip
from runtime.api.routes import admin, chat, pages, sessions, widget
from runtime.contract import METRIC_NAMESPACE, SERVICE_NAME
from runtime.errors import RateLimitedError, RequestError, StoreError, ValidationError
from runtime.providers.observability import install_log_redaction

logger = Logger(service=SERVICE_NAME)
metrics = Metrics(namespace=METRIC_NAMESPACE, service=SERVICE_NAME)
app = APIGatewayRestResolver()
for module in (chat, sessions, pages, widget, admin):
    app.include_router(module.router)

UNLIMITED_PATHS = frozenset({"/health"})
install_log_redaction()  # after the service logger has its handler: extras are scrubbed too

# Health checks and page loads legitimately publish no metric; don't warn on every one.
warnings.filterwarnings("ignore", message="No application metrics to publish")


@app.exception_handler(RequestError)
def handle_request_error(error: RequestError) -> Response[str]:
    """Client errors: the status and message the error carries."""
    return error_response(error)


def allowed_methods(path: str, routes: Iterable[Any] | None = None) -> list[str]:
    """The methods the routes take on ``path`` (``HEAD`` wherever ``GET`` is), sorted."""
    if routes is None:
        # Powertools keeps its routes in these two lists; tests pin what they yield.
        routes = [*getattr(app, "_static_routes", []), *getattr(app, "_dynamic_routes", [])]
    methods = {str(route.method).upper() for route in routes if route.rule.match(path)}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


@app.not_found
def handle_not_found(_: Exception) -> Response[str]:
    """Unknown routes: 404; a known route called with a method it does not take: 405."""
    event = app.current_event
    allowed = allowed_methods(event.path)
    if allowed:
        return json_response(
            405,
            error_body("method_not_allowed", f"this route takes {', '.join(allowed)}"),
            {"Allow": ", ".join(allowed)},
        )
    return json_response(404, error_body("not_found", "no such route; see POST /chat"))


@app.exception_handler(StoreError)
def handle_store_error(error: StoreError) -> Response[str]:
    """The history store is down (export, erase, a link): 503, the client may retry."""
    logger.warning("history store unavailable", extra={"error": str(error)})
    return json_response(
        503,
        error_body("store_unavailable", "the history store is unavailable; please retry"),
        {"Retry-After": "5"},
    )


@app.exception_handler(Exception)
def handle_unexpected(error: Exception) -> Response[str]:
    """A bug: log it with its stack, answer without one."""
    logger.exception("unhandled error")
    return json_response(
        500, error_body("internal_error", "something went wrong on our side; please retry")
    )


def _rate_limited(event: dict[str, Any]) -> dict[str, Any] | None:
    if event.get("path") in UNLIMITED_PATHS:
        return None
    decision = services.current().rate_limiter.acquire(source_ip(event))
    if decision.allowed:
        return None
    return error_result(
        RateLimitedError(
            f"too many requests; retry after {decision.retry_after_s} s",
            retry_after_s=decision.retry_after_s,
        )
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics(raise_on_empty_metrics=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Answer a CORS preflight, else rate-limit by source IP and route (``HEAD`` as ``GET``:
    the server sends no body); CORS headers last, so that an allowed site can read every answer
    of ``/chat``, a 429 included."""
    origins = services.current().settings.allowed_origins
    answered = cors.preflight(event, origins)
    if answered is not None:
        return answered
    return cors.with_cors(event, _answer(event, context), origins)


def _answer(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    limited = _rate_limited(event)
    if limited is not None:
        return limited
    if any(unicodedata.category(char) == "Cc" for char in str(event.get("path") or "")):
        # Powertools' route patterns end in "$", which also matches before a final "\n": a
        # path such as "/sessions/<id>%0A" would otherwise reach the route as "<id>".
        return error_result(ValidationError("the path contains a control character"))
    if str(event.get("httpMethod", "")).upper() == "HEAD":
        event = {**event, "httpMethod": "GET"}
    result: dict[str, Any] = app.resolve(event, context)
    return result
