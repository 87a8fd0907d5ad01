"""Wire-level fake of the Dialogflow ES v2 management API (intents, entity types, training).

The real google-cloud-dialogflow clients (``EntityTypesClient``, ``IntentsClient``,
``AgentsClient``) talk to it over their REST transport with ``api_endpoint=fake.url`` and
anonymous credentials, as in :mod:`tests.support.fakes.dialogflow`. Routes follow the REST
reference of ``projects.agent`` (v2), which is also what the SDK's ``rest_base.py`` transcodes to:

- ``GET  /v2/projects/{p}/agent/entityTypes`` and ``/intents`` (``pageSize``/``pageToken``
  paging; ``intentView=INTENT_VIEW_FULL`` to include training phrases, as the real API);
- ``POST /v2/projects/{p}/agent/entityTypes:batchUpdate`` (``entityTypeBatchInline``),
  ``/entityTypes:batchDelete`` (``entityTypeNames``), ``/intents:batchUpdate``
  (``intentBatchInline``), ``/intents:batchDelete`` (``intents[].name``), and
  ``POST /v2/projects/{p}/agent:train``: each answers a long-running ``Operation``
  ``{"name": "projects/{p}/operations/{id}", "done": false}``;
- ``GET  /v2/projects/{p}/operations/{id}``: the operation, ``done`` after
  :attr:`DialogflowAdminFake.polls_until_done` polls, with a typed ``response``
  (``BatchUpdateEntityTypesResponse``, ``BatchUpdateIntentsResponse`` or ``Empty``) or, when
  :meth:`DialogflowAdminFake.fail_next_operation` was called, an ``error`` status.

The SDK sends enums as numbers (``$alt=json;enum-encoding=int``); the fake accepts numbers and
names and stores names. Batch changes are applied when the request arrives; only completion is
deferred. Like the service, it refuses (Google JSON error ``{"error": {"code", "message",
"status"}}``): an unknown agent (404), an unknown resource name (404), a duplicate display name
or an annotation / parameter that names an entity type the agent does not have (400), a list
entity whose entry has other synonyms than its value or references an unknown entity (400), and
deleting an entity type that an intent still uses (400 ``FAILED_PRECONDITION``).

A new agent (:meth:`DialogflowAdminFake.create_agent`) holds Dialogflow's two default intents,
"Default Welcome Intent" and "Default Fallback Intent".
"""

from __future__ import annotations

import copy
import re
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.support.fakes.base import FakeServer, RecordedRequest, Response, json_response

