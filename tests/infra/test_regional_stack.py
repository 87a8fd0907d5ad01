"""One RegionalStack per region, and URNs that survive the move into it.

``tests/infra/data/urns_5bcdda5.json`` holds every URN (as the engine spells them, see
:meth:`tools.mocked_stack.StackRun.engine_urn`) the program declared for dev, staging and prod
at commit 5bcdda5, before the per-region components moved under ``RegionalStack``. The
engine matches a resource with its state by URN or by one of its aliases (a child inherits its
parent's), so an existing stack is unchanged by the move exactly when each old URN is among the
new program's URNs and aliases.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.mocked_stack import MockedResource, StackRun

OLD_URNS = json.loads((Path(__file__).parent / "data" / "urns_5bcdda5.json").read_text())
REGIONAL = "travelbot:index:RegionalStack"
#: Old resources a later change removed on purpose (by name), with the reason.
REMOVED_ON_PURPOSE: dict[str, str] = {
    "api-us-east-1-account": "manageApiGatewayAccount defaults to false (issue 13 item 3); "
    "only prod, which sets it, keeps the account-level role (docs/deploy.md: upgrading)",
    "api-us-east-1-cloudwatch-role": "as api-us-east-1-account",
    "api-us-east-1-cloudwatch-policy": "as api-us-east-1-account",
    "dialogflow-runtime-key": "keyless Dialogflow by default (issue 13 item 5): no key exists",
}
#: Child components of a RegionalStack that existed before it (they carry the alias).
MOVED = {"ChatFunction", "ChatApi", "WebFirewall", "Monitoring", "BlueGreenDeployment",
         "LexBot", "CustomDomain"}  # fmt: skip


def _unexpected(unmatched: set[str]) -> set[str]:
    return {urn for urn in unmatched if urn.split("::")[-1] not in REMOVED_ON_PURPOSE}


def _matched(run: StackRun) -> set[str]:
    return {urn for resource in run.resources for urn in run.previous_urns(resource)}


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_every_urn_of_the_previous_program_is_matched_by_the_new_one(
    stacks: dict[str, StackRun], stack: str
) -> None:
    # GIVEN the URNs the program declared before RegionalStack, and the new program's resources
    old = set(OLD_URNS[stack])
    # WHEN the engine matches them by URN or alias
    unmatched = old - _matched(stacks[stack])
    # THEN every old resource is found again (so nothing is deleted or created by the move)
    assert _unexpected(unmatched) == set()


def test_only_prod_keeps_the_api_gateway_account_role_of_the_previous_program(
    stacks: dict[str, StackRun],
) -> None:
    # GIVEN the old URNs matched by each stack
    for stack, run in stacks.items():
        unmatched = set(OLD_URNS[stack]) - _matched(run)
        names = {urn.split("::")[-1] for urn in unmatched}
        # THEN the account role is gone where manageApiGatewayAccount is now false, only there
        assert ("api-us-east-1-account" in names) == (stack != "prod"), stack


def test_the_check_notices_a_moved_component_without_an_alias(prod: StackRun) -> None:
    # GIVEN the prod run with the aliases of the us-east-1 chat function dropped
    resources = [
        MockedResource(**{**vars(r), "aliases": []})
        if r.name == "chat-us-east-1" and r.type == "travelbot:index:ChatFunction"
        else r
        for r in prod.resources
    ]
    broken = StackRun(prod.stack, prod.config, resources, prod.exports)
    # WHEN it is matched against the old URNs
    unmatched = _unexpected(set(OLD_URNS["prod"]) - _matched(broken))
    # THEN the component and every resource under it are missing
    assert unmatched
    assert all("travelbot:index:ChatFunction" in urn for urn in unmatched)
    assert any(urn.endswith("::chat-us-east-1-chat-function") for urn in unmatched)
    assert not any("chat-eu-west-1" in urn for urn in unmatched)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_each_region_is_one_regional_stack_holding_its_serving_components(
    stacks: dict[str, StackRun], stack: str
) -> None:
    run = stacks[stack]
    regions = json.loads(run.config["travelbot:regions"])
    regional = {r.name: r for r in run.of_type(REGIONAL)}
    assert sorted(regional) == sorted(regions)
    for region, component in regional.items():
        children = {c.type.split(":")[-1] for c in run.children_of(component)}
        assert {"ChatFunction", "ChatApi", "WebFirewall", "Monitoring",
                "BlueGreenDeployment", "LexBot"} <= children  # fmt: skip
        alias = [{"name": "", "type": "", "noParent": True, "parentUrn": ""}]
        for child in run.children_of(component):
            assert region in child.name
            if not child.custom:  # (SDK types may carry their own aliases of renamed types)
                moved = child.type.split(":")[-1] in MOVED
                assert child.aliases == (alias if moved else []), child.name


def test_stack_wide_pieces_and_the_regions_providers_stay_at_the_root(prod: StackRun) -> None:
    root = {r.parent for r in prod.of_type(REGIONAL)}
    assert len(root) == 1
    for type_ in ("travelbot:index:ConversationTable", "travelbot:index:BotSecrets",
                  "travelbot:index:EncryptionKey", "pulumi:providers:aws-native"):  # fmt: skip
        assert {r.parent for r in prod.of_type(type_)} == root, type_


def _regional_resources(run: StackRun, component: MockedResource) -> list[MockedResource]:
    found, frontier = [], [component.urn]
    while frontier:
        parent = frontier.pop()
        children = [r for r in run.resources if r.parent == parent]
        found += children
        frontier += [c.urn for c in children]
    return found


def test_a_regional_stack_holds_only_resources_of_its_region(prod: StackRun) -> None:
    for component in prod.of_type(REGIONAL):
        for resource in _regional_resources(prod, component):
            placement = prod.placement(resource) if resource.custom else component.name
            # the keyless Dialogflow binding of the region's chat role is a GCP resource
            assert placement in (component.name, "aws:global", "gcp:global"), resource.urn
