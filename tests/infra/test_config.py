"""Stack configuration: declared once in Pulumi.yaml, values only in the stack files, validated
into StackConfig with errors that name the key."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.config import DEFAULTS, SECRET_KEYS, ConfigError, StackConfig, read_stack_file
from tools.mocked_stack import ROOT, run_program

PROJECT = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
STACK_FILES = sorted(ROOT.glob("Pulumi.*.yaml"))


def test_pulumi_yaml_declares_every_key_with_a_description_and_the_programs_default() -> None:
    declared = PROJECT["config"]
    assert set(declared) == set(DEFAULTS) | set(SECRET_KEYS)
    for key, declaration in declared.items():
        assert len(declaration["description"]) > 20, key
        assert "default" in declaration, key
        if key in DEFAULTS:
            assert declaration["default"] == DEFAULTS[key], key


def test_the_project_runs_python_from_the_shared_virtualenv() -> None:
    assert PROJECT["name"] == "travelbot"
    assert PROJECT["runtime"] == {
        "name": "python",
        "options": {"toolchain": "pip", "virtualenv": ".venv"},
    }


@pytest.mark.parametrize("path", STACK_FILES, ids=lambda p: Path(p).name)
def test_stack_files_hold_valid_values_only_for_declared_keys(path: Path) -> None:
    values = yaml.safe_load(path.read_text())["config"]
    ours = {k.split(":", 1)[1]: v for k, v in values.items() if k.startswith("travelbot:")}
    assert set(ours) <= set(DEFAULTS), "undeclared key"
    assert not [k for k, v in values.items() if isinstance(v, dict) and "secure" in v]
    assert all(k.startswith(("travelbot:", "aws:")) for k in values)
    config = StackConfig.from_values(ours, project="travelbot", stack=path.name.split(".")[1])
    assert config.environment == path.name.split(".")[1]
    assert config.primary_region == values["aws:region"]


def test_defaults_alone_make_a_valid_dev_configuration() -> None:
    config = StackConfig.from_values({}, project="travelbot", stack="sandbox")
    assert (config.lambda_memory_mb, config.lambda_timeout_s) == (1024, 15)
    assert config.table_capacity is None
    assert config.regions == ("us-east-1",)


def test_string_values_as_the_cli_passes_them_are_parsed() -> None:
    config = StackConfig.from_values(
        {
            "regions": '["eu-west-1", "us-east-1"]',
            "deletionProtection": "true",
            "lambdaTimeoutSeconds": "20",
            "tableCapacityMode": "provisioned",
        },
        project="travelbot",
        stack="prod",
    )
    assert config.regions == ("eu-west-1", "us-east-1")
    assert config.deletion_protection is True
    assert config.lambda_timeout_s == 20
    assert config.table_capacity is not None
    assert config.table_capacity.target_utilization_percent == 70


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"lambdaTimeoutSeconds": 30}, "travelbot:lambdaTimeoutSeconds"),
        ({"lambdaTimeoutSeconds": "fifteen"}, "travelbot:lambdaTimeoutSeconds"),
        ({"lambdaMemoryMb": 64}, "travelbot:lambdaMemoryMb"),
        ({"regions": []}, "travelbot:regions"),
        ({"regions": ["us-east-1", "us-east-1"]}, "travelbot:regions"),
        ({"regions": ["Mars-1"]}, "travelbot:regions"),
        ({"regions": "us-east-1"}, "travelbot:regions"),
        ({"logRetentionDays": 8}, "travelbot:logRetentionDays"),
        ({"provisionedConcurrency": 100}, "travelbot:provisionedConcurrency"),
        ({"wafRateLimit": 150}, "travelbot:wafRateLimit"),
        ({"customDomain": "chat.example.org"}, "travelbot:hostedZoneId"),
        ({"customDomain": "not a domain"}, "travelbot:customDomain"),
        ({"environment": "qa"}, "travelbot:environment"),
        ({"tableCapacityMode": "reserved"}, "travelbot:tableCapacityMode"),
        (
            {
                "tableCapacityMode": "provisioned",
                "tableReadCapacityMin": 50,
                "tableReadCapacityMax": 5,
            },
            "travelbot:tableReadCapacityMin",
        ),
        ({"geoBlockCountries": ["usa"]}, "travelbot:geoBlockCountries"),
        ({"alarmEmail": "nobody"}, "travelbot:alarmEmail"),
        ({"deletionProtection": "yes"}, "travelbot:deletionProtection"),
        ({"backupSchedule": "daily"}, "travelbot:backupSchedule"),
        ({"logLevel": "TRACE"}, "travelbot:logLevel"),
        ({"lambdaTimeout": 10}, "travelbot:lambdaTimeout"),
        ({"environment": "prod"}, "travelbot:alarmEmail"),  # prod alarms must notify someone
        ({"codeSigningPolicy": "Audit"}, "travelbot:codeSigningPolicy"),
        ({"replayReservedConcurrency": 1}, "travelbot:replayReservedConcurrency"),
        ({"analyticsReservedConcurrency": 0}, "travelbot:analyticsReservedConcurrency"),
        (
            {"dialogflowEnabled": True, "gcpProject": "my-project", "dialogflowAuth": "key"},
            "travelbot:dialogflowAuth",
        ),
        (
            {
                "dialogflowEnabled": True,
                "gcpProject": "my-project",
                "dialogflowTimeZone": "Etc/UTC",
            },
            "travelbot:dialogflowTimeZone",
        ),
        (
            {"azureEnabled": True, "azureLanguageSubdomain": "x" * 56},
            "travelbot:azureLanguageSubdomain",
        ),
    ],
)
def test_a_bad_value_is_rejected_with_an_error_naming_its_key(
    values: dict[str, Any], key: str
) -> None:
    with pytest.raises(ConfigError, match=f"^{key}[ :]"):
        StackConfig.from_values(values, project="travelbot", stack="dev")


def test_the_program_stops_before_declaring_anything_when_the_config_is_bad(
    source_archive: Path,
) -> None:
    with pytest.raises(ConfigError, match="travelbot:lambdaTimeoutSeconds"):
        run_program("dev", {"lambdaTimeoutSeconds": 40})


def test_the_provider_region_must_be_the_first_served_region(source_archive: Path) -> None:
    with pytest.raises(ConfigError, match=r"^aws:region"):
        run_program("dev", {"aws:region": "eu-west-1"})


def test_the_reservations_add_up_to_what_the_region_must_leave_free() -> None:
    config = StackConfig.from_values(
        {"reservedConcurrency": 50, "replayReservedConcurrency": 4},
        project="travelbot",
        stack="dev",
    )
    assert config.concurrency.reserved_total == 50 + 4 + 1


def test_keyless_dialogflow_is_the_default_and_the_key_an_opt_in() -> None:
    base = {"dialogflowEnabled": True, "gcpProject": "my-project"}
    keyless = StackConfig.from_values(base, project="travelbot", stack="dev").dialogflow
    keyed = StackConfig.from_values(
        {**base, "dialogflowAuth": "serviceAccountKey"}, project="travelbot", stack="dev"
    ).dialogflow
    assert keyless is not None and keyless.keyless and keyless.time_zone == "America/New_York"
    assert keyed is not None and not keyed.keyless


def test_only_prod_manages_the_api_gateway_account_and_enforces_code_signing() -> None:
    settings = {}
    for path in STACK_FILES:
        values = yaml.safe_load(path.read_text())["config"]
        ours = {k.split(":", 1)[1]: v for k, v in values.items() if k.startswith("travelbot:")}
        config = StackConfig.from_values(ours, project="travelbot", stack=path.name.split(".")[1])
        settings[config.stack] = (config.manage_api_gateway_account, config.code_signing_policy)
    assert settings == {
        "dev": (False, "Warn"), "staging": (False, "Enforce"), "prod": (True, "Enforce"),
    }  # fmt: skip


@pytest.mark.parametrize("path", STACK_FILES, ids=lambda p: Path(p).name)
def test_a_tool_reads_a_stack_file_as_the_program_reads_its_config(path: Path) -> None:
    # GIVEN a stack file, read by a tool (no Pulumi engine) and as the CLI hands it over
    stack = path.name.split(".")[1]
    from_file = read_stack_file(ROOT, stack)
    values = yaml.safe_load(path.read_text())["config"]
    ours = {k.split(":", 1)[1]: v for k, v in values.items() if k.startswith("travelbot:")}
    # THEN both give the same configuration
    assert from_file == replace(
        StackConfig.from_values(ours, project="travelbot", stack=stack),
        aws_default_tags=values["aws:defaultTags"]["tags"],
    )


def test_a_secure_value_in_a_stack_file_is_left_out(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.x.yaml").write_text(
        "config:\n  aws:region: us-east-1\n  travelbot:openweatherApiKey:\n    secure: AAAB\n"
        "  travelbot:logLevel: DEBUG\n"
    )
    config = read_stack_file(tmp_path, "x")
    assert config.log_level == "DEBUG"
    assert config.secrets == {}
