"""Google Cloud prerequisites of a first ``pulumi up`` with Dialogflow on (google-auth + REST).

Read with the operator's Application Default Credentials through google-auth's
``AuthorizedSession`` (the documented REST APIs, so a test can point them at a local fake):

- **Project**: Cloud Resource Manager ``projects.get`` (exists, active, reachable).
- **APIs the program cannot enable itself**: it enables Dialogflow, IAM, STS and IAM
  Credentials through Service Usage, which needs ``serviceusage`` and ``cloudresourcemanager``
  enabled already (``services.get``).
- **Key creation**: the effective organization policy
  ``constraints/iam.disableServiceAccountKeyCreation`` (``projects.getEffectiveOrgPolicy``).
  Enforced (Google's default for organizations created since 2024): the opt-in key path cannot
  work, keyless federation is required.
- **The agent**: one Dialogflow ES agent per project (``projects.getAgent``); an existing one
  would be taken over and its intents replaced, so the project must be the stack's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from components.config import DialogflowConfig
from tools.preflight.report import Check, missing, ok, unknown

CLOUD = "gcp"
SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
#: What the program enables itself, and what must already be on for it to do so.
ENABLED_BY_THE_PROGRAM = (
    "dialogflow.googleapis.com",
    "iam.googleapis.com",
    "sts.googleapis.com",
    "iamcredentials.googleapis.com",
)
NEEDED_BEFORE = ("serviceusage.googleapis.com", "cloudresourcemanager.googleapis.com")
KEY_CREATION = "constraints/iam.disableServiceAccountKeyCreation"
TIMEOUT_S = 20.0


@dataclass(frozen=True)
class Endpoints:
    """The REST roots (a test points them at a fake)."""

    resource_manager: str = "https://cloudresourcemanager.googleapis.com"
    service_usage: str = "https://serviceusage.googleapis.com"
    dialogflow: str = "https://dialogflow.googleapis.com"


@dataclass(frozen=True)
class Gcp:
    """An authorized HTTP session (``google.auth.transport.requests.AuthorizedSession``)."""

    session: Any
    endpoints: Endpoints = Endpoints()

    def get(self, url: str) -> tuple[int, dict[str, Any]]:
        """GET ``url``: status and JSON body."""
        response = self.session.get(url, timeout=TIMEOUT_S)
        return response.status_code, _json(response)

    def post(self, url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST ``body`` as JSON to ``url``: status and JSON body."""
        response = self.session.post(url, json=body, timeout=TIMEOUT_S)
        return response.status_code, _json(response)


def default_session() -> Gcp:
    """The operator's Application Default Credentials (``gcloud auth application-default
    login``, or workload identity in CI).

    Raises:
        google.auth.exceptions.DefaultCredentialsError: when there are none.
    """
    import google.auth
    from google.auth.transport.requests import AuthorizedSession

    credentials, _ = google.auth.default(scopes=list(SCOPES))
    return Gcp(AuthorizedSession(credentials))  # type: ignore[no-untyped-call]


def checks(dialogflow: DialogflowConfig, gcp: Gcp) -> Iterator[Check]:
    """Every Google Cloud prerequisite of the stack's Dialogflow agent."""
    project = dialogflow.project
    reachable = _project(gcp, project)
    yield reachable
    if reachable.status != "ok":
        return
    for api in NEEDED_BEFORE:
        yield _api(gcp, project, api)
    yield _key_creation(gcp, project, dialogflow)
    yield _agent(gcp, project)


def _project(gcp: Gcp, project: str) -> Check:
    name = f"project {project}"
    status, body = gcp.get(f"{gcp.endpoints.resource_manager}/v1/projects/{project}")
    if status == 200 and body.get("lifecycleState") == "ACTIVE":
        return ok(CLOUD, name, f"active, number {body.get('projectNumber')}")
    if status == 200:
        return missing(
            CLOUD,
            name,
            f"state {body.get('lifecycleState')}",
            f"restore the project (gcloud projects undelete {project}) or use another",
        )
    return missing(
        CLOUD,
        name,
        f"not reachable ({status}: {_message(body)})",
        f"create it with billing (gcloud projects create {project}), or grant your account "
        "access; set gcpProject in the stack file",
    )


def _api(gcp: Gcp, project: str, api: str) -> Check:
    name = f"API {api}"
    url = f"{gcp.endpoints.service_usage}/v1/projects/{project}/services/{api}"
    status, body = gcp.get(url)
    if status == 200 and body.get("state") == "ENABLED":
        return ok(CLOUD, name, "enabled")
    fix = f"gcloud services enable {api} --project {project}"
    if status == 200:
        why = "the program enables " + ", ".join(ENABLED_BY_THE_PROGRAM) + " through it"
        return missing(CLOUD, name, f"disabled: {why}", fix)
    return unknown(CLOUD, name, f"could not read it ({status}: {_message(body)})", fix)


def _key_creation(gcp: Gcp, project: str, dialogflow: DialogflowConfig) -> Check:
    name = "service account key creation"
    url = f"{gcp.endpoints.resource_manager}/v1/projects/{project}:getEffectiveOrgPolicy"
    status, body = gcp.post(url, {"constraint": KEY_CREATION})
    if status != 200:
        return unknown(
            CLOUD,
            name,
            f"could not read {KEY_CREATION} ({status}: {_message(body)})",
            "keep dialogflowAuth workloadIdentity (the default): it works either way",
        )
    blocked = bool((body.get("booleanPolicy") or {}).get("enforced"))
    if blocked and not dialogflow.keyless:
        return missing(
            CLOUD,
            name,
            f"blocked by {KEY_CREATION}, but dialogflowAuth is serviceAccountKey",
            "set dialogflowAuth workloadIdentity (keyless federation from the chat role)",
        )
    if blocked:
        return ok(CLOUD, name, "blocked by the organization: federation is required, and set")
    return ok(CLOUD, name, f"allowed; dialogflowAuth is {dialogflow.auth}")


def _agent(gcp: Gcp, project: str) -> Check:
    name = "Dialogflow ES agent"
    status, body = gcp.get(f"{gcp.endpoints.dialogflow}/v2/projects/{project}/agent")
    if status == 404:
        return ok(CLOUD, name, "none yet: the program creates it")
    if status == 403 and "SERVICE_DISABLED" in str(body):
        return ok(CLOUD, name, "the API is not enabled yet, so no agent: the program creates it")
    if status == 200:
        return missing(
            CLOUD,
            name,
            f"the project already has an agent, {body.get('displayName')!r}: this "
            "stack would take it over and replace its intents",
            "give the stack a project of its own (one ES agent per project), or confirm it is "
            "this stack's agent from an earlier up",
        )
    return unknown(
        CLOUD,
        name,
        f"could not read it ({status}: {_message(body)})",
        "gcloud alpha dialogflow agent describe --project ...",
    )


def _json(response: Any) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _message(body: dict[str, Any]) -> str:
    error = body.get("error")
    return str(error.get("message") if isinstance(error, dict) else error or "no message")
