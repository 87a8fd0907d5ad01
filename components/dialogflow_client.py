"""The management calls the Dialogflow content provider makes, over google-cloud-dialogflow REST.

:class:`AgentContentClient` applies generated content to an ES agent (batch updates, stale
deletes, training, each long-running operation polled to its end), removes it, and reads back
what the agent holds (:meth:`AgentContentClient.snapshot`) so that ``pulumi refresh`` sees
changes made in the console. Imported by :mod:`components.dialogflow_content` in the process
that runs the dynamic provider, so it imports only the Google SDK and the standard library.
"""

from __future__ import annotations

import concurrent.futures
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from google.api_core import exceptions as google_exceptions
from google.api_core import operation
from google.api_core import retry as retries
from google.api_core.client_options import ClientOptions
from google.api_core.future import polling
from google.auth.credentials import AnonymousCredentials, Credentials
from google.cloud import dialogflow_v2 as dialogflow
from google.oauth2 import service_account
from google.protobuf import json_format

ANONYMOUS = "anonymous"
SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
DEFAULT_OPERATION_TIMEOUT_S = 900.0
DEFAULT_POLL_INTERVAL_S = 2.0
REQUEST_TIMEOUT_S = 60.0


class DialogflowContentError(RuntimeError):
    """A Dialogflow call failed or a long-running operation did not finish in time."""


@dataclass(frozen=True)
class Target:
    """Where and as whom the content is applied."""

    project: str
    language_code: str
    api_endpoint: str = ""
    credentials: str = ""
    operation_timeout_s: float = DEFAULT_OPERATION_TIMEOUT_S
    poll_interval_s: float = DEFAULT_POLL_INTERVAL_S

    @classmethod
    def from_props(cls, props: Mapping[str, Any]) -> Target:
        """The target described by the resource's inputs (or stored outputs)."""
        return cls(
            project=str(props["project"]),
            language_code=str(props["languageCode"]),
            api_endpoint=str(props.get("apiEndpoint") or ""),
            credentials=str(props.get("credentials") or ""),
            operation_timeout_s=float(
                props.get("operationTimeoutSeconds") or DEFAULT_OPERATION_TIMEOUT_S
            ),
            poll_interval_s=float(props.get("pollIntervalSeconds") or DEFAULT_POLL_INTERVAL_S),
        )

    @property
    def agent(self) -> str:
        """The agent's resource name, parent of its intents and entity types."""
        return f"projects/{self.project}/agent"


@dataclass(frozen=True)
class Applied:
    """What the agent holds after an apply: display names, sorted."""

    intents: list[str]
    entity_types: list[str]


def _credentials(value: str) -> Credentials | None:
    if not value:
        return None  # Application Default Credentials
    if value == ANONYMOUS:
        return AnonymousCredentials()  # type: ignore[no-untyped-call]  # google-auth is untyped
    try:
        info = json.loads(value)
    except json.JSONDecodeError:
        raise DialogflowContentError("credentials must be a service-account key JSON") from None
    loaded: Credentials = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        info, scopes=SCOPES
    )
    return loaded


