"""Wire-level fake of the Amazon Lex V2 runtime ``RecognizeText`` operation.

The real boto3 client talks to it::

    client = boto3.client("lexv2-runtime", endpoint_url=fake.url, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.recognize_text(botId=..., botAliasId=..., localeId="en_US", sessionId=..., text=...)

boto3 sends ``POST /bots/{botId}/botAliases/{botAliasId}/botLocales/{localeId}/sessions/
{sessionId}/text`` (restJson1, SigV4-signed) with a JSON body ``{"text", "sessionState"?,
"requestAttributes"?}``. The answer follows the API reference's response syntax
(``samples/lex_recognize_text.json``): ``messages``, ``sessionState`` (``dialogAction``, ``intent``
with ``slots`` of ``{"value": {originalValue, interpretedValue, resolvedValues}}`` or null,
``state``, ``confirmationState``), ``interpretations`` (``intent`` + ``nluConfidence.score``; as on
the real service, the FallbackIntent interpretation carries no ``nluConfidence``), ``sessionId``
and ``requestAttributes``.

Dialogue: the request's ``sessionState`` wins over what the fake remembers for the session (the
client owns the state, as in the real API). If its ``dialogAction`` is ``ElicitSlot`` for slot X
and the text is a bare value, the value fills slot X of the session's intent. Missing slots are
elicited in schema order; a complete intent closes with state ``ReadyForFulfillment``.

Errors use the restJson1 shape: ``x-amzn-ErrorType`` header plus ``{"message": ...}``, so
botocore raises ``ClientError`` with the modelled code (``ThrottlingException`` for 429, ...).
A request without a SigV4 ``Authorization`` header gets 403 ``AccessDeniedException``.

Two SDK facts the fake makes visible (both hold against the real service too):

- Unfilled slots come back as ``null``, and boto3's parameter validation rejects a
  ``sessionState`` whose slots contain ``None``: drop them before sending the state back.
- botocore's restJson parser does not raise on a broken JSON body; a 200 with malformed JSON
  yields a response without ``sessionState``/``interpretations``, so an adapter must check.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Mapping
from typing import Any

from tests.support.fakes.base import FakeServer, RecordedRequest, Response, json_response
from tests.support.fakes.nlu import (
    DEFAULT_INTENT_SLOTS,
    FALLBACK_INTENT,
    Resolver,
    SlotValue,
    Turn,
    fixed_resolver,
    keyword_resolver,
    next_turn,
)

_PATH = re.compile(
    r"^/bots/(?P<bot>[^/]+)/botAliases/(?P<alias>[^/]+)/botLocales/(?P<locale>[^/]+)"
    r"/sessions/(?P<session>[^/]+)/text$"
)
_ERROR_TYPES: Mapping[int, str] = {
    400: "ValidationException",
    403: "AccessDeniedException",
    404: "ResourceNotFoundException",
    409: "ConflictException",
    424: "DependencyFailedException",
    429: "ThrottlingException",
    500: "InternalServerException",
    502: "BadGatewayException",
}
_SessionKey = tuple[str, str, str, str]


class LexFake(FakeServer):
    """Local Lex V2 runtime answering ``RecognizeText`` from a pluggable resolver."""

    name = "lex"

    def __init__(
        self,
        resolver: Resolver = keyword_resolver,
        intent_slots: Mapping[str, tuple[str, ...]] = DEFAULT_INTENT_SLOTS,
        *,
        require_signature: bool = True,
    ) -> None:
        super().__init__()
        self.resolver = resolver
        self.intent_slots = intent_slots
        self.require_signature = require_signature
        self._sessions: dict[_SessionKey, dict[str, Any]] = {}
        self._sessions_lock = threading.Lock()

    def respond(
        self,
        intent: str,
        confidence: float = 0.95,
        slots: Mapping[str, str | SlotValue] | None = None,
    ) -> None:
        """Force every following answer to this intent, confidence and slot values."""
        self.resolver = fixed_resolver(intent, confidence, slots)

    def session_state(self, session_id: str) -> dict[str, Any] | None:
        """The last ``sessionState`` the fake answered for ``session_id`` (any bot/alias)."""
        with self._sessions_lock:
            for key, state in self._sessions.items():
                if key[3] == session_id:
                    return state
        return None

    @property
    def received_session_states(self) -> list[dict[str, Any] | None]:
        """The ``sessionState`` of each recorded request body (None when absent)."""
        states: list[dict[str, Any] | None] = []
        for request in self.requests:
            body = request.json if isinstance(request.json, dict) else {}
            state = body.get("sessionState")
            states.append(state if isinstance(state, dict) else None)
        return states

    def error_response(self, status: int, message: str | None = None) -> Response:
        """restJson1 error: ``x-amzn-ErrorType`` header and ``{"message": ...}`` body."""
        code = _ERROR_TYPES.get(
            status, "InternalServerException" if status >= 500 else "ValidationException"
        )
        return json_response(
            status,
            {"message": message or f"{code} (injected by the fake)"},
            {"x-amzn-ErrorType": code, "x-amzn-RequestId": str(uuid.uuid4())},
        )

    def handle(self, request: RecordedRequest) -> Response:
        """Answer ``RecognizeText``; anything else is 404."""
        match = _PATH.match(request.path)
        if request.method != "POST" or match is None:
            return self.error_response(404, f"No route for {request.method} {request.path}")
        auth = request.header("authorization") or ""
        if self.require_signature and not auth.startswith("AWS4-HMAC-SHA256"):
            return self.error_response(403, "Missing Authentication Token")
        body = request.json
        text = body.get("text") if isinstance(body, dict) else None
        if not isinstance(text, str) or not 1 <= len(text) <= 1024:
            return self.error_response(
                400,
                "1 validation error detected: Value at 'text' failed to satisfy constraint: "
                "Member must have length between 1 and 1024",
            )
        assert isinstance(body, dict)
        key: _SessionKey = (match["bot"], match["alias"], match["locale"], match["session"])
        return json_response(200, self._recognize(key, text, body), self._headers())

    def _recognize(self, key: _SessionKey, text: str, body: dict[str, Any]) -> dict[str, Any]:
        state_in = body.get("sessionState")
        if not isinstance(state_in, dict):
            with self._sessions_lock:
                state_in = self._sessions.get(key, {})
        intent_in = state_in.get("intent") or {}
        action_in = state_in.get("dialogAction") or {}
        eliciting = action_in.get("slotToElicit") if action_in.get("type") == "ElicitSlot" else None
        turn = next_turn(
            self.resolver(text),
            text,
            self.intent_slots,
            active_intent=intent_in.get("name"),
            active_slots=_slots_from_json(intent_in.get("slots")),
            eliciting=eliciting,
        )
        intent = _intent_json(turn)
        state_out: dict[str, Any] = {
            "dialogAction": _dialog_action(turn),
            "intent": intent,
            "sessionAttributes": state_in.get("sessionAttributes") or {},
            "originatingRequestId": str(uuid.uuid4()),
        }
        if state_in.get("activeContexts"):
            state_out["activeContexts"] = state_in["activeContexts"]
        with self._sessions_lock:
            self._sessions[key] = state_out
        answer: dict[str, Any] = {
            "messages": [{"content": _message(turn), "contentType": "PlainText"}],
            "sessionState": state_out,
            "interpretations": _interpretations(turn, intent),
            "sessionId": key[3],
        }
        if isinstance(body.get("requestAttributes"), dict):
            answer["requestAttributes"] = body["requestAttributes"]
        return answer

    @staticmethod
    def _headers() -> dict[str, str]:
        return {"x-amzn-RequestId": str(uuid.uuid4())}


def _slots_from_json(slots: Any) -> dict[str, SlotValue | None]:
    parsed: dict[str, SlotValue | None] = {}
    if not isinstance(slots, dict):
        return parsed
    for name, slot in slots.items():
        value = slot.get("value") if isinstance(slot, dict) else None
        if isinstance(value, dict) and value.get("interpretedValue"):
            interpreted = str(value["interpretedValue"])
            parsed[name] = SlotValue(
                str(value.get("originalValue") or interpreted),
                interpreted,
                tuple(str(v) for v in value.get("resolvedValues") or ()),
            )
        else:
            parsed[name] = None
    return parsed


def _slot_json(value: SlotValue | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {
        "value": {
            "originalValue": value.original,
            "interpretedValue": value.interpreted,
            "resolvedValues": value.resolved_values,
        },
        "shape": "Scalar",
    }


def _intent_json(turn: Turn) -> dict[str, Any]:
    return {
        "name": turn.intent,
        "slots": {name: _slot_json(value) for name, value in turn.slots.items()},
        "state": "InProgress" if turn.missing else "ReadyForFulfillment",
        "confirmationState": "None",
    }


def _dialog_action(turn: Turn) -> dict[str, Any]:
    if turn.missing:
        return {"type": "ElicitSlot", "slotToElicit": turn.missing}
    return {"type": "Close"}


def _message(turn: Turn) -> str:
    if turn.missing:
        return f"What {turn.missing} would you like?"
    if turn.intent == FALLBACK_INTENT:
        return "Sorry, I did not understand that."
    return f"{turn.intent} is ready."


def _interpretations(turn: Turn, intent: dict[str, Any]) -> list[dict[str, Any]]:
    if turn.intent == FALLBACK_INTENT:
        return [{"intent": intent, "interpretationSource": "Lex"}]
    fallback = {
        "name": FALLBACK_INTENT,
        "slots": {},
        "state": "ReadyForFulfillment",
        "confirmationState": "None",
    }
    return [
        {
            "intent": intent,
            "nluConfidence": {"score": round(turn.confidence, 2)},
            "interpretationSource": "Lex",
        },
        {"intent": fallback, "interpretationSource": "Lex"},
    ]
