"""Wire-level fake of Dialogflow ES v2 ``projects.agent.sessions.detectIntent`` over REST.

The real google-cloud-dialogflow client talks to it over its REST transport::

    from google.api_core.client_options import ClientOptions
    from google.auth.credentials import AnonymousCredentials
    client = dialogflow_v2.SessionsClient(
        transport="rest",
        client_options=ClientOptions(api_endpoint=fake.url),  # "http://127.0.0.1:PORT"
        credentials=AnonymousCredentials(),
    )
    client.detect_intent(request=..., timeout=2.0, retry=None)

Why ``http://`` works: the REST transport takes ``url_scheme="https"`` only as a default and
keeps a scheme already present in ``host`` (``_BaseSessionsRestTransport.__init__``: ``host =
f"{url_scheme}://{host}" if not url_match_items["scheme"] else host``, in
``services/sessions/transports/rest_base.py`` of google-cloud-dialogflow 2.48; the generator
documents ``url_scheme``: "https", but for testing or local servers, "http" can be specified). So
``api_endpoint="http://127.0.0.1:PORT"`` reaches the fake in clear text, and anonymous
credentials add no ``Authorization`` header. The gRPC transport would not do this: always pass
``transport="rest"``.

The client sends ``POST /v2/projects/{project}/agent/sessions/{session}:detectIntent`` with a
query string (``$alt=json;enum-encoding=int``) that the fake ignores, and a camelCase JSON body
``{"queryInput": {"text": {"text", "languageCode"}}, "queryParams"?}``. The answer follows the
API reference (``samples/dialogflow_detect_intent.json``): ``responseId`` and ``queryResult``
{``queryText``, ``action``, ``parameters`` (a Struct: slot name -> value, ``""`` when unfilled),
``allRequiredParamsPresent``, ``fulfillmentText``, ``fulfillmentMessages``, ``intent`` {``name``,
``displayName``, ``isFallback``?}, ``intentDetectionConfidence``, ``languageCode``,
``outputContexts`` while slot filling}.

Like the real agent, the fake keeps slot filling server-side per session: when the last answer
was missing a parameter and the next text is a bare value, it fills that parameter.
``queryParams.resetContexts`` forgets the session. Errors use Google's JSON error shape
``{"error": {"code", "message", "status"}}``, which google-api-core maps to its exceptions
(503 -> ``ServiceUnavailable``, 429 -> ``TooManyRequests``, ...).
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
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
    r"^/v2(?:beta1)?/projects/(?P<project>[^/]+)(?:/locations/[^/]+)?/agent"
    r"(?:/environments/[^/]+/users/[^/]+)?/sessions/(?P<session>[^/:]+):detectIntent$"
)
_STATUS_NAMES: Mapping[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "NOT_IMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


@dataclass
class _Session:
    intent: str | None = None
    slots: dict[str, SlotValue | None] = field(default_factory=dict)
    eliciting: str | None = None


class DialogflowFake(FakeServer):
    """Local Dialogflow ES agent answering ``detectIntent`` from a pluggable resolver."""

    name = "dialogflow"

    def __init__(
        self,
        resolver: Resolver = keyword_resolver,
        intent_slots: Mapping[str, tuple[str, ...]] = DEFAULT_INTENT_SLOTS,
    ) -> None:
        super().__init__()
        self.resolver = resolver
        self.intent_slots = intent_slots
        self.parameters_override: Mapping[str, Any] | None = None
        self._sessions: dict[tuple[str, str], _Session] = {}
        self._sessions_lock = threading.Lock()

    def respond(
        self,
        intent: str,
        confidence: float = 0.95,
        slots: Mapping[str, str | SlotValue] | None = None,
        parameters: Mapping[str, Any] | None = None,
    ) -> None:
        """Force every following answer; ``parameters`` (any JSON) replaces the Struct as sent."""
        self.resolver = fixed_resolver(intent, confidence, slots)
        self.parameters_override = dict(parameters) if parameters is not None else None

    def error_response(self, status: int, message: str | None = None) -> Response:
        """Google API error: ``{"error": {"code", "message", "status"}}``."""
        name = _STATUS_NAMES.get(status, "INTERNAL" if status >= 500 else "FAILED_PRECONDITION")
        text = message or f"{name} (injected by the fake)"
        return json_response(status, {"error": {"code": status, "message": text, "status": name}})

    def handle(self, request: RecordedRequest) -> Response:
        """Answer ``detectIntent``; anything else is 404."""
        match = _PATH.match(request.path)
        if request.method != "POST" or match is None:
            return self.error_response(404, f"No route for {request.method} {request.path}")
        body = request.json if isinstance(request.json, dict) else {}
        text_input = (body.get("queryInput") or {}).get("text") or {}
        text = text_input.get("text")
        language = text_input.get("languageCode") or text_input.get("language_code")
        if not isinstance(text, str) or not text.strip():
            return self.error_response(400, "Required field: query_input.text.text")
        if not isinstance(language, str) or not language:
            return self.error_response(400, "Required field: query_input.text.language_code")
        params = body.get("queryParams") or {}
        key = (match["project"], match["session"])
        session_path = request.path.split("/", 2)[2].removesuffix(":detectIntent")
        turn = self._turn(key, text, reset=bool(params.get("resetContexts")))
        return json_response(
            200, self._result(match["project"], session_path, text, language.lower(), turn)
        )

    def _turn(self, key: tuple[str, str], text: str, *, reset: bool) -> Turn:
        with self._sessions_lock:
            session = _Session() if reset else self._sessions.get(key, _Session())
        turn = next_turn(
            self.resolver(text),
            text,
            self.intent_slots,
            active_intent=session.intent,
            active_slots=session.slots,
            eliciting=session.eliciting,
        )
        done = turn.missing is None or turn.intent == FALLBACK_INTENT
        with self._sessions_lock:
            self._sessions[key] = (
                _Session() if done else _Session(turn.intent, dict(turn.slots), turn.missing)
            )
        return turn

    def _result(
        self, project: str, session_path: str, text: str, language: str, turn: Turn
    ) -> dict[str, Any]:
        parameters: Any = (
            dict(self.parameters_override)
            if self.parameters_override is not None
            else {name: v.interpreted if v else "" for name, v in turn.slots.items()}
        )
        fulfillment = _fulfillment(turn)
        intent_id = uuid.uuid5(uuid.NAMESPACE_URL, turn.intent)
        intent: dict[str, Any] = {
            "name": f"projects/{project}/agent/intents/{intent_id}",
            "displayName": turn.intent,
        }
        if turn.intent == FALLBACK_INTENT:
            intent["isFallback"] = True
        result: dict[str, Any] = {
            "queryText": text,
            "action": _action(turn.intent),
            "parameters": parameters,
            "allRequiredParamsPresent": turn.missing is None,
            "fulfillmentText": fulfillment,
            "fulfillmentMessages": [{"text": {"text": [fulfillment]}}],
            "intent": intent,
            "intentDetectionConfidence": round(turn.confidence, 2),
            "languageCode": language,
        }
        if turn.missing is not None and turn.intent != FALLBACK_INTENT:
            context = f"{session_path}/contexts/{turn.intent.lower()}_dialog_context"
            result["outputContexts"] = [
                {"name": context, "lifespanCount": 2, "parameters": parameters}
            ]
        return {"responseId": str(uuid.uuid4()), "queryResult": result}


def _action(intent: str) -> str:
    """``PlanTrip`` -> ``plan.trip``: the dotted action names Dialogflow agents use."""
    return re.sub(r"(?<!^)(?=[A-Z])", ".", intent).lower()


def _fulfillment(turn: Turn) -> str:
    if turn.intent == FALLBACK_INTENT:
        return "Sorry, I did not understand that."
    if turn.missing:
        return f"What {turn.missing} would you like?"
    return f"{turn.intent} is ready."
