"""The chat API's shape as data (no resources): routes, request schema, error responses, access
log format and names, and a hash of it all that forces a new deployment when any of it changes.

:mod:`components.chat_api` builds the REST API from these; tests and the policy pack read them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

STAGE_NAME = "v1"
#: Tag on the account-level CloudWatch role naming the stack that manages it (preflight reads it).
OWNER_TAG = "travelbot-api-gateway-logging-owner"


@dataclass(frozen=True)
class Route:
    """One method on one path of the API."""

    method: str
    path: str
    validated: bool = False


ROUTES: tuple[Route, ...] = (
    Route("POST", "/chat", validated=True),
    Route("GET", "/sessions/{id}"),
    Route("DELETE", "/sessions/{id}"),
    Route("GET", "/"),
    Route("GET", "/go/{linkId}"),
    Route("GET", "/health"),
    Route("GET", "/widget.js"),
)
#: The CORS preflight of ``POST /chat``: declared only when the stack allows some origin, and
#: answered by the function (runtime/api/cors.py), so API Gateway and the local server agree.
PREFLIGHT_ROUTE = Route("OPTIONS", "/chat")


def routes(allowed_origins: Sequence[str] = ()) -> tuple[Route, ...]:
    """The API's methods: :data:`ROUTES`, and the preflight when origins are allowed."""
    return (*ROUTES, PREFLIGHT_ROUTE) if allowed_origins else ROUTES


#: The ``POST /chat`` body (the contract in DESIGN.md). API Gateway validates draft-04.
CHAT_REQUEST_SCHEMA: dict[str, object] = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "title": "ChatRequest",
    "type": "object",
    "properties": {
        "message": {"type": "string", "minLength": 1, "maxLength": 1000},
        "sessionId": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$"},
        "clientMessageId": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,64}$"},
    },
    "required": ["message"],
    "additionalProperties": False,
}


def _error(code: str, message: str) -> dict[str, str]:
    return {"application/json": json.dumps({"error": {"code": code, "message": message}})}


#: Responses API Gateway sends itself, in the chat API's error format.
GATEWAY_RESPONSES: dict[str, tuple[str, dict[str, str], dict[str, str]]] = {
    "BAD_REQUEST_BODY": (
        "400",
        _error("invalid_request", "The request body does not match the chat request schema."),
        {},
    ),
    "REQUEST_TOO_LARGE": ("413", _error("payload_too_large", "The request is too large."), {}),
    "THROTTLED": (
        "429",
        _error("rate_limited", "Too many requests; retry later."),
        {"gatewayresponse.header.Retry-After": "'1'"},
    ),
    "WAF_FILTERED": ("403", _error("forbidden", "The request was blocked."), {}),
    # API Gateway answers an unknown route with "missing authentication token" (403).
    "MISSING_AUTHENTICATION_TOKEN": (
        "404",
        _error("not_found", "No such route; see POST /chat."),
        {},
    ),
    "DEFAULT_4XX": ("", _error("bad_request", "The request was not accepted."), {}),
    "DEFAULT_5XX": ("", _error("internal_error", "The service failed; retry later."), {}),
}


def gateway_responses(
    allowed_origins: Sequence[str] = (),
) -> dict[str, tuple[str, dict[str, str], dict[str, str]]]:
    """:data:`GATEWAY_RESPONSES`, with the CORS headers an allowed site needs to read them.

    Without allowed origins, none (nothing is cross-origin). With one, API Gateway's own errors
    name it. A gateway response cannot choose among several origins, so with more it echoes the
    caller's ``Origin``: the function's preflight, which admits listed origins only, still
    guards every JSON request a browser sends cross-origin, and these bodies are fixed texts.
    """
    if not allowed_origins:
        return GATEWAY_RESPONSES
    allow = (
        f"'{allowed_origins[0]}'" if len(allowed_origins) == 1 else "method.request.header.Origin"
    )
    cors = {
        "gatewayresponse.header.Access-Control-Allow-Origin": allow,
        "gatewayresponse.header.Access-Control-Expose-Headers": "'Retry-After'",
        "gatewayresponse.header.Vary": "'Origin'",
    }
    return {
        kind: (status, templates, {**parameters, **cors})
        for kind, (status, templates, parameters) in GATEWAY_RESPONSES.items()
    }


ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTimeEpoch",
        "httpMethod": "$context.httpMethod",
        "resourcePath": "$context.resourcePath",
        "status": "$context.status",
        "responseLength": "$context.responseLength",
        "responseLatency": "$context.responseLatency",
        "integrationLatency": "$context.integrationLatency",
        "wafStatus": "$context.waf.status",
        "xrayTraceId": "$context.xrayTraceId",
    },
    separators=(",", ":"),
)


#: The validator of a method whose body is not validated: its parameters only.
PARAMETERS_VALIDATOR = "parameters-only"


def definition_hash(allowed_origins: Sequence[str] = ()) -> str:
    """A hash of everything that shapes the API: a change forces a new deployment."""
    shape = {
        "routes": [(r.method, r.path, r.validated) for r in routes(allowed_origins)],
        "validators": ["body-and-parameters", PARAMETERS_VALIDATOR],
        "schema": CHAT_REQUEST_SCHEMA,
        "responses": gateway_responses(allowed_origins),
    }
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()


#: Every stack's access log group (:func:`access_log_group`), as an IAM resource pattern.
ACCESS_LOG_GROUP_PATTERN = "/travelbot/*/api-access"


def access_log_group(stage: str) -> str:
    """The stage's access log group; the account role may write to it for any stage."""
    return f"/travelbot/{stage}/api-access"
