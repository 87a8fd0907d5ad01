"""IAM policy documents as Python dicts (never hand-written JSON strings).

Every statement names its actions and, where the service allows it, the ARNs it applies to.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

Statement = dict[str, Any]


def statement(
    sid: str,
    actions: Sequence[str],
    resources: Sequence[pulumi.Input[str]],
    *,
    conditions: Mapping[str, Any] | None = None,
) -> Statement:
    """One ``Allow`` statement; raises ValueError on a wildcard action or an empty list."""
    if not actions or not resources:
        raise ValueError(f"statement {sid}: actions and resources must not be empty")
    for action in actions:
        if "*" in action:
            raise ValueError(f"statement {sid}: wildcard action {action!r}")
    result: Statement = {
        "Sid": sid,
        "Effect": "Allow",
        "Action": list(actions),
        "Resource": list(resources),
    }
    if conditions:
        result["Condition"] = dict(conditions)
    return result


def deny_insecure_transport(
    action: str, resource: pulumi.Input[str] | list[pulumi.Input[str]]
) -> Statement:
    """The resource-policy statement that refuses ``action`` on ``resource`` (one ARN or a
    list) to any principal calling without TLS (``aws:SecureTransport`` false): what every
    bucket, queue and topic policy of the stack carries."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": action,
        "Resource": resource,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def document(statements: Sequence[Statement]) -> pulumi.Output[str]:
    """A policy document as a JSON ``Output`` (the ARNs inside may still be unresolved)."""
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def assume_role_policy(service: str) -> str:
    """The trust policy that lets one AWS service assume a role."""
    trust = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [trust]})
