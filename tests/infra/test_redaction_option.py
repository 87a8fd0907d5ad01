"""``redactStoredPii``: the stack option reaches the chat function as a variable and, for
Comprehend, as the one permission it needs; the default changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components import ChatFunction, ChatFunctionArgs
from components.code_signing import FunctionCode
from components.config import DEFAULTS, ConfigError, StackConfig
from policy.rules_ops import NO_RESOURCE_LEVEL_ACTIONS
from runtime.contract import ENV
from tools.mocked_stack import MockedResource, StackRun, run_program

FUNCTION = "aws:lambda/function:Function"


def role_statements(run: StackRun, function: MockedResource) -> list[dict[str, Any]]:
    role = next(
        r for r in run.of_type("aws:iam/role:Role") if r.outputs["arn"] == function.inputs["role"]
    )
    policy = next(
        p
        for p in run.of_type("aws:iam/rolePolicy:RolePolicy")
        if p.inputs["role"] == role.outputs["name"]
    )
    statements: list[dict[str, Any]] = json.loads(policy.inputs["policy"])["Statement"]
    return statements


def test_by_default_turns_are_stored_as_said_and_no_comprehend_permission_exists(
    dev: StackRun,
) -> None:
    assert DEFAULTS["redactStoredPii"] == "off"
    for function in dev.of_type(FUNCTION):
        assert ENV["redact_stored_pii"] not in function.inputs["environment"]["variables"]
        actions = {a for s in role_statements(dev, function) for a in s["Action"]}
        assert not any(action.startswith("comprehend:") for action in actions)


def test_comprehend_redaction_sets_the_variable_and_grants_only_detect_pii_to_the_chat_role(
    source_archive: object,
) -> None:
    # GIVEN a stack that asks for Comprehend redaction of stored turns
    run = run_program("dev", {"redactStoredPii": "comprehend"})

    # THEN the chat function is told so and may call DetectPiiEntities (which takes no
    # resource ARN: "*" is the documented exception the policy pack allows for it) ...
    chat = run.one(FUNCTION, "chat-function", region="us-east-1")
    assert chat.inputs["environment"]["variables"][ENV["redact_stored_pii"]] == "comprehend"
    (granted,) = [s for s in role_statements(run, chat) if s["Sid"] == "RedactStoredTurns"]
    assert granted["Action"] == ["comprehend:DetectPiiEntities"] and granted["Resource"] == ["*"]
    assert "comprehend:DetectPiiEntities" in NO_RESOURCE_LEVEL_ACTIONS
    # ... and no other function gets the permission (replayed turns were redacted before)
    for function in run.of_type(FUNCTION):
        if function is not chat:
            actions = {a for s in role_statements(run, function) for a in s["Action"]}
            assert "comprehend:DetectPiiEntities" not in actions


def test_an_unknown_mode_is_refused_naming_the_key_and_the_field() -> None:
    with pytest.raises(ConfigError, match=r"^travelbot:redactStoredPii"):
        StackConfig.from_values({"redactStoredPii": "maybe"}, project="travelbot", stack="dev")
    code = FunctionCode(
        s3_bucket="artifacts", s3_key="lambda.zip", code_signing_config_arn="arn:csc"
    )
    args = ChatFunctionArgs(
        region="us-east-1",
        stage="dev",
        code=code,
        table_name="t",
        table_arn="arn:t",
        secret_arn="arn:s",
        kms_key_arn="arn:k",
        redact_stored_pii="maybe",
    )
    with pytest.raises(ValueError, match=r"ChatFunctionArgs\.redact_stored_pii"):
        ChatFunction("f", args)