class AgentContentClient:
    """The management calls on one agent, over google-cloud-dialogflow's REST transport."""

    def __init__(self, target: Target) -> None:
        self.target = target
        options = ClientOptions(api_endpoint=target.api_endpoint) if target.api_endpoint else None
        credentials = _credentials(target.credentials)
        self.entity_types = dialogflow.EntityTypesClient(
            transport="rest", client_options=options, credentials=credentials
        )
        self.intents = dialogflow.IntentsClient(
            transport="rest", client_options=options, credentials=credentials
        )
        self.agents = dialogflow.AgentsClient(
            transport="rest", client_options=options, credentials=credentials
        )

    def apply(self, content: Mapping[str, Any]) -> Applied:
        """Make the agent hold exactly ``content``, then train it.

        Raises:
            DialogflowContentError: naming the step that failed.
        """
        wanted_types = {t["displayName"] for t in content["entityTypes"]}
        wanted_intents = {i["displayName"] for i in content["intents"]}
        existing_types = self.entity_type_names()
        if content["entityTypes"]:
            types = [
                _message(dialogflow.EntityType, data, existing_types.get(data["displayName"]))
                for data in content["entityTypes"]
            ]
            self._batch_update_entity_types(types)
        existing_intents = self.intent_names()
        intents = [
            _message(dialogflow.Intent, data, existing_intents.get(data["displayName"]))
            for data in content["intents"]
        ]
        self._batch_update_intents(intents)
        self.delete_intents(n for d, n in existing_intents.items() if d not in wanted_intents)
        self.delete_entity_types(n for d, n in existing_types.items() if d not in wanted_types)
        self.train()
        return Applied(sorted(wanted_intents), sorted(wanted_types))

    def remove(self, content: Mapping[str, Any]) -> None:
        """Delete the intents, then the entity types, that ``content`` names."""
        intents = {i["displayName"] for i in content["intents"]}
        types = {t["displayName"] for t in content["entityTypes"]}
        self.delete_intents(n for d, n in self.intent_names().items() if d in intents)
        self.delete_entity_types(n for d, n in self.entity_type_names().items() if d in types)

    def snapshot(self) -> dict[str, Any]:
        """What the agent holds now, as ``{"entityTypes": [...], "intents": [...]}`` in the
        generated content's JSON shape (camelCase, full intents with training phrases).

        Raises:
            DialogflowContentError: naming the listing that failed (``__cause__`` is the
                API error, e.g. ``NotFound`` for an agent that is gone).
        """
        types = self._call(
            "list entity types",
            lambda: self.entity_types.list_entity_types(
                parent=self.target.agent,
                language_code=self.target.language_code,
                timeout=REQUEST_TIMEOUT_S,
            ),
        )
        intents = self._call(
            "list intents",
            lambda: self.intents.list_intents(
                request=dialogflow.ListIntentsRequest(
                    parent=self.target.agent,
                    language_code=self.target.language_code,
                    intent_view=dialogflow.IntentView.INTENT_VIEW_FULL,
                ),
                timeout=REQUEST_TIMEOUT_S,
            ),
        )
        return {
            "entityTypes": [_as_json(dialogflow.EntityType, item) for item in types],
            "intents": [_as_json(dialogflow.Intent, item) for item in intents],
        }

    def entity_type_names(self) -> dict[str, str]:
        """Display name -> resource name of every entity type of the agent."""
        pages = self._call(
            "list entity types",
            lambda: self.entity_types.list_entity_types(
                parent=self.target.agent,
                language_code=self.target.language_code,
                timeout=REQUEST_TIMEOUT_S,
            ),
        )
        return {item.display_name: item.name for item in pages}

    def intent_names(self) -> dict[str, str]:
        """Display name -> resource name of every intent of the agent."""
        pages = self._call(
            "list intents",
            lambda: self.intents.list_intents(
                parent=self.target.agent,
                language_code=self.target.language_code,
                timeout=REQUEST_TIMEOUT_S,
            ),
        )
        return {item.display_name: item.name for item in pages}

    def delete_intents(self, names: Iterable[str]) -> None:
        """``intents:batchDelete`` (nothing when ``names`` is empty)."""
        intents = [dialogflow.Intent(name=name) for name in sorted(names)]
        if intents:
            self._wait(
                "delete intents",
                lambda: self.intents.batch_delete_intents(
                    parent=self.target.agent, intents=intents, timeout=REQUEST_TIMEOUT_S
                ),
            )

    def delete_entity_types(self, names: Iterable[str]) -> None:
        """``entityTypes:batchDelete`` (nothing when ``names`` is empty)."""
        entity_type_names = sorted(names)
        if entity_type_names:
            self._wait(
                "delete entity types",
                lambda: self.entity_types.batch_delete_entity_types(
                    parent=self.target.agent,
                    entity_type_names=entity_type_names,
                    timeout=REQUEST_TIMEOUT_S,
                ),
            )

    def train(self) -> None:
        """``agent:train``, waiting for the training to finish."""
        self._wait(
            "train the agent",
            lambda: self.agents.train_agent(
                parent=f"projects/{self.target.project}", timeout=REQUEST_TIMEOUT_S
            ),
        )

    def _batch_update_entity_types(self, types: list[dialogflow.EntityType]) -> None:
        request = dialogflow.BatchUpdateEntityTypesRequest(
            parent=self.target.agent,
            entity_type_batch_inline=dialogflow.EntityTypeBatch(entity_types=types),
            language_code=self.target.language_code,
        )
        self._wait(
            "update entity types",
            lambda: self.entity_types.batch_update_entity_types(
                request=request, timeout=REQUEST_TIMEOUT_S
            ),
        )

    def _batch_update_intents(self, intents: list[dialogflow.Intent]) -> None:
        request = dialogflow.BatchUpdateIntentsRequest(
            parent=self.target.agent,
            intent_batch_inline=dialogflow.IntentBatch(intents=intents),
            language_code=self.target.language_code,
        )
        self._wait(
            "update intents",
            lambda: self.intents.batch_update_intents(request=request, timeout=REQUEST_TIMEOUT_S),
        )

    def _call(self, step: str, call: Any) -> Any:
        try:
            return call()
        except google_exceptions.GoogleAPICallError as exc:
            raise DialogflowContentError(f"Dialogflow: {step} failed: {exc.message}") from exc

    def _wait(self, step: str, start: Any) -> None:
        started: operation.Operation = self._call(step, start)
        interval = self.target.poll_interval_s
        policy = retries.Retry(
            predicate=polling.POLLING_PREDICATE,
            initial=interval,
            maximum=max(interval, 10.0),
            multiplier=1.5,
            timeout=self.target.operation_timeout_s,
        )
        try:
            started.result(polling=policy)  # type: ignore[no-untyped-call]  # api-core is untyped here
        except concurrent.futures.TimeoutError as exc:
            raise DialogflowContentError(
                f"Dialogflow: {step} did not finish within {self.target.operation_timeout_s} s"
            ) from exc
        except google_exceptions.GoogleAPICallError as exc:
            raise DialogflowContentError(f"Dialogflow: {step} failed: {exc.message}") from exc


