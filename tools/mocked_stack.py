"""Run the real Pulumi program (``__main__.py``) against mocks and record every resource.

What the Pulumi CLI would do, minus the engine: merge ``Pulumi.yaml`` defaults with the
stack's ``Pulumi.<stack>.yaml`` values, set them as config, install mocks (``preview=False``
so every input is known), run the program, wait for all registrations, and keep each
resource's type, name, inputs (camelCase, ints as floats), mocked outputs and options.

The mocks answer with plausible outputs for the types the program uses (ARNs in the right
region, Lex ids, a GCP key file, the Azure key invoke), so the outputs a CI would read look like
the real ones. Shared by the infrastructure tests (``tests/infra``) and ``python -m tools.plan``.
"""

from __future__ import annotations

import json
import runpy
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
import yaml
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from tools.mock_outputs import ACCOUNT, DEFAULT_REGION, mock_outputs

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "travelbot"
#: Secret config values the mocked runs provide (never in the stack files).
TEST_SECRETS = {f"{PROJECT}:openweatherApiKey": "test-openweather-key-0123456789"}
#: What the mocked ``listAccountKeys`` returns (Azure keys are 32 hex digits).
AZURE_KEYS = {
    "key1": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "key2": "1f2e3d4c5b6a79808f9eadbccbdaebf1",
}
#: Resource types (prefixes) of global services: they have no region.
GLOBAL_AWS_TYPES = ("aws:iam/", "aws:route53/")
PROVIDER_PREFIX = "pulumi:providers:"
DYNAMIC_PREFIX = "pulumi-python:dynamic"
#: Resources that live in the state only (random values): placed with their siblings.
STATE_ONLY_PREFIX = "random:"


@dataclass
class MockedResource:
    """One registered resource: what the program asked for and how."""

    urn: str
    type: str
    name: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    custom: bool
    parent: str = ""
    ignore_changes: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)
    #: Provider reference (``urn::id``) when the program chose one, else "".
    provider: str = ""
    #: Where a resource without a ``region`` input goes: its provider's region, or aws:region.
    default_region: str = DEFAULT_REGION
    #: The resource's own aliases as the engine receives them (``Alias.Spec`` fields).
    aliases: list[dict[str, Any]] = field(default_factory=list)
    #: ``retain_on_delete``: a destroy leaves the cloud resource in place.
    retain_on_delete: bool = False

    @property
    def region(self) -> str:
        """The region the resource is created in (the provider's region when unset)."""
        return str(self.inputs.get("region") or self.default_region)


