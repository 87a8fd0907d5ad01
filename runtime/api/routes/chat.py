"""``POST /chat``: one turn of conversation, per the contract in README.md ("The chat API")."""

from __future__ import annotations

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from runtime import services
from runtime.api.http import base_url, json_response
from runtime.api.validation import parse_chat_request
from runtime.chat import TurnContext
from runtime.providers.observability import message_fields, session_ref

router = APIGatewayRouter()
logger = Logger(service="travelbot", child=True)

RESERVED_MS = 1500  # kept back from the Lambda's remaining time for the history write and reply
MAX_BUDGET_S = 10.0


def _budget_s() -> float:
    remaining = getattr(router.lambda_context, "get_remaining_time_in_millis", None)
    if remaining is None:
        return MAX_BUDGET_S
    left_ms = float(remaining())
    return max(0.2, min(MAX_BUDGET_S, (left_ms - RESERVED_MS) / 1000))


@router.post("/chat")
def chat() -> Response[str]:
    """Validate, converse, and answer with the contract's body."""
    event = router.current_event
    request = parse_chat_request(event.headers, event.body, bool(event.is_base64_encoded))
    current = services.current()
    links = base_url(event.raw_event, current.settings.public_base_url)
    body = current.chat.chat(request, TurnContext(base_url=links, budget_s=_budget_s()))
    current.telemetry.turn_completed(float(body["latencyMs"]))
    # One line per turn: the session only as a hash, no message text (a redacted excerpt only
    # when the logger is at DEBUG).
    logger.info(
        "chat turn",
        extra={
            "session": session_ref(body["sessionId"]),
            **message_fields(logger, request.message),
            "intent": body["intent"],
            "dialog_state": body["dialogState"],
            "nlu_provider": body["nlu"]["provider"],
            "latency_ms": body["latencyMs"],
        },
    )
    return json_response(200, body)
