"""The policy pack over every mocked resource of each stack, and every rule made to fire.

Resource policies see a resource's inputs, stack policies see every resource's outputs (as in a
real ``pulumi preview --policy-pack policy``). A bad case starts from a resource the real
program declared and breaks one property, so each rule is shown to fire for that reason.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from pulumi_policy import PolicyResource

from policy.pack import EXEMPTIONS, POLICIES
from policy.rules_api import check_web_acl
from policy.rules_compute import check_environment
from policy.rules_ops import check_iam_statements
from policy.support import Declared, Violation, evaluate, policy_resources
from tools.mocked_stack import ROOT, MockedResource, StackRun

Props = dict[str, Any]


def pack_input(
    resources: list[MockedResource],
) -> tuple[list[PolicyResource], dict[str, Props]]:
    """Policy resources (outputs as props) and the inputs resource policies see, by URN."""
    declared = (Declared(r.type, r.name, r.outputs, r.urn, r.dependencies) for r in resources)
    return policy_resources(declared), {r.urn: r.inputs for r in resources}


def violations_of(resources: list[MockedResource]) -> list[Violation]:
    policy_resources, inputs = pack_input(resources)
    return evaluate(POLICIES, policy_resources, inputs=inputs)


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_every_stack_passes_the_pack_with_no_mandatory_violation(
    stacks: dict[str, StackRun], stack: str
) -> None:
    run = stacks[stack]
    assert len(run.resources) > 90
    assert violations_of(run.resources) == []


def _mutated(
    run: StackRun, type_: str, name_part: str, change: Callable[[Props], None]
) -> list[MockedResource]:
    resources = copy.deepcopy(run.resources)
    target = next(r for r in resources if r.type == type_ and name_part in r.name)
    change(target.inputs)
    change(target.outputs)
    return resources


def _without(run: StackRun, type_: str) -> list[MockedResource]:
    return [r for r in copy.deepcopy(run.resources) if r.type != type_]


def _set(key: str, value: Any) -> Callable[[Props], None]:
    def change(props: Props) -> None:
        props[key] = value

    return change


def _drop(key: str) -> Callable[[Props], None]:
    def change(props: Props) -> None:
        props.pop(key, None)

    return change


def _seed_secret(props: Props) -> None:
    props["environment"]["variables"]["OPENWEATHER_API_KEY"] = "YOUR_OPENWEATHER_API_KEY"


def _data_trace(props: Props) -> None:
    props["settings"]["dataTraceEnabled"] = True


def _wildcard_action(props: Props) -> None:
    document = json.loads(props["policy"])
    document["Statement"][0]["Action"] = ["dynamodb:*"]
    props["policy"] = json.dumps(document)


FUNCTION = "aws:lambda/function:Function"
TABLE = "aws:dynamodb/table:Table"
STAGE = "aws:apigateway/stage:Stage"
SCALING_POLICY = "aws:appautoscaling/policy:Policy"


def _replica_before_scaling(run: StackRun) -> list[MockedResource]:
    """Prod's table replica no longer waiting for the write auto-scaling (the old program)."""
    resources = copy.deepcopy(run.resources)
    policies = {r.urn for r in resources if r.type == SCALING_POLICY}
    replica = next(r for r in resources if r.type == "aws:dynamodb/tableReplica:TableReplica")
    replica.dependencies = [urn for urn in replica.dependencies if urn not in policies]
    return resources


def _execution_logs_only(props: Props) -> None:
    """The account role's policy as it was: API-Gateway-Execution-Logs_* only."""
    document = json.loads(props["policy"])
    statement = document["Statement"][0]
    statement["Resource"] = [r for r in statement["Resource"] if "Execution-Logs" in r]
    props["policy"] = json.dumps(document)


def _unsigned_code(props: Props) -> None:
    props["s3Key"] = "unsigned/0123abcd.zip"  # the upload, not the signing job's output