@dataclass
class StackRun:
    """All resources and exports of one program run."""

    stack: str
    config: dict[str, str]
    resources: list[MockedResource]
    exports: dict[str, Any]

    def of_type(self, type_: str, *, region: str | None = None) -> list[MockedResource]:
        """Resources of a type (optionally in one region)."""
        return [
            r for r in self.resources if r.type == type_ and (region is None or r.region == region)
        ]

    def one(self, type_: str, name_part: str = "", *, region: str | None = None) -> MockedResource:
        """The single resource of a type whose name contains ``name_part``."""
        found = [r for r in self.of_type(type_, region=region) if name_part in r.name]
        if len(found) != 1:
            names = [r.name for r in found]
            raise AssertionError(f"expected one {type_} matching {name_part!r}, got {names}")
        return found[0]

    def by_urn(self, urn: str) -> MockedResource:
        """The resource with this URN."""
        return next(r for r in self.resources if r.urn == urn)

    def children_of(self, parent: MockedResource) -> Iterator[MockedResource]:
        """Direct children of a component."""
        return (r for r in self.resources if r.parent == parent.urn)

    def parent_of(self, resource: MockedResource) -> MockedResource | None:
        """The component or resource ``resource`` is a child of (None: the stack itself)."""
        return next((r for r in self.resources if r.urn == resource.parent), None)

    def qualified_type(self, resource: MockedResource) -> str:
        """The type chain the engine puts in a URN: every ancestor's type, then the own one."""
        parent = self.parent_of(resource)
        return resource.type if parent is None else f"{self.qualified_type(parent)}${resource.type}"

    def engine_urn(self, resource: MockedResource) -> str:
        """The URN the Pulumi engine gives ``resource``.

        The mock monitor's URNs name only the parent's own type, so a component moved under
        another one would keep its children's mock URNs while the engine's change; this spells
        the whole chain (and leaves out the stack's type) as the engine does.
        """
        return _urn(resource.urn, self.qualified_type(resource), resource.name)

    def previous_urns(self, resource: MockedResource) -> set[str]:
        """Every URN the engine matches ``resource`` with: its own, its aliases', and those it
        inherits (the engine derives a child's old URN from each of its parent's old URNs, so
        one alias on a moved component covers everything under it)."""
        return {_urn(resource.urn, chain, name) for chain, name in self._known_as(resource)}

    def _known_as(self, resource: MockedResource) -> set[tuple[str, str]]:
        parent = self.parent_of(resource)
        parent_chains = {chain for chain, _ in self._known_as(parent)} if parent else {""}
        names = {(_chain(chain, resource.type), resource.name) for chain in parent_chains}
        for alias in resource.aliases:
            if alias.get("urn"):
                _, _, chain, name = alias["urn"].split("::", 3)
                names.add((chain, name))
                continue
            type_, name = alias.get("type") or resource.type, alias.get("name") or resource.name
            if alias.get("noParent"):
                names.add((type_, name))
            elif alias.get("parentUrn"):
                names.add((_chain(alias["parentUrn"].split("::")[2], type_), name))
            else:
                names.update((_chain(chain, type_), name) for chain in parent_chains)
        return names

    def cloud_resources(self) -> list[MockedResource]:
        """Resources a cloud would hold: no components, no provider instances."""
        return [r for r in self.resources if r.custom and not r.type.startswith(PROVIDER_PREFIX)]

    def placement(self, resource: MockedResource) -> str:
        """Where a resource lives: an AWS region, ``aws:global``, ``gcp:global`` or
        ``azure:<location>``. A dynamic resource, or a random value, lives where its siblings
        do."""
        type_ = resource.type
        if type_.startswith(GLOBAL_AWS_TYPES):
            return "aws:global"
        if type_.startswith(("aws:", "aws-native:")):
            return resource.region
        if type_.startswith("gcp:"):
            return "gcp:global"
        if type_.startswith("azure-native:"):
            location = resource.inputs.get("location")
            return f"azure:{location}" if location else "azure"
        if type_.startswith((DYNAMIC_PREFIX, STATE_ONLY_PREFIX)):
            siblings = [
                r
                for r in self.cloud_resources()
                if r.parent == resource.parent
                and not r.type.startswith((DYNAMIC_PREFIX, STATE_ONLY_PREFIX))
            ]
            if siblings:
                return Counter(self.placement(r) for r in siblings).most_common(1)[0][0]
        return "other"

    def counts(self) -> Counter[tuple[str, str]]:
        """How many cloud resources of each (type, placement)."""
        return Counter((r.type, self.placement(r)) for r in self.cloud_resources())


def _chain(parent_chain: str, type_: str) -> str:
    return f"{parent_chain}${type_}" if parent_chain else type_


def _urn(like: str, chain: str, name: str) -> str:
    """A URN of the same stack and project as ``like``."""
    prefix, project = like.split("::")[:2]
    return f"{prefix}::{project}::{chain}::{name}"


def _reference_name(reference: str) -> str:
    """The resource name in a provider reference ``urn::id`` ("" when there is none)."""
    parts = reference.split("::")
    return parts[3] if len(parts) >= 4 else ""


