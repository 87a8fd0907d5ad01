"""Wire-level fakes of the Google Cloud and Azure management APIs the preflight reads.

Standard library only (on :class:`tests.support.fakes.loopback.LoopbackJsonServer`). Each
answers the documented REST paths and shapes:

- :class:`GcpAdminFake`: Cloud Resource Manager v1 ``GET /v1/projects/{id}`` (``projectId``,
  ``projectNumber``, ``lifecycleState``) and ``POST /v1/projects/{id}:getEffectiveOrgPolicy``
  (``{"constraint"}`` -> ``{"constraint", "booleanPolicy": {"enforced"}}``), Service Usage v1
  ``GET /v1/projects/{id}/services/{api}`` (``state`` ``ENABLED``/``DISABLED``), Dialogflow v2
  ``GET /v2/projects/{id}/agent`` (404 ``NOT_FOUND`` when the project has none). Errors use
  Google's ``{"error": {"code", "message", "status"}}``.
- :class:`AzureArmFake`: ARM ``GET /subscriptions/{id}`` (``state``), ``.../providers/
  Microsoft.CognitiveServices`` (``registrationState``), ``.../accounts`` and
  ``.../deletedAccounts`` (``{"value": [...]}``); each needs ``api-version``. Errors use ARM's
  ``{"error": {"code", "message"}}``.

Both record every request (method, path, query, headers) so tests can check authorization.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.support.fakes.loopback import LoopbackJsonServer

Answer = tuple[int, dict[str, Any]]


@dataclass(frozen=True)
class Seen:
    """One request: method, path, query parameters, headers (lower-case names), JSON body."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: Any


class _JsonServer(LoopbackJsonServer):
    """A loopback HTTP server dispatching (method, path regex) to handlers of :class:`Seen`."""

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., Answer]]] = []

    def route(self, method: str, pattern: str, handler: Callable[..., Answer]) -> None:
        self._routes.append((method, re.compile(f"^{pattern}$"), handler))

    def answer(self, method: str, path: str, headers: Mapping[str, str], raw: str) -> Answer:
        url = urllib.parse.urlsplit(path)
        seen = Seen(
            method,
            url.path,
            dict(urllib.parse.parse_qsl(url.query)),
            {k.lower(): v for k, v in headers.items()},
            json.loads(raw) if raw else None,
        )
        self.requests.append(seen)
        return self.dispatch(seen)

    def dispatch(self, seen: Seen) -> Answer:
        for method, pattern, handler in self._routes:
            match = pattern.match(seen.path)
            if method == seen.method and match:
                return handler(seen, **match.groupdict())
        return self.not_found(f"no route {seen.method} {seen.path}")

    def not_found(self, message: str) -> Answer:
        return 404, {"error": {"code": 404, "message": message, "status": "NOT_FOUND"}}


@dataclass
class GcpProject:
    """What the fake knows of one project."""

    number: str
    state: str = "ACTIVE"
    enabled: set[str] = field(default_factory=set)
    key_creation_blocked: bool = False
    agent: str | None = None  # display name of an existing Dialogflow ES agent


class GcpAdminFake(_JsonServer):
    """Resource Manager, Service Usage and Dialogflow (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self.projects: dict[str, GcpProject] = {}
        p = r"(?P<project>[a-z][a-z0-9-]+)"
        self.route("GET", rf"/v1/projects/{p}", self._project)
        self.route("POST", rf"/v1/projects/{p}:getEffectiveOrgPolicy", self._org_policy)
        self.route("GET", rf"/v1/projects/{p}/services/(?P<api>[a-z.]+)", self._service)
        self.route("GET", rf"/v2/projects/{p}/agent", self._agent)

    def _known(self, project: str) -> GcpProject | None:
        return self.projects.get(project)

    def _denied(self, project: str) -> Answer:
        message = f"The caller does not have permission on project {project}"
        return 403, {"error": {"code": 403, "message": message, "status": "PERMISSION_DENIED"}}

    def _project(self, seen: Seen, project: str) -> Answer:
        known = self._known(project)
        if known is None:
            return self._denied(project)
        return 200, {
            "projectId": project,
            "projectNumber": known.number,
            "lifecycleState": known.state,
            "name": project,
        }

    def _org_policy(self, seen: Seen, project: str) -> Answer:
        known = self._known(project)
        if known is None:
            return self._denied(project)
        constraint = (seen.body or {}).get("constraint", "")
        enforced = constraint == "constraints/iam.disableServiceAccountKeyCreation" and (
            known.key_creation_blocked
        )
        return 200, {
            "version": 1,
            "constraint": constraint,
            "booleanPolicy": {"enforced": True} if enforced else {},
        }

    def _service(self, seen: Seen, project: str, api: str) -> Answer:
        known = self._known(project)
        if known is None:
            return self._denied(project)
        state = "ENABLED" if api in known.enabled else "DISABLED"
        return 200, {"name": f"projects/{known.number}/services/{api}", "state": state}

    def _agent(self, seen: Seen, project: str) -> Answer:
        known = self._known(project)
        if known is None or known.agent is None:
            return self.not_found(f"No DesignTimeAgent found for project '{project}'.")
        return 200, {"parent": f"projects/{project}", "displayName": known.agent}


class AzureArmFake(_JsonServer):
    """Azure Resource Manager's subscription, provider and AI services listings."""

    def __init__(self, subscription: str) -> None:
        super().__init__()
        self.subscription = subscription
        self.state = "Enabled"
        self.registration = "Registered"
        self.accounts: list[dict[str, Any]] = []
        self.deleted_accounts: list[dict[str, Any]] = []
        s = r"/subscriptions/(?P<subscription>[0-9a-f-]+)"
        provider = rf"{s}/providers/Microsoft\.CognitiveServices"
        self.route("GET", s, self._subscription)
        self.route("GET", provider, self._provider)
        self.route(
            "GET",
            rf"{provider}/accounts",
            lambda seen, subscription: self._list(seen, subscription, self.accounts),
        )
        self.route(
            "GET",
            rf"{provider}/deletedAccounts",
            lambda seen, subscription: self._list(seen, subscription, self.deleted_accounts),
        )

    def _checked(self, seen: Seen, subscription: str) -> Answer | None:
        if "api-version" not in seen.query:
            return 400, {
                "error": {
                    "code": "MissingApiVersionParameter",
                    "message": "The api-version query parameter is required.",
                }
            }
        if not seen.headers.get("authorization", "").startswith("Bearer "):
            return 401, {"error": {"code": "AuthenticationFailed", "message": "no token"}}
        if subscription != self.subscription:
            return 404, {
                "error": {
                    "code": "SubscriptionNotFound",
                    "message": f"The subscription '{subscription}' could not be found.",
                }
            }
        return None

    def _subscription(self, seen: Seen, subscription: str) -> Answer:
        refused = self._checked(seen, subscription)
        return refused or (
            200,
            {"subscriptionId": subscription, "displayName": "travelbot", "state": self.state},
        )

    def _provider(self, seen: Seen, subscription: str) -> Answer:
        refused = self._checked(seen, subscription)
        return refused or (
            200,
            {"namespace": "Microsoft.CognitiveServices", "registrationState": self.registration},
        )

    def _list(self, seen: Seen, subscription: str, items: list[dict[str, Any]]) -> Answer:
        refused = self._checked(seen, subscription)
        return refused or (200, {"value": items})