def _as_json(cls: Any, message: Any) -> dict[str, Any]:
    """A proto-plus message as the REST API's camelCase JSON."""
    data: dict[str, Any] = json_format.MessageToDict(cls.pb(message))
    return data


#: The fields the generated content sets, per object (see components.dialogflow_definition).
_FIELDS: Mapping[str, tuple[str, ...]] = {
    "entityType": ("displayName", "kind", "autoExpansionMode", "enableFuzzyExtraction"),
    "entity": ("value", "synonyms"),
    "intent": ("displayName", "isFallback", "action"),
    "phrase": ("type",),
    "part": ("text", "entityType", "alias", "userDefined"),
    "parameter": ("displayName", "value", "entityTypeDisplayName", "mandatory", "prompts"),
}
#: Values the API leaves out (proto3 defaults): treated as absent on both sides.
_DEFAULTS: tuple[object, ...] = (
    None, False, "", [], "KIND_UNSPECIFIED", "AUTO_EXPANSION_MODE_UNSPECIFIED",
)  # fmt: skip


def comparable(content: Mapping[str, Any]) -> dict[str, Any]:
    """Content reduced to what the generator controls, in a stable order, defaults dropped:
    generated content and an agent's :meth:`AgentContentClient.snapshot` compare equal exactly
    when the agent holds that content (resource names, counters and ordering are ignored)."""

    def pick(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
        return {k: data[k] for k in _FIELDS[kind] if data.get(k) not in _DEFAULTS}

    def entity_type(data: Mapping[str, Any]) -> dict[str, Any]:
        entities = [pick("entity", e) for e in data.get("entities") or []]
        return {**pick("entityType", data), "entities": sorted(entities, key=_key)}

    def intent(data: Mapping[str, Any]) -> dict[str, Any]:
        phrases = [
            {**pick("phrase", p), "parts": [pick("part", part) for part in p.get("parts") or []]}
            for p in data.get("trainingPhrases") or []
        ]
        parameters = [pick("parameter", p) for p in data.get("parameters") or []]
        return {
            **pick("intent", data),
            "trainingPhrases": sorted(phrases, key=_key),
            "parameters": sorted(parameters, key=_key),
        }

    return {
        "entityTypes": sorted((entity_type(e) for e in content["entityTypes"]), key=_key),
        "intents": sorted((intent(i) for i in content["intents"]), key=_key),
    }


def _key(item: Mapping[str, Any]) -> str:
    return json.dumps(item, sort_keys=True)


def _message(cls: Any, data: Mapping[str, Any], name: str | None) -> Any:
    message = cls.from_json(json.dumps(data), ignore_unknown_fields=False)
    if name:
        message.name = name
    return message


def parse_content(text: str) -> dict[str, Any]:
    """The content JSON stored in the resource's inputs.

    Raises:
        ValueError: if it is not an object with ``entityTypes`` and ``intents`` lists.
    """
    content = json.loads(text)
    if not isinstance(content, dict):
        raise ValueError("content must be a JSON object")
    for key in ("entityTypes", "intents"):
        if not isinstance(content.get(key), list):
            raise ValueError(f"content.{key} must be a list")
    return content
