"""``python -m tools.preflight``: the Google Cloud and Azure checks against local API fakes.

GCP goes through google-auth's ``AuthorizedSession`` with a bearer token, Azure through
azure-core's pipeline with a bearer token policy, as the command does with the operator's
credentials; the fakes (``tests/infra/cloud_admin_fakes.py``) answer the documented REST shapes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.credentials import Credentials

from components.config import AzureConfig, DialogflowConfig, read_stack_file
from tests.infra.cloud_admin_fakes import AzureArmFake, GcpAdminFake, GcpProject
from tools.mocked_stack import ROOT
from tools.preflight import azure as preflight_azure
from tools.preflight import gcp as preflight_gcp
from tools.preflight.report import Check, Status

PROJECT = "travelbot-prod"
SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks}


# Google Cloud ----------------------------------------------------------------------------------


@pytest.fixture
def gcp() -> Iterator[GcpAdminFake]:
    with GcpAdminFake() as fake:
        yield fake


def dialogflow(**changes: Any) -> DialogflowConfig:
    config = read_stack_file(ROOT, "prod").dialogflow
    assert config is not None
    return replace(config, **changes)


def gcp_checks(fake: GcpAdminFake, config: DialogflowConfig | None = None) -> dict[str, Check]:
    session = AuthorizedSession(Credentials(token="operator-token"))  # type: ignore[no-untyped-call]
    endpoints = preflight_gcp.Endpoints(fake.url, fake.url, fake.url)
    return by_name(
        list(preflight_gcp.checks(config or dialogflow(), preflight_gcp.Gcp(session, endpoints)))
    )


def ready(fake: GcpAdminFake, **changes: Any) -> GcpProject:
    project = GcpProject(number="987654321098", enabled=set(preflight_gcp.NEEDED_BEFORE))
    fake.projects[PROJECT] = replace(project, **changes)
    return fake.projects[PROJECT]


def test_a_ready_project_passes_every_check_with_the_operators_token(gcp: GcpAdminFake) -> None:
    ready(gcp)
    checks = gcp_checks(gcp)
    assert {name: c.status for name, c in checks.items()} == {
        f"project {PROJECT}": Status.OK,
        "API serviceusage.googleapis.com": Status.OK,
        "API cloudresourcemanager.googleapis.com": Status.OK,
        "service account key creation": Status.OK,
        "Dialogflow ES agent": Status.OK,
    }
    assert {r.headers["authorization"] for r in gcp.requests} == {"Bearer operator-token"}


def test_an_unreachable_project_stops_the_gcp_checks(gcp: GcpAdminFake) -> None:
    checks = gcp_checks(gcp)  # no project known: 403
    assert list(checks) == [f"project {PROJECT}"]
    assert checks[f"project {PROJECT}"].status is Status.MISSING
    assert "gcloud projects create" in checks[f"project {PROJECT}"].fix


def test_service_usage_must_be_on_before_the_program_can_enable_the_rest(gcp: GcpAdminFake) -> None:
    ready(gcp, enabled={"cloudresourcemanager.googleapis.com"})
    check = gcp_checks(gcp)["API serviceusage.googleapis.com"]
    assert check.status is Status.MISSING
    assert check.fix == f"gcloud services enable serviceusage.googleapis.com --project {PROJECT}"


def test_blocked_key_creation_is_fine_keyless_and_missing_with_the_opt_in_key(
    gcp: GcpAdminFake,
) -> None:
    # GIVEN an organization that enforces iam.disableServiceAccountKeyCreation
    ready(gcp, key_creation_blocked=True)
    # THEN keyless (the default) is ok, and says federation is required
    keyless = gcp_checks(gcp)["service account key creation"]
    assert keyless.status is Status.OK and "federation is required" in keyless.detail
    # AND the opt-in key path is missing, with the switch to make
    keyed = gcp_checks(gcp, dialogflow(auth="serviceAccountKey"))["service account key creation"]
    assert keyed.status is Status.MISSING
    assert "dialogflowAuth workloadIdentity" in keyed.fix
    policy_calls = [r for r in gcp.requests if r.path.endswith(":getEffectiveOrgPolicy")]
    assert policy_calls[0].body == {
        "constraint": "constraints/iam.disableServiceAccountKeyCreation"
    }


def test_a_project_that_already_has_an_agent_is_flagged(gcp: GcpAdminFake) -> None:
    ready(gcp, agent="someone-elses-agent")
    check = gcp_checks(gcp)["Dialogflow ES agent"]
    assert check.status is Status.MISSING
    assert "someone-elses-agent" in check.detail and "project of its own" in check.fix


# Azure -----------------------------------------------------------------------------------------


class OperatorToken:
    """An azure-core token credential (what DefaultAzureCredential provides)."""

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        assert scopes == (preflight_azure.SCOPE,)
        return AccessToken("arm-operator-token", int(time.time()) + 3600)


@pytest.fixture
def arm() -> Iterator[AzureArmFake]:
    with AzureArmFake(SUBSCRIPTION) as fake:
        yield fake


def language(**changes: Any) -> AzureConfig:
    config = read_stack_file(ROOT, "prod").azure
    assert config is not None
    return replace(config, **changes)


def azure_checks(fake: AzureArmFake, config: AzureConfig | None = None) -> dict[str, Check]:
    client = preflight_azure.arm_client(OperatorToken(), endpoint=fake.url)
    target = preflight_azure.Azure(client, SUBSCRIPTION, endpoint=fake.url)
    return by_name(list(preflight_azure.checks(config or language(), target)))


def account(name: str, kind: str = "TextAnalytics", sku: str = "S") -> dict[str, Any]:
    return {"name": name, "kind": kind, "sku": {"name": sku}, "location": "westeurope"}


def test_an_unregistered_provider_is_missing_with_the_command(arm: AzureArmFake) -> None:
    arm.registration = "NotRegistered"
    check = azure_checks(arm)["resource provider Microsoft.CognitiveServices"]
    assert check.status is Status.MISSING
    assert check.fix == "az provider register --namespace Microsoft.CognitiveServices --wait"
    assert all(r.headers["authorization"] == "Bearer arm-operator-token" for r in arm.requests)


def test_a_subscription_without_a_language_account_cannot_prove_the_terms(
    arm: AzureArmFake,
) -> None:
    check = azure_checks(arm)["Responsible AI terms"]
    assert check.status is Status.UNKNOWN
    assert "ResourceKindRequireAcceptTerms" in check.detail
    assert "Azure portal" in check.fix and "docs/deploy.md" in check.fix


@pytest.mark.parametrize("deleted", [False, True])
def test_an_existing_language_account_shows_the_terms_were_accepted(
    arm: AzureArmFake, deleted: bool
) -> None:
    (arm.deleted_accounts if deleted else arm.accounts).append(account("earlier-language"))
    check = azure_checks(arm)["Responsible AI terms"]
    assert check.status is Status.OK
    assert "earlier-language" in check.detail


def test_the_free_tier_is_one_per_subscription(arm: AzureArmFake) -> None:
    arm.accounts.append(account("dev-language", sku="F0"))
    check = azure_checks(arm, language(sku="F0"))["F0 free tier"]
    assert check.status is Status.MISSING
    assert "azureLanguageSku S" in check.fix
    assert "F0 free tier" not in azure_checks(arm, language(sku="S"))


def test_an_unknown_subscription_stops_the_azure_checks(arm: AzureArmFake) -> None:
    arm.subscription = "99999999-1111-2222-3333-444444444444"
    checks = azure_checks(arm)
    assert list(checks) == [f"subscription {SUBSCRIPTION}"]
    assert checks[f"subscription {SUBSCRIPTION}"].status is Status.MISSING