#: policy name -> how to break the dev stack so that it (and only it, or its stack twin) fires.
BAD_CASES: dict[str, Callable[[StackRun], list[MockedResource]]] = {
    "apigw-stage-access-logging": lambda r: _mutated(r, STAGE, "", _drop("accessLogSettings")),
    "apigw-stage-xray-tracing": lambda r: _mutated(r, STAGE, "", _set("xrayTracingEnabled", False)),
    "apigw-method-settings": lambda r: _mutated(
        r, "aws:apigateway/methodSettings:MethodSettings", "", _data_trace
    ),
    "apigw-request-validation": lambda r: _mutated(
        r, "aws:apigateway/method:Method", "post-chat", _drop("requestValidatorId")
    ),
    "waf-rate-and-managed-rules": lambda r: _mutated(
        r,
        "aws:wafv2/webAcl:WebAcl",
        "",
        _set("scope", "CLOUDFRONT"),  # the seed's scope
    ),
    "waf-logging-redacted": lambda r: _mutated(
        r,
        "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
        "",
        _set("redactedFields", []),
    ),
    "apigw-stage-has-waf": lambda r: _without(r, "aws:wafv2/webAclAssociation:WebAclAssociation"),
    "apigw-stage-has-method-settings": lambda r: _without(
        r, "aws:apigateway/methodSettings:MethodSettings"
    ),
    "lambda-supported-runtime": lambda r: _mutated(
        r, FUNCTION, "chat-function", _set("runtime", "python3.8")
    ),
    "lambda-timeout-below-api-gateway": lambda r: _mutated(
        r, FUNCTION, "chat-function", _set("timeout", 30)
    ),
    "lambda-explicit-memory": lambda r: _mutated(r, FUNCTION, "chat-function", _drop("memorySize")),
    "lambda-reserved-concurrency": lambda r: _mutated(
        r, FUNCTION, "chat-function", _drop("reservedConcurrentExecutions")
    ),
    "lambda-xray-tracing": lambda r: _mutated(
        r, FUNCTION, "chat-function", _set("tracingConfig", {"mode": "PassThrough"})
    ),
    "lambda-no-secret-environment": lambda r: _mutated(r, FUNCTION, "chat-function", _seed_secret),
    "dynamodb-point-in-time-recovery": lambda r: _mutated(
        r, TABLE, "", _set("pointInTimeRecovery", {"enabled": False})
    ),
    "dynamodb-ttl": lambda r: _mutated(r, TABLE, "", _drop("ttl")),
    "dynamodb-customer-managed-key": lambda r: _mutated(
        r, TABLE, "", _set("serverSideEncryption", {"enabled": True})
    ),
    "dynamodb-in-backup-plan": lambda r: _without(r, "aws:backup/selection:Selection"),
    "secretsmanager-customer-managed-key": lambda r: _mutated(
        r, "aws:secretsmanager/secret:Secret", "", _drop("kmsKeyId")
    ),
    "kms-key-rotation": lambda r: _mutated(
        r, "aws:kms/key:Key", "", _set("enableKeyRotation", False)
    ),
    "log-group-retention-and-kms": lambda r: _mutated(
        r, "aws:cloudwatch/logGroup:LogGroup", "chat-logs", _drop("retentionInDays")
    ),
    "cloudwatch-alarm-actions": lambda r: _mutated(
        r, "aws:cloudwatch/metricAlarm:MetricAlarm", "lambda-errors", _set("alarmActions", [])
    ),
    "sns-topic-encrypted": lambda r: _mutated(
        r, "aws:sns/topic:Topic", "", _drop("kmsMasterKeyId")
    ),
    "sns-topic-tls-only": lambda r: _without(r, "aws:sns/topicPolicy:TopicPolicy"),
    "iam-no-wildcards": lambda r: _mutated(
        r, "aws:iam/rolePolicy:RolePolicy", "chat-policy", _wildcard_action
    ),
    "dynamodb-provisioned-replicas-after-scaling": _replica_before_scaling,
    "apigw-access-log-role-can-write": lambda r: _mutated(
        r, "aws:iam/rolePolicy:RolePolicy", "cloudwatch-policy", _execution_logs_only
    ),
    "lambda-code-signing": lambda r: _mutated(
        r, FUNCTION, "chat-function", _drop("codeSigningConfigArn")
    ),
    "lambda-runs-signed-code": lambda r: _mutated(r, FUNCTION, "chat-function", _unsigned_code),
    "iam-no-aws-managed-policies": lambda r: _mutated(
        r,
        "aws:iam/role:Role",
        "chat-role",
        _set("managedPolicyArns", ["arn:aws:iam::aws:policy/AdministratorAccess"]),
    ),
}

#: A broken resource also breaks the stack rule that inspects the same resource.
STACK_TWINS = {
    "waf-rate-and-managed-rules": {"apigw-stage-has-waf"},
    "lambda-code-signing": {"lambda-runs-signed-code"},
}
#: Rules whose subject only prod has (a provisioned global table; the account role).
PROD_CASES = {"dynamodb-provisioned-replicas-after-scaling", "apigw-access-log-role-can-write"}


def test_every_rule_of_the_pack_has_a_bad_case() -> None:
    assert {policy.name for policy in POLICIES} == set(BAD_CASES)


@pytest.mark.parametrize("policy", sorted(BAD_CASES))
def test_a_bad_resource_makes_exactly_its_rule_fire(
    stacks: dict[str, StackRun], policy: str
) -> None:
    # GIVEN a compliant stack (dev, or prod for what only prod has) with one property broken
    resources = BAD_CASES[policy](stacks["prod" if policy in PROD_CASES else "dev"])
    # WHEN the whole pack runs
    fired = {v.policy for v in violations_of(resources)}
    # THEN that rule reports it, and no unrelated rule does
    assert policy in fired
    assert fired <= {policy} | STACK_TWINS.get(policy, set())


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda rules: rules.pop(0), "rate-based rule"),
        (
            lambda rules: rules[0]["statement"]["rateBasedStatement"].update(limit=100),
            "at least 200",
        ),
        (
            lambda rules: rules[0]["statement"]["rateBasedStatement"].update(
                evaluationWindowSec=300
            ),
            "over 60 s",
        ),
        (lambda rules: rules.pop(), "KnownBadInputs"),
        (lambda rules: rules[-1].update(overrideAction={"count": {}}), "only counts"),
    ],
)
def test_the_waf_rule_names_each_missing_protection(
    dev: StackRun, change: Callable[[list[Props]], Any], expected: str
) -> None:
    acl = copy.deepcopy(dev.one("aws:wafv2/webAcl:WebAcl").inputs)
    rules = sorted(acl["rules"], key=lambda r: r["priority"])  # rate rule first: dev has no geo
    rules.insert(0, rules.pop(0))  # RateLimitPerIp first (dev has no geo rule)
    change(rules)
    acl["rules"] = rules
    assert any(expected in message for message in check_web_acl(acl))