_AGENT = r"^/v2/projects/(?P<project>[^/]+)"
_ROUTES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("GET", re.compile(_AGENT + r"/agent/entityTypes$"), "_list_entity_types"),
    ("POST", re.compile(_AGENT + r"/agent/entityTypes:batchUpdate$"), "_update_entity_types"),
    ("POST", re.compile(_AGENT + r"/agent/entityTypes:batchDelete$"), "_delete_entity_types"),
    ("GET", re.compile(_AGENT + r"/agent/intents$"), "_list_intents"),
    ("POST", re.compile(_AGENT + r"/agent/intents:batchUpdate$"), "_update_intents"),
    ("POST", re.compile(_AGENT + r"/agent/intents:batchDelete$"), "_delete_intents"),
    ("POST", re.compile(_AGENT + r"/agent:train$"), "_train"),
    ("GET", re.compile(_AGENT + r"/operations/(?P<operation>[^/]+)$"), "_get_operation"),
)
_STATUS_NAMES: Mapping[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
_ENUMS: Mapping[str, tuple[str, ...]] = {
    "kind": ("KIND_UNSPECIFIED", "KIND_MAP", "KIND_LIST", "KIND_REGEXP"),
    "autoExpansionMode": ("AUTO_EXPANSION_MODE_UNSPECIFIED", "AUTO_EXPANSION_MODE_DEFAULT"),
    "type": ("TYPE_UNSPECIFIED", "EXAMPLE", "TEMPLATE"),
}
_ENTITY_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_TYPE_PREFIX = "type.googleapis.com/"
DEFAULT_PAGE_SIZE = 100


class ApiError(Exception):
    """A request the real service would refuse: HTTP status, Google status name, message."""

    def __init__(self, status: int, message: str, name: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.name = name or _STATUS_NAMES.get(status, "INTERNAL")


@dataclass
class Agent:
    """One project's agent: resources keyed by full resource name, plus training history."""

    project: str
    entity_types: dict[str, dict[str, Any]] = field(default_factory=dict)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    trainings: int = 0
    trained_intents: list[str] = field(default_factory=list)


@dataclass
class _Operation:
    name: str
    response: dict[str, Any]
    polls_left: int
    error: dict[str, Any] | None = None


class DialogflowAdminFake(FakeServer):
    """Local Dialogflow ES agents answering the management calls of the content provider."""

    name = "dialogflow-admin"

    def __init__(self, polls_until_done: int = 1, page_size: int = DEFAULT_PAGE_SIZE) -> None:
        super().__init__()
        self.polls_until_done = polls_until_done
        self.page_size = page_size
        self._agents: dict[str, Agent] = {}
        self._operations: dict[str, _Operation] = {}
        self._next_error: str | None = None
        self._next_error_code = 13
        self._state = threading.Lock()

    # Test API -------------------------------------------------------------------------------

    def create_agent(self, project: str, *, with_defaults: bool = True) -> None:
        """An agent for ``project``, with Dialogflow's default intents unless told otherwise."""
        agent = Agent(project)
        if with_defaults:
            for intent in _default_intents():
                agent.intents[f"projects/{project}/agent/intents/{uuid.uuid4()}"] = intent
        with self._state:
            self._agents[project] = agent
            for name, intent in agent.intents.items():
                intent["name"] = name

    def agent(self, project: str) -> Agent:
        """A deep copy of the agent's current state."""
        with self._state:
            return copy.deepcopy(self._agents[project])

    def intents(self, project: str) -> dict[str, dict[str, Any]]:
        """Display name -> intent (full view) of the agent."""
        return {i["displayName"]: i for i in self.agent(project).intents.values()}

    def entity_types(self, project: str) -> dict[str, dict[str, Any]]:
        """Display name -> entity type of the agent."""
        return {t["displayName"]: t for t in self.agent(project).entity_types.values()}

    def fail_next_operation(self, message: str, code: int = 13) -> None:
        """The next long-running operation finishes with this error (google.rpc.Status)."""
        with self._state:
            self._next_error = message
            self._next_error_code = code

    # FakeServer -----------------------------------------------------------------------------

    def error_response(self, status: int, message: str | None = None) -> Response:
        """Google API error: ``{"error": {"code", "message", "status"}}``."""
        name = _STATUS_NAMES.get(status, "INTERNAL" if status >= 500 else "FAILED_PRECONDITION")
        text = message or f"{name} (injected by the fake)"
        return json_response(status, {"error": {"code": status, "message": text, "status": name}})

    def handle(self, request: RecordedRequest) -> Response:
        """Route to the handler of the documented method; 404 for anything else."""
        for method, pattern, handler in _ROUTES:
            match = pattern.match(request.path)
            if match and request.method == method:
                try:
                    with self._state:
                        payload = getattr(self, handler)(request, **match.groupdict())
                except ApiError as exc:
                    body = {"code": exc.status, "message": exc.message, "status": exc.name}
                    return json_response(exc.status, {"error": body})
                return json_response(200, payload)
        return self.error_response(404, f"No route for {request.method} {request.path}")

    # Handlers (called with the state lock held) ---------------------------------------------

    def _agent(self, project: str) -> Agent:
        agent = self._agents.get(project)
        if agent is None:
            raise ApiError(404, f"No DesignTimeAgent found for project '{project}'.")
        return agent

    def _list_entity_types(self, request: RecordedRequest, project: str) -> dict[str, Any]:
        items = list(self._agent(project).entity_types.values())
        return self._page(request, items, "entityTypes")

    def _list_intents(self, request: RecordedRequest, project: str) -> dict[str, Any]:
        full = request.query_value("intentView") in ("INTENT_VIEW_FULL", "1")
        items = [
            i if full else {k: v for k, v in i.items() if k != "trainingPhrases"}
            for i in self._agent(project).intents.values()
        ]
        return self._page(request, items, "intents")

    def _page(self, request: RecordedRequest, items: list[Any], key: str) -> dict[str, Any]:
        size = min(int(request.query_value("pageSize") or DEFAULT_PAGE_SIZE), self.page_size)
        start = int(request.query_value("pageToken") or 0)
        page: dict[str, Any] = {key: copy.deepcopy(items[start : start + size])}
        if start + size < len(items):
            page["nextPageToken"] = str(start + size)
        return page

    def _update_entity_types(self, request: RecordedRequest, project: str) -> dict[str, Any]:
        agent = self._agent(project)
        batch = _body(request).get("entityTypeBatchInline") or {}
        incoming = [
            _entity_type(project, item, agent.entity_types)
            for item in batch.get("entityTypes") or []
        ]
        _check_unique(incoming, agent.entity_types, "Entity type")
        for item in incoming:
            agent.entity_types[item["name"]] = item
        kind = "google.cloud.dialogflow.v2.BatchUpdateEntityTypesResponse"
        return self._start(project, {"@type": _TYPE_PREFIX + kind, "entityTypes": incoming})

    def _delete_entity_types(self, request: RecordedRequest, project: str) -> dict[str, Any]:
        agent = self._agent(project)
        names = _body(request).get("entityTypeNames") or []
        for name in names:
            if name not in agent.entity_types:
                raise ApiError(404, f"Entity type '{name}' does not exist.")
            display = agent.entity_types[name]["displayName"]
            for intent in agent.intents.values():
                if f"@{display}" in _references(intent):
                    raise ApiError(
                        400,
                        f"Entity type '{display}' is used by intent '{intent['displayName']}'.",
                        "FAILED_PRECONDITION",
                    )
        for name in names:
            del agent.entity_types[name]
        return self._start(project, _empty())

    def _update_intents(self, request: RecordedRequest, project: str) -> dict[str, Any]:
        agent = self._agent(project)
        batch = _body(request).get("intentBatchInline") or {}
        incoming = [_intent(project, item, agent.intents) for item in batch.get("intents") or []]
        _check_unique(incoming, agent.intents, "Intent")
        known = {f"@{t['displayName']}" for t in agent.entity_types.values()}
        for intent in incoming:
            for reference in _references(intent):
                if not reference.startswith("@sys.") and reference not in known:
                    raise ApiError(
                        400,
                        f"Intent '{intent['displayName']}' references entity type "
                        f"'{reference}', which does not exist.",
                    )
        for intent in incoming:
            agent.intents[intent["name"]] = intent
        kind = "google.cloud.dialogflow.v2.BatchUpdateIntentsResponse"
        return self._start(project, {"@type": _TYPE_PREFIX + kind, "intents": incoming})

    def _delete_intents(self, request: RecordedRequest, project: str) -> dict[str, Any]:
        agent = self._agent(project)
        names = [item.get("name") for item in _body(request).get("intents") or []]
        for name in names:
            if name not in agent.intents:
                raise ApiError(404, f"Intent '{name}' does not exist.")
        for name in names:
            del agent.intents[name]
        return self._start(project, _empty())

    def _train(self, request: RecordedRequest, project: str) -> dict[str, Any]:
        agent = self._agent(project)
        agent.trainings += 1
        agent.trained_intents = sorted(i["displayName"] for i in agent.intents.values())
        return self._start(project, _empty())

    def _get_operation(
        self, request: RecordedRequest, project: str, operation: str
    ) -> dict[str, Any]:
        found = self._operations.get(f"projects/{project}/operations/{operation}")
        if found is None:
            raise ApiError(404, f"Operation '{operation}' not found.")
        found.polls_left = max(0, found.polls_left - 1)
        return _operation_json(found)

    def _start(self, project: str, response: dict[str, Any]) -> dict[str, Any]:
        name = f"projects/{project}/operations/{uuid.uuid4()}"
        error = None
        if self._next_error is not None:
            error = {"code": self._next_error_code, "message": self._next_error}
            self._next_error = None
        started = _Operation(name, response, self.polls_until_done, error)
        self._operations[name] = started
        return _operation_json(started)


def _operation_json(operation: _Operation) -> dict[str, Any]:
    if operation.polls_left > 0:
        return {"name": operation.name, "done": False}
    if operation.error is not None:
        return {"name": operation.name, "done": True, "error": operation.error}
    return {"name": operation.name, "done": True, "response": operation.response}


def _empty() -> dict[str, Any]:
    return {"@type": _TYPE_PREFIX + "google.protobuf.Empty"}


def _body(request: RecordedRequest) -> dict[str, Any]:
    if not isinstance(request.json, dict):
        raise ApiError(400, "Invalid JSON payload received.")
    return request.json


def _enum(field_name: str, value: Any) -> str:
    names = _ENUMS[field_name]
    if isinstance(value, int) and 0 <= value < len(names):
        return names[value]
    if isinstance(value, str) and value in names:
        return value
    raise ApiError(400, f"Invalid value at '{field_name}': {value!r}")


def _entity_type(project: str, data: dict[str, Any], existing: Mapping[str, Any]) -> dict[str, Any]:
    display = data.get("displayName")
    if not isinstance(display, str) or not _ENTITY_NAME.match(display):
        raise ApiError(400, f"Entity type display name {display!r} is invalid.")
    kind = _enum("kind", data.get("kind", 0))
    if kind == "KIND_UNSPECIFIED":
        raise ApiError(400, f"Entity type '{display}' must have a kind.")
    entities = data.get("entities") or []
    for entity in entities:
        if not entity.get("value") or not entity.get("synonyms"):
            raise ApiError(400, f"Entity type '{display}': every entity needs value and synonyms.")
        if kind == "KIND_LIST":
            _check_list_entry(display, entity, existing)
    result: dict[str, Any] = {
        "name": _resource_name(project, data, existing, "entityTypes"),
        "displayName": display,
        "kind": kind,
        "autoExpansionMode": _enum("autoExpansionMode", data.get("autoExpansionMode", 0)),
        "entities": [{"value": e["value"], "synonyms": list(e["synonyms"])} for e in entities],
    }
    if data.get("enableFuzzyExtraction"):
        result["enableFuzzyExtraction"] = True
    return result


_REFERENCE = re.compile(
    r"@(?P<type>sys\.[a-z][a-z0-9-]*|[A-Za-z][A-Za-z0-9_-]*)(?::[A-Za-z_][\w-]*)?"
)


def _check_list_entry(display: str, entity: Mapping[str, Any], existing: Mapping[str, Any]) -> None:
    """A list entity's entry: exactly one synonym, equal to the value (EntityType.Entity), and
    references only to system entities or entity types the agent has."""
    value = entity["value"]
    if list(entity["synonyms"]) != [value]:
        raise ApiError(
            400, f"Entity type '{display}': a list entity's synonyms must be exactly its value."
        )
    known = {str(e.get("displayName")) for e in existing.values()}
    for match in _REFERENCE.finditer(value):
        name = match["type"]
        if not name.startswith("sys.") and name not in known and name != display:
            raise ApiError(400, f"Entity type '{display}' references unknown entity '@{name}'.")


def _intent(project: str, data: dict[str, Any], existing: Mapping[str, Any]) -> dict[str, Any]:
    display = data.get("displayName")
    if not isinstance(display, str) or not display.strip():
        raise ApiError(400, "Intent display name is required.")
    result = copy.deepcopy(data)
    result["name"] = _resource_name(project, data, existing, "intents")
    phrases = []
    for phrase in data.get("trainingPhrases") or []:
        parts = phrase.get("parts") or []
        if not parts or not all(isinstance(p.get("text"), str) and p["text"] for p in parts):
            raise ApiError(400, f"Intent '{display}': a training phrase has an empty part.")
        phrases.append(
            {
                **phrase,
                "name": phrase.get("name") or str(uuid.uuid4()),
                "type": _enum("type", phrase.get("type", 0)),
            }
        )
    result["trainingPhrases"] = phrases
    return result


def _references(intent: Mapping[str, Any]) -> set[str]:
    """Entity types an intent uses, from annotated parts and parameters."""
    found = {
        part["entityType"]
        for phrase in intent.get("trainingPhrases") or []
        for part in phrase.get("parts") or []
        if part.get("entityType")
    }
    found |= {
        p["entityTypeDisplayName"]
        for p in intent.get("parameters") or []
        if p.get("entityTypeDisplayName")
    }
    return found


def _check_unique(
    incoming: list[dict[str, Any]], existing: Mapping[str, dict[str, Any]], what: str
) -> None:
    """Display names stay unique across the agent once the batch is applied."""
    replaced = {item["name"] for item in incoming}
    owner = {item["displayName"]: n for n, item in existing.items() if n not in replaced}
    for item in incoming:
        other = owner.setdefault(item["displayName"], item["name"])
        if other != item["name"]:
            raise ApiError(400, f"{what} with display name '{item['displayName']}' already exists.")


def _resource_name(
    project: str, data: Mapping[str, Any], existing: Mapping[str, Any], collection: str
) -> str:
    """The name sent (which must exist) or a new one."""
    name = data.get("name")
    if not name:
        return f"projects/{project}/agent/{collection}/{uuid.uuid4()}"
    if name not in existing:
        raise ApiError(404, f"'{name}' does not exist.")
    return str(name)


def _default_intents() -> list[dict[str, Any]]:
    welcome = ["hi", "hello", "hey", "good day", "greetings"]
    fallback_messages = ["I didn't get that. Can you say it again?"]
    return [
        {
            "displayName": "Default Welcome Intent",
            "action": "input.welcome",
            "trainingPhrases": [
                {"name": str(uuid.uuid4()), "type": "EXAMPLE", "parts": [{"text": text}]}
                for text in welcome
            ],
            "messages": [{"text": {"text": ["Hi! How are you doing?"]}}],
        },
        {
            "displayName": "Default Fallback Intent",
            "action": "input.unknown",
            "isFallback": True,
            "messages": [{"text": {"text": fallback_messages}}],
        },
    ]
