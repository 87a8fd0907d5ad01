"""The Lambda entry point: API Gateway REST proxy events in, contract responses out.

The local server wraps this very handler, so what runs on a laptop is what runs in Lambda.
Every client error becomes ``{"error": {"code", "message"}}``; an unexpected failure becomes a
500 with no stack trace (logged with one).
"""

from __future__ import annotations

import warnings
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
from runtime.errors import RateLimitedError, RequestError

logger = Logger(service=SERVICE_NAME)
metrics = Metrics(namespace=METRIC_NAMESPACE, service=SERVICE_NAME)
app = APIGatewayRestResolver()
for module in (chat, sessions, pages, widget, admin):
    app.include_router(module.router)

UNLIMITED_PATHS = frozenset({"/health"})

# Health checks and page loads legitimately publish no metric; don't warn on every one.
warnings.filterwarnings("ignore", message="No application metrics to publish")


@app.exception_handler(RequestError)
def handle_request_error(error: RequestError) -> Response[str]:
    """Client errors: the status and message the error carries."""
    return error_response(error)


@app.not_found
def handle_not_found(_: Exception) -> Response[str]:
    """Unknown routes and methods."""
    return json_response(404, error_body("not_found", "no such route; see POST /chat"))


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
    """Answer a CORS preflight, else rate-limit by source IP and route; CORS headers last, so
    that an allowed site can read every answer of ``/chat``, a 429 included."""
    origins = services.current().settings.allowed_origins
    answered = cors.preflight(event, origins)
    if answered is not None:
        return answered
    limited = _rate_limited(event)
    result = limited if limited is not None else app.resolve(event, context)
    return cors.with_cors(event, result, origins)
