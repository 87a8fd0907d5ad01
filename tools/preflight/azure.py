"""Azure prerequisites of a first ``pulumi up`` with Azure Language on (azure-core + ARM REST).

Read with the operator's credentials (azure-identity's ``DefaultAzureCredential``: ``az login``,
environment, managed identity) through azure-core's pipeline, against Azure Resource Manager:

- **Subscription** enabled (``subscriptions.get``).
- **Resource provider** ``Microsoft.CognitiveServices`` registered (``providers.get``); an
  unregistered one fails the account's creation.
- **Responsible AI terms**: no API reads or accepts them. A Language (or multi-service) account
  the subscription already holds, live or soft-deleted, shows they were accepted when it was
  created; without one the check says ``unknown`` and how to do the one-time portal step.
- **The free tier**: ``F0`` allows one Language account per subscription.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from components.config import AzureConfig
from tools.preflight.report import Check, missing, ok, unknown

CLOUD = "azure"
ARM = "https://management.azure.com"
SCOPE = "https://management.azure.com/.default"
PROVIDER = "Microsoft.CognitiveServices"
#: Kinds whose creation shows the subscription accepted the Responsible AI terms for Language.
LANGUAGE_KINDS = ("TextAnalytics", "CognitiveServices", "AIServices")
TERMS_FIX = (
    "once per subscription, create a 'Language service' resource in the Azure portal (its form "
    "shows the Responsible AI notice to accept), then delete it: docs/deploy.md, 'Azure: "
    "Responsible AI terms'"
)


@dataclass(frozen=True)
class Azure:
    """An ARM client (azure-core ``PipelineClient`` with a bearer token policy)."""

    client: Any
    subscription_id: str
    endpoint: str = ARM

    def get(self, path: str, api_version: str) -> tuple[int, dict[str, Any]]:
        """GET ``path`` under ``endpoint``: status and JSON body."""
        from azure.core.rest import HttpRequest

        request = HttpRequest("GET", f"{self.endpoint}{path}", params={"api-version": api_version})
        response = self.client.send_request(
            request, enforce_https=self.endpoint.startswith("https://")
        )
        try:
            body = response.json()
        except ValueError:
            body = {}
        return response.status_code, body if isinstance(body, dict) else {}


def arm_client(credential: Any, *, endpoint: str = ARM) -> Any:
    """An azure-core pipeline to ARM with the credential's bearer tokens and retries."""
    from azure.core import PipelineClient
    from azure.core.pipeline.policies import (
        BearerTokenCredentialPolicy,
        HeadersPolicy,
        RetryPolicy,
        UserAgentPolicy,
    )

    policies = [
        HeadersPolicy(),
        UserAgentPolicy("travelbot-preflight"),
        RetryPolicy(retry_total=2),
        BearerTokenCredentialPolicy(credential, SCOPE),
    ]
    return PipelineClient(endpoint, policies=policies)


def subscription_of(azure: AzureConfig | None, configured: str) -> str:
    """The subscription the stack deploys to: ``azure-native:subscriptionId`` of the stack file,
    else ``AZURE_SUBSCRIPTION_ID`` / ``ARM_SUBSCRIPTION_ID`` (as the provider reads them)."""
    return (
        configured
        or os.environ.get("AZURE_SUBSCRIPTION_ID", "")
        or os.environ.get("ARM_SUBSCRIPTION_ID", "")
    )


def checks(cfg: AzureConfig, azure: Azure) -> Iterator[Check]:
    """Every Azure prerequisite of the stack's Language account."""
    subscription = _subscription(azure)
    yield subscription
    if subscription.status != "ok":
        return
    yield _provider(azure)
    accounts = _accounts(azure)
    yield _terms(azure, accounts)
    if cfg.sku == "F0":
        yield _free_tier(accounts)


def _subscription(azure: Azure) -> Check:
    name = f"subscription {azure.subscription_id}"
    status, body = azure.get(f"/subscriptions/{azure.subscription_id}", "2022-12-01")
    if status == 200 and body.get("state") == "Enabled":
        return ok(CLOUD, name, f"{body.get('displayName')}, enabled")
    return missing(
        CLOUD,
        name,
        f"not usable ({status}: {_message(body)}, state {body.get('state')})",
        "az login, then az account set --subscription <id> (or set azure-native:subscriptionId)",
    )


def _provider(azure: Azure) -> Check:
    name = f"resource provider {PROVIDER}"
    path = f"/subscriptions/{azure.subscription_id}/providers/{PROVIDER}"
    status, body = azure.get(path, "2021-04-01")
    state = body.get("registrationState")
    if status == 200 and state == "Registered":
        return ok(CLOUD, name, "registered")
    return missing(
        CLOUD,
        name,
        f"{state or 'unknown'} ({status})",
        f"az provider register --namespace {PROVIDER} --wait",
    )


def _accounts(azure: Azure) -> list[dict[str, Any]]:
    """The subscription's AI services accounts, live and soft-deleted."""
    found: list[dict[str, Any]] = []
    for kind in ("accounts", "deletedAccounts"):
        path = f"/subscriptions/{azure.subscription_id}/providers/{PROVIDER}/{kind}"
        status, body = azure.get(path, "2023-05-01")
        if status == 200:
            found += [dict(a, deleted=kind == "deletedAccounts") for a in body.get("value", [])]
    return found


def _terms(azure: Azure, accounts: list[dict[str, Any]]) -> Check:
    name = "Responsible AI terms"
    language = [a for a in accounts if a.get("kind") in LANGUAGE_KINDS]
    if language:
        example = language[0]
        state = "soft-deleted " if example.get("deleted") else ""
        return ok(
            CLOUD,
            name,
            f"accepted: the subscription created the {state}{example.get('kind')} "
            f"account {example.get('name')!r}",
        )
    return unknown(
        CLOUD,
        name,
        "no Language account in the subscription shows they were accepted (no "
        "API reads them); without them Azure refuses with ResourceKindRequireAcceptTerms",
        TERMS_FIX,
    )


def _free_tier(accounts: list[dict[str, Any]]) -> Check:
    name = "F0 free tier"
    taken = [
        a
        for a in accounts
        if a.get("kind") == "TextAnalytics"
        and (a.get("sku") or {}).get("name") == "F0"
        and not a.get("deleted")
    ]
    if not taken:
        return ok(CLOUD, name, "no F0 Language account yet (one is allowed per subscription)")
    return missing(
        CLOUD,
        name,
        f"taken by {taken[0].get('name')!r}: F0 allows one per subscription",
        "set azureLanguageSku S, or delete (and purge) the other F0 account",
    )


def _message(body: dict[str, Any]) -> str:
    error = body.get("error")
    return str(error.get("message") if isinstance(error, dict) else error or "no message")
