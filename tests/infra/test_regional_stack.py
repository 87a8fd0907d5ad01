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
#: Old resources a later change removed on purpose, with the reason (empty: none yet).
REMOVED_ON_PURPOSE: dict[str, str] = {}


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
    assert {urn for urn in unmatched if urn.split("::")[-1] not in REMOVED_ON_PURPOSE} == set()


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
    unmatched = set(OLD_URNS["prod"]) - _matched(broken)
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
        for child in run.children_of(component):
            assert region in child.name
            assert child.aliases == [{"name": "", "type": "", "noParent": True, "parentUrn": ""}], (
                child.name
            )


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
            assert placement in (component.name, "aws:global"), resource.urn
