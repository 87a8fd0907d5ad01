"""Component shape (type tokens, parenting, child names) and argument validation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from components import (
    BlueGreenDeployment,
    BlueGreenDeploymentArgs,
    BotSecrets,
    BotSecretsArgs,
    ChatApi,
    ChatApiArgs,
    ChatFunction,
    ChatFunctionArgs,
    CodeSigning,
    CodeSigningArgs,
    ConversationTable,
    ConversationTableArgs,
    CustomDomain,
    CustomDomainArgs,
    EncryptionKey,
    EncryptionKeyArgs,
    FunctionCode,
    LambdaArchive,
    Monitoring,
    MonitoringArgs,
    TableReplica,
    WebFirewall,
    WebFirewallArgs,
    chat_api_definition,
)
from components.chat_api_definition import definition_hash
from tools.mocked_stack import StackRun

ARN = "arn:aws:kms:us-east-1:123456789012:key/k"
ARCHIVE = LambdaArchive(
    path=Path("lambda.zip"),
    source_code_hash="x",
    zipped_bytes=1,
    unzipped_bytes=1,
    has_bytecode=False,
)
CODE = FunctionCode(s3_bucket="artifacts", s3_key="signed/job.zip", code_signing_config_arn="arn:c")
SIGNED_ARCHIVE = LambdaArchive(
    path=Path("lambda.zip"),
    source_code_hash="47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",  # SHA-256 of nothing
    zipped_bytes=1,
    unzipped_bytes=1,
    has_bytecode=False,
)
MINE = {
    "BlueGreenDeployment", "BotSecrets", "ChatApi", "ChatFunction", "CodeSigning",
    "ConversationTable", "CustomDomain", "EncryptionKey", "Monitoring", "RegionalStack",
    "WebFirewall",
}  # fmt: skip


def test_every_resource_belongs_to_a_travelbot_component_and_is_named_after_it(
    dev: StackRun,
) -> None:
    components = {r.urn: r for r in dev.resources if not r.custom}
    assert {c.type.split(":")[-1] for c in components.values()} >= MINE - {"CustomDomain"}
    for component in components.values():
        assert component.type.startswith("travelbot:index:")
    for resource in dev.resources:
        # a provider instance (aws-native, one per region) is configuration, not a cloud resource
        if resource.custom and not resource.type.startswith("pulumi:providers:"):
            parent = components[resource.parent]
            assert resource.name.startswith(f"{parent.name}-"), resource.name


def _function(**overrides: Any) -> ChatFunctionArgs:
    base: dict[str, Any] = {
        "region": "us-east-1", "stage": "dev", "code": CODE, "table_name": "t",
        "table_arn": "arn:t", "secret_arn": "arn:s", "kms_key_arn": ARN,
    }  # fmt: skip
    return ChatFunctionArgs(**{**base, **overrides})


def _signing(**overrides: Any) -> CodeSigningArgs:
    base: dict[str, Any] = {
        "region": "us-east-1", "stage": "dev", "archive": SIGNED_ARCHIVE, "kms_key_arn": ARN,
    }  # fmt: skip
    return CodeSigningArgs(**{**base, **overrides})


CASES: list[tuple[Callable[[], object], str]] = [
    (
        lambda: ChatFunction("f", _function(replay_reserved_concurrency=0)),
        "ChatFunctionArgs.replay_reserved_concurrency",
    ),
    (lambda: CodeSigning("s", _signing(policy="Audit")), "CodeSigningArgs.policy"),
    (
        lambda: CodeSigning("s", _signing(archive=ARCHIVE)),
        "CodeSigningArgs.archive.source_code_hash",
    ),
    (lambda: ChatFunction("f", _function(timeout_s=29)), "ChatFunctionArgs.timeout_s"),
    (lambda: ChatFunction("f", _function(memory_mb=64)), "ChatFunctionArgs.memory_mb"),
    (
        lambda: ChatFunction("f", _function(provisioned_concurrency=100)),
        "ChatFunctionArgs.provisioned_concurrency",
    ),
    (
        lambda: ChatFunction("f", _function(environment={"OPENWEATHER_API_KEY": "k"})),
        "ChatFunctionArgs.environment",
    ),
    (
        lambda: ConversationTable(
            "t",
            ConversationTableArgs(
                region="us-east-1",
                kms_key_arn=ARN,
                replicas=[TableReplica(region="us-east-1", kms_key_arn=ARN)],
            ),
        ),
        "ConversationTableArgs.replicas",
    ),
    (
        lambda: BotSecrets(
            "s", BotSecretsArgs(region="us-east-1", kms_key_arn=ARN, values={"Bad Name": "x"})
        ),
        "BotSecretsArgs.values",
    ),
    (
        lambda: ChatApi(
            "a",
            ChatApiArgs(
                region="us-east-1",
                stage="dev",
                account_id="1",
                function_name="f",
                alias_name="live",
                alias_invoke_arn="arn",
                kms_key_arn=ARN,
                throttle_burst=0,
            ),
        ),
        "ChatApiArgs.throttle_burst",
    ),
    (
        lambda: WebFirewall(
            "w",
            WebFirewallArgs(
                region="us-east-1", stage="dev", stage_arn="arn", kms_key_arn=ARN, rate_limit=100
            ),
        ),
        "WebFirewallArgs.rate_limit",
    ),
    (
        lambda: EncryptionKey(
            "k", EncryptionKeyArgs(region="us-east-1", account_id="1", alias="alias/x")
        ),
        "EncryptionKeyArgs.alias",
    ),
    (
        lambda: Monitoring(
            "m",
            MonitoringArgs(
                region="us-east-1",
                stage="dev",
                account_id="1",
                kms_key_arn=ARN,
                function_name="f",
                alias_name="live",
                function_timeout_s=15,
                api_name="a",
                api_stage_name="v1",
                table_name="t",
                dead_letter_queue_names=[],
                alarm_email="nobody",
            ),
        ),
        "MonitoringArgs.alarm_email",
    ),
    (
        lambda: BlueGreenDeployment(
            "b",
            BlueGreenDeploymentArgs(
                region="us-east-1", stage="dev", function_arn="arn", alarm_names=[], alarm_arns=[]
            ),
        ),
        "BlueGreenDeploymentArgs.alarm_names",
    ),
    (
        lambda: CustomDomain(
            "d",
            CustomDomainArgs(
                region="us-east-1",
                domain="Chat.Example.org",
                hosted_zone_id="Z",
                rest_api_id="a",
                stage_name="v1",
            ),
        ),
        "CustomDomainArgs.domain",
    ),
]


@pytest.mark.parametrize(("build", "field"), CASES, ids=[field for _, field in CASES])
def test_bad_arguments_fail_at_build_time_naming_the_field(
    build: Callable[[], object], field: str
) -> None:
    # Validation runs before the component registers: nothing half-built is left behind.
    with pytest.raises(ValueError, match=field.replace(".", r"\.")):
        build()


def test_a_changed_api_contract_triggers_a_new_deployment(
    dev: StackRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the deployment the program declared, keyed on the API definition's hash
    deployment = dev.one("aws:apigateway/deployment:Deployment")
    assert deployment.inputs["triggers"] == {"definition": definition_hash()}
    # WHEN the chat schema changes
    schema = {**chat_api_definition.CHAT_REQUEST_SCHEMA, "maxProperties": 2}
    monkeypatch.setattr(chat_api_definition, "CHAT_REQUEST_SCHEMA", schema)
    # THEN the trigger changes, so Pulumi replaces the deployment
    assert definition_hash() != deployment.inputs["triggers"]["definition"]