class RecordingMocks(pulumi.runtime.Mocks):
    """Mocks that keep every resource's inputs and outputs."""

    def __init__(self) -> None:
        self.created: dict[tuple[str, str], tuple[MockResourceArgs, str, dict[str, Any]]] = {}
        self.provider_regions: dict[str, str] = {}

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if args.typ.startswith(PROVIDER_PREFIX) and args.inputs.get("region"):
            self.provider_regions[args.name] = str(args.inputs["region"])
        region = self.provider_regions.get(_reference_name(args.provider or ""))
        rid, outputs = mock_outputs(args.typ, args.name, args.inputs, region=region)
        self.created[(args.typ, args.name)] = (args, rid, outputs)
        return (rid if args.custom else None), outputs

    def call(self, args: MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":  # noqa: S105
            return {
                "accountId": ACCOUNT,
                "arn": f"arn:aws:iam::{ACCOUNT}:user/ci",
                "userId": "AIDEXAMPLE",
                "id": ACCOUNT,
            }
        if args.token == "azure-native:cognitiveservices:listAccountKeys":  # noqa: S105
            return dict(AZURE_KEYS)
        raise AssertionError(f"unexpected invoke {args.token}")


class RecordingMonitor(MockMonitor):
    """A mock monitor that also keeps the resource options the engine would see."""

    def __init__(self, mocks: RecordingMocks) -> None:
        super().__init__(mocks)
        self.options: dict[str, dict[str, Any]] = {}

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802  # the gRPC method's name
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type == "pulumi:pulumi:Stack":
            return response
        self.options[response.urn] = {
            "parent": request.parent,
            "ignore_changes": list(request.ignoreChanges),
            "dependencies": list(request.dependencies),
            "provider": request.provider,
            "aliases": [_alias_spec(alias) for alias in request.aliases],
            "retain_on_delete": bool(request.retainOnDelete),
        }
        return response


def _alias_spec(alias: Any) -> dict[str, Any]:
    """An ``Alias`` message as a dict (a full URN alias becomes ``{"urn": ...}``)."""
    if alias.HasField("urn"):
        return {"urn": alias.urn}
    spec = alias.spec
    return {
        "name": spec.name,
        "type": spec.type,
        "noParent": spec.noParent,
        "parentUrn": spec.parentUrn,
    }


def stack_config(stack: str, overrides: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Config as the CLI passes it: Pulumi.yaml defaults, then the stack file, then overrides."""
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    values: dict[str, Any] = {
        f"{PROJECT}:{key}": decl["default"] for key, decl in project["config"].items()
    }
    values.update(yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"])
    values.update(TEST_SECRETS)
    values.update({k if ":" in k else f"{PROJECT}:{k}": v for k, v in (overrides or {}).items()})
    return {key: _config_text(value) for key, value in values.items()}


def _config_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


def run_program(stack: str, overrides: Mapping[str, Any] | None = None) -> StackRun:
    """Evaluate ``__main__.py`` for ``stack`` with mocks; raises what the program raises."""
    config = stack_config(stack, overrides)
    pulumi.runtime.set_all_config(config, secret_keys=list(TEST_SECRETS))
    mocks = RecordingMocks()
    monitor = RecordingMonitor(mocks)
    pulumi_settings.ROOT.set(None)
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=False, monitor=monitor)
    pulumi_settings.SETTINGS.outputs.clear()

    def program() -> None:
        runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")

    _sync_await(run_pulumi_func(program))
    root = pulumi_settings.get_root_resource()
    assert root is not None
    exports = {
        name: _sync_await(pulumi.Output.from_input(value).future())
        for name, value in root.outputs.items()  # type: ignore[attr-defined]
    }
    provider_default = config.get("aws:region") or DEFAULT_REGION
    resources = []
    for urn, options in monitor.options.items():
        type_ = urn.split("::")[2].split("$")[-1]
        name = urn.split("::")[-1]
        args, rid, outputs = mocks.created[(type_, name)]
        provider = str(options["provider"] or "")
        resources.append(
            MockedResource(
                urn=urn,
                type=type_,
                name=name,
                id=rid if args.custom else "",
                inputs=dict(args.inputs),
                outputs=outputs,
                custom=bool(args.custom),
                parent=options["parent"],
                ignore_changes=options["ignore_changes"],
                dependencies=options["dependencies"],
                provider=provider,
                aliases=options["aliases"],
                retain_on_delete=options["retain_on_delete"],
                default_region=mocks.provider_regions.get(
                    _reference_name(provider), provider_default
                ),
            )
        )
    return StackRun(stack=stack, config=config, resources=resources, exports=exports)