def test_iam_allows_a_wildcard_resource_only_for_xray_writes() -> None:
    xray = {"Sid": "T", "Effect": "Allow", "Action": ["xray:PutTraceSegments"], "Resource": "*"}
    table = {"Sid": "D", "Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": ["*"]}
    deny = {"Sid": "N", "Effect": "Deny", "Action": "*", "Resource": "*"}
    assert list(check_iam_statements({"policy": json.dumps({"Statement": [xray, deny]})})) == []
    problems = list(check_iam_statements({"policy": json.dumps({"Statement": [table]})}))
    assert problems == ["statement D allows ['dynamodb:GetItem'] on every resource ('*')"]


def test_secret_detection_spares_references_and_catches_key_material() -> None:
    fine = {
        "TRAVELBOT_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:1:secret:x",
        "LOG_LEVEL": "INFO",
    }
    assert list(check_environment({"environment": {"variables": fine}})) == []
    leaked = {"SETTING": "AKIAABCDEFGHIJKLMNOP", "DB_PASSWORD": "x"}
    problems = list(check_environment({"environment": {"variables": leaked}}))
    assert len(problems) == 2


def test_each_rule_names_what_it_mirrors_and_exemptions_give_reasons() -> None:
    for policy in POLICIES:
        assert any(tag in policy.description for tag in ("cdk-nag", "Checkov", "Own rule"))
    assert any("authorization" in rule for rule in EXEMPTIONS)
    assert any("dead-letter" in rule for rule in EXEMPTIONS)
    assert all(len(reason) > 40 for reason in EXEMPTIONS.values())


def test_the_pack_entry_point_starts_the_analyzer_the_cli_talks_to() -> None:
    # GIVEN the policy directory, run the way the Pulumi CLI runs a Python pack
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "policy" / "__main__.py")],
        cwd=ROOT / "policy",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        # THEN it serves on a loopback port it announces on stdout
        assert process.stdout is not None
        port = int(process.stdout.readline().decode().strip())
        assert 0 < port < 65536
    finally:
        process.terminate()
        process.wait(timeout=30)


# Issue 13: each rule the first deploy needed, shown on the way it used to be declared --------


def test_inline_replicas_on_a_provisioned_table_fire_the_replica_rule(prod: StackRun) -> None:
    # GIVEN prod's provisioned table declared the old way, with its replica inline
    replica = prod.one("aws:dynamodb/tableReplica:TableReplica")
    inline = [{"regionName": "eu-west-1", "kmsKeyArn": replica.inputs["kmsKeyArn"],
               "pointInTimeRecovery": True}]  # fmt: skip
    resources = _mutated(prod, TABLE, "", _set("replicas", inline))
    # WHEN the pack runs  THEN the replica rule names the table
    fired = [v for v in violations_of(resources) if v.policy.startswith("dynamodb-provisioned")]
    assert [v.message.split(":")[0] for v in fired] == [
        "provisioned table declares replicas inline"
    ]


def test_a_get_method_without_a_validator_fires_the_validation_rule(dev: StackRun) -> None:
    # GIVEN GET /health declared without a request validator (as before issue 13 item 11)
    resources = _mutated(
        dev, "aws:apigateway/method:Method", "get-health", _drop("requestValidatorId")
    )
    # THEN the validation rule fires for it
    fired = {(v.policy, v.message) for v in violations_of(resources)}
    assert fired == {("apigw-request-validation", "GET method has no request validator")}


def test_an_acl_without_known_bad_inputs_fires_the_waf_rule(dev: StackRun) -> None:
    # GIVEN the web ACL without AWS's KnownBadInputs group (Log4j and similar, item 10)
    def drop_known_bad_inputs(props: Props) -> None:
        props["rules"] = [r for r in props["rules"] if "KnownBadInputs" not in r["name"]]

    resources = _mutated(dev, "aws:wafv2/webAcl:WebAcl", "", drop_known_bad_inputs)
    # THEN the WAF rule (and its stack twin) name the missing group
    messages = {v.message for v in violations_of(resources)}
    assert (
        "web ACL lacks the AWS managed rule group AWSManagedRulesKnownBadInputsRuleSet" in messages
    )
