"""Rules for operations and access: alarms, SNS topics, IAM."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pulumi_policy import PolicyResource, ResourceValidationPolicy, StackValidationPolicy

from policy.support import (
    Props,
    as_list,
    get,
    of_type,
    policy_document,
    resource_rule,
    stack_rule,
    statements,
)

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
POLICY = "aws:iam/policy:Policy"
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
ATTACHMENTS = (
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
)
#: Actions AWS offers no resource-level permission for: the one documented use of "*".
NO_RESOURCE_LEVEL_ACTIONS = frozenset(
    {"xray:PutTraceSegments", "xray:PutTelemetryRecords", "comprehend:DetectPiiEntities"}
)
_AWS_MANAGED = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/")


def check_alarm_actions(props: Props) -> Iterator[str]:
    """Alarms notify someone: actions enabled and at least one alarm action."""
    if props.get("actionsEnabled") is False:
        yield "alarm has its actions disabled"
    if not as_list(props.get("alarmActions")):
        yield "alarm has no alarm action"


def check_topic_encryption(props: Props) -> Iterator[str]:
    """Topics are encrypted with a KMS key."""
    if not props.get("kmsMasterKeyId"):
        yield "SNS topic is not encrypted (no kmsMasterKeyId)"


def denies_insecure_transport(document: Mapping[str, Any]) -> bool:
    """True when the document denies requests made without TLS."""
    for statement in statements(document):
        condition = get(statement, "Condition", "Bool", "aws:SecureTransport")
        if statement.get("Effect") == "Deny" and str(condition).lower() == "false":
            return True
    return False


def check_topics_tls_only(resources: Sequence[PolicyResource]) -> Iterator[tuple[str, str | None]]:
    """Every topic's policy (its own or a TopicPolicy) denies non-TLS requests."""
    secured = {
        r.props.get("arn")
        for r in of_type(resources, TOPIC_POLICY)
        if denies_insecure_transport(policy_document(r.props.get("policy")))
    }
    for topic in of_type(resources, TOPIC):
        own = denies_insecure_transport(policy_document(topic.props.get("policy")))
        if not own and topic.props.get("arn") not in secured:
            yield "SNS topic accepts requests without TLS (no aws:SecureTransport deny)", topic.urn


def _documents(props: Props) -> list[Mapping[str, Any]]:
    documents = [policy_document(props.get("policy"))]
    for inline in as_list(props.get("inlinePolicies")):
        if isinstance(inline, Mapping):
            documents.append(policy_document(inline.get("policy")))
    return documents


def check_iam_statements(props: Props) -> Iterator[str]:
    """Allow statements name their actions and their resources."""
    for document in _documents(props):
        for statement in statements(document):
            if statement.get("Effect") != "Allow":
                continue
            sid = statement.get("Sid", "(no Sid)")
            actions = [str(a) for a in as_list(statement.get("Action"))]
            if statement.get("NotAction") is not None:
                yield f"statement {sid} uses NotAction"
            for action in actions:
                if "*" in action:
                    yield f"statement {sid} allows the wildcard action {action!r}"
            resources = [str(r) for r in as_list(statement.get("Resource"))]
            if "*" in resources and not set(actions) <= NO_RESOURCE_LEVEL_ACTIONS:
                yield f"statement {sid} allows {actions} on every resource ('*')"


def check_no_aws_managed_policies(props: Props) -> Iterator[str]:
    """No AWS-managed policy attached (they grant far more than one function needs)."""
    arns = as_list(props.get("managedPolicyArns")) + as_list(props.get("policyArn"))
    arns += as_list(props.get("policyArns"))
    for arn in arns:
        if isinstance(arn, str) and _AWS_MANAGED.match(arn):
            yield f"AWS-managed policy {arn} is attached; write a scoped inline policy"


POLICIES: list[ResourceValidationPolicy | StackValidationPolicy] = [
    resource_rule(
        "cloudwatch-alarm-actions",
        "Alarms have enabled actions. Mirrors cdk-nag NIST.800.53.R5-CloudWatchAlarmAction.",
        [ALARM],
        check_alarm_actions,
    ),
    resource_rule(
        "sns-topic-encrypted",
        "SNS topics are KMS-encrypted. Mirrors cdk-nag AwsSolutions-SNS2, Checkov CKV_AWS_26.",
        [TOPIC],
        check_topic_encryption,
    ),
    stack_rule(
        "sns-topic-tls-only",
        "SNS topics deny requests without TLS. Mirrors cdk-nag AwsSolutions-SNS3.",
        check_topics_tls_only,
    ),
    resource_rule(
        "iam-no-wildcards",
        "IAM policies name their actions (no '*') and resources ('*' only for X-Ray's "
        "PutTraceSegments/PutTelemetryRecords, which have no resource-level permissions). "
        "Mirrors cdk-nag AwsSolutions-IAM5, Checkov CKV_AWS_63 and CKV_AWS_355.",
        [ROLE, ROLE_POLICY, POLICY, USER_POLICY, GROUP_POLICY],
        check_iam_statements,
    ),
    resource_rule(
        "iam-no-aws-managed-policies",
        "No AWS-managed policies; inline least-privilege policies instead. Mirrors cdk-nag "
        "AwsSolutions-IAM4.",
        [ROLE, *ATTACHMENTS],
        check_no_aws_managed_policies,
    ),
]
