"""``GET /sessions/{id}`` (GDPR access: export every turn) and ``DELETE`` (GDPR erasure).

The session id is the credential: 128 random bits the server issued, never chosen by a client.
An id of another shape (one a client chose before ids were the server's to issue) is answered
like an unknown session, 404, so a guessable id reads and erases nothing; such sessions expire
with the retention period. No second token is asked for: it would be kept by the same client,
next to the id, and leak with it (see docs/reliability.md).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from runtime import services
from runtime.api.http import json_response
from runtime.api.validation import check_session_id
from runtime.chat import answer_fields, issued_shape
from runtime.errors import NotFoundError
from runtime.types import Turn

router = APIGatewayRouter()


def public_turn(turn: Turn) -> dict[str, Any]:
    """A turn as the export shows it (camelCase, no internal keys), with the answer's
    ``quickReplies`` and ``cards`` when it had some, as ``POST /chat`` sent them."""
    return {"timestamp": turn.timestamp_ms, "message": turn.message, **answer_fields(turn)}


def _issued(session_id: str) -> str:
    """400 for a malformed id, 404 for one the server cannot have issued."""
    check_session_id(session_id)
    if not issued_shape(session_id):
        raise NotFoundError("no conversation is stored for this session")
    return session_id


@router.get("/sessions/<session_id>")
def export_session(session_id: str) -> Response[str]:
    """Every stored turn of the session, oldest first; 404 when there is none."""
    _issued(session_id)
    turns = services.current().store.export_session(session_id)
    if not turns:
        raise NotFoundError("no conversation is stored for this session")
    return json_response(200, {"sessionId": session_id, "turns": [public_turn(t) for t in turns]})


@router.delete("/sessions/<session_id>")
def erase_session(session_id: str) -> Response[str]:
    """Delete everything stored for the session; 404 when nothing was."""
    _issued(session_id)
    deleted = services.current().store.erase_session(session_id)
    if deleted == 0:
        raise NotFoundError("no conversation is stored for this session")
    return json_response(200, {"sessionId": session_id, "erased": True, "itemsDeleted": deleted})
