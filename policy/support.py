"""Rule plumbing: checks are plain functions over property dicts; these wrap them as
pulumi-policy policies and run a whole pack over a list of resources (tests, tools).

A resource check takes a resource's (camelCase) properties and yields violation messages; a
stack check takes every resource and yields ``(message, urn)`` pairs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

Props = Mapping[str, Any]
ResourceCheck = Callable[[Props], Iterable[str]]
StackCheck = Callable[[Sequence[PolicyResource]], Iterable[tuple[str, str | None]]]


@dataclass(frozen=True)
class Violation:
    """One reported violation: which policy, on which resource (if any), and why."""

    policy: str
    urn: str | None
    message: str


def resource_rule(
    name: str, description: str, resource_types: Sequence[str], check: ResourceCheck
) -> ResourceValidationPolicy:
    """A mandatory policy that runs ``check`` on every resource of ``resource_types``."""
    types = frozenset(resource_types)

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type in types:
            for message in check(args.props):
                report_violation(message, None)

    return ResourceValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=EnforcementLevel.MANDATORY,
    )


def stack_rule(name: str, description: str, check: StackCheck) -> StackValidationPolicy:
    """A mandatory policy over the whole stack (relations between resources)."""

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        for message, urn in check(args.resources):
            report_violation(message, urn)

    return StackValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=EnforcementLevel.MANDATORY,
    )


def policy_resource(
    resource_type: str, name: str, props: Props, urn: str | None = None
) -> PolicyResource:
    """A PolicyResource as the engine would hand it over (for tests and tools)."""
    return PolicyResource(
        resource_type=resource_type,
        props=props,
        urn=urn or f"urn:pulumi:test::travelbot::{resource_type}::{name}",
        name=name,
        opts=PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), []),
        provider=None,
        parent=None,
        dependencies=[],
        property_dependencies={},
    )


@dataclass(frozen=True)
class Declared:
    """A resource as a program run recorded it: what :func:`policy_resources` needs."""

    type: str
    name: str
    props: Props
    urn: str
    dependencies: Sequence[str] = ()


def policy_resources(declared: Iterable[Declared]) -> list[PolicyResource]:
    """PolicyResources with their ``dependencies`` linked (by URN), as a stack policy sees
    them; dependencies outside the list are left out."""
    items = list(declared)
    resources = {d.urn: policy_resource(d.type, d.name, d.props, d.urn) for d in items}
    for item in items:
        resources[item.urn].dependencies.extend(
            resources[urn] for urn in item.dependencies if urn in resources
        )
    return list(resources.values())


def depends_on(resource: PolicyResource, other: PolicyResource) -> bool:
    """True when ``resource`` (directly) depends on ``other``."""
    return any(dependency.urn == other.urn for dependency in resource.dependencies)


def evaluate(
    policies: Sequence[ResourceValidationPolicy | StackValidationPolicy],
    resources: Sequence[PolicyResource],
    *,
    inputs: Mapping[str, Props] | None = None,
) -> list[Violation]:
    """Run every policy over the resources; ``inputs`` (by URN) replace props for resource
    policies, which see inputs in a real run while stack policies see outputs."""
    violations: list[Violation] = []
    for policy in policies:
        if isinstance(policy, ResourceValidationPolicy):
            for resource in resources:
                props = (inputs or {}).get(resource.urn, resource.props)
                args = ResourceValidationArgs(
                    resource.resource_type, props, resource.urn, resource.name,
                    resource.opts, None,
                )  # fmt: skip
                policy.validate(args, _collector(violations, policy.name, resource.urn))
        else:
            policy.validate(
                StackValidationArgs(list(resources)), _collector(violations, policy.name)
            )
    return violations


def _collector(
    into: list[Violation], policy: str, resource_urn: str | None = None
) -> ReportViolation:
    def report(message: str, urn: str | None = None) -> None:
        into.append(Violation(policy, resource_urn or urn, message))

    return report


def of_type(resources: Iterable[PolicyResource], resource_type: str) -> Iterator[PolicyResource]:
    """The resources of one type."""
    return (r for r in resources if r.resource_type == resource_type)


def get(props: Props | None, *path: str) -> Any:
    """A nested property, or None when any step is missing."""
    value: Any = props
    for step in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(step)
    return value


def as_list(value: Any) -> list[Any]:
    """A property that may be a single value, a list, or missing, as a list."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def policy_document(value: Any) -> Mapping[str, Any]:
    """An IAM-style policy document from a JSON string or an already parsed mapping."""
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str) and value.strip():
        parsed = json.loads(value)
        if isinstance(parsed, Mapping):
            return parsed
    return {}


def statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The document's statements as a list of mappings."""
    return [s for s in as_list(document.get("Statement")) if isinstance(s, Mapping)]
