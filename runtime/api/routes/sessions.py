"""``GET /sessions/{id}`` (GDPR access: export every turn) and ``DELETE`` (GDPR erasure)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from runtime import services
from runtime.api.http import json_response
from runtime.api.validation import check_session_id
from runtime.errors import NotFoundError
from runtime.types import Turn

router = APIGatewayRouter()


def public_turn(turn: Turn) -> dict[str, Any]:
    """A turn as the export shows it (camelCase, no internal keys)."""
    return {
        "timestamp": turn.timestamp_ms,
        "message": turn.message,
        "reply": turn.reply,
        "intent": turn.intent,
        "slots": turn.slots,
        "dialogState": turn.dialog_state,
        "nlu": {"provider": turn.nlu_provider, "confidence": turn.nlu_confidence},
        "sentiment": {"label": turn.sentiment_label, "score": turn.sentiment_score},
        "variant": turn.variant,
    }


@router.get("/sessions/<session_id>")
def export_session(session_id: str) -> Response[str]:
    """Every stored turn of the session, oldest first; 404 when there is none."""
    check_session_id(session_id)
    turns = services.current().store.export_session(session_id)
    if not turns:
        raise NotFoundError("no conversation is stored for this session")
    return json_response(200, {"sessionId": session_id, "turns": [public_turn(t) for t in turns]})


@router.delete("/sessions/<session_id>")
def erase_session(session_id: str) -> Response[str]:
    """Delete everything stored for the session; 404 when nothing was."""
    check_session_id(session_id)
    deleted = services.current().store.erase_session(session_id)
    if deleted == 0:
        raise NotFoundError("no conversation is stored for this session")
    return json_response(200, {"sessionId": session_id, "erased": True, "itemsDeleted": deleted})
