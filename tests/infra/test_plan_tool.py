"""``python -m tools.plan <stack>``: the mocked stack as a table and the outputs CI reads.

Runs the command as a reviewer would (a subprocess from the repository root, no credentials,
no prebuilt package) and reads what it prints: the resource table by type and placement, the
policy pack's verdict and the stack outputs as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

import pytest

from components.packaging import PREBUILT_ENV
from policy.pack import POLICIES
from tools.mocked_stack import ROOT
from tools.plan import parse_overrides

OUTPUTS_MARKER = "Stack outputs (pulumi stack output --json"


@dataclass
class Plan:
    """What one run of the command printed."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def columns(self) -> list[str]:
        header = next(line for line in self.stdout.splitlines() if line.startswith("resource type"))
        return header.split()[2:-1]  # without "resource type" and "total"

    @property
    def rows(self) -> dict[str, dict[str, int]]:
        """resource type -> placement -> count (a '.' is zero), plus the 'total' row."""
        rows = {}
        for line in self.stdout.splitlines():
            cells = line.split()
            if (len(cells) == len(self.columns) + 2 and ":" in cells[0]) or cells[:1] == ["total"]:
                counts = [0 if c == "." else int(c) for c in cells[1:]]
                rows[cells[0]] = dict(zip([*self.columns, "total"], counts, strict=True))
        return rows

    @property
    def outputs(self) -> dict[str, Any]:
        text = self.stdout.split(OUTPUTS_MARKER, 1)[1].split("\n", 1)[1]
        outputs: dict[str, Any] = json.loads(text)
        return outputs


def plan(*args: str) -> Plan:
    env = {k: v for k, v in os.environ.items() if k != PREBUILT_ENV}
    done = subprocess.run(
        [sys.executable, "-m", "tools.plan", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    return Plan(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def prod_plan() -> Plan:
    return plan("prod")


def test_prod_is_planned_without_credentials_and_passes_the_policy_pack(prod_plan: Plan) -> None:
    assert prod_plan.returncode == 0, prod_plan.stderr
    assert "no credentials" in prod_plan.stdout
    assert f"Policy pack: {len(POLICIES)} mandatory policies, 0 violations" in prod_plan.stdout
    assert "Traceback" not in prod_plan.stderr


def test_the_table_has_a_column_per_region_then_global_and_the_other_clouds(
    prod_plan: Plan,
) -> None:
    assert prod_plan.columns == [
        "us-east-1", "eu-west-1", "aws:global", "gcp:global", "azure:westeurope",
    ]  # fmt: skip


def test_the_table_counts_each_type_per_region(prod_plan: Plan) -> None:
    rows = prod_plan.rows
    both = {"us-east-1": 1, "eu-west-1": 1, "aws:global": 0, "gcp:global": 0}
    for type_ in (
        "aws-native:lex:Bot", "aws-native:lex:BotAlias", "aws:wafv2/webAcl:WebAcl",
        "aws:apigateway/domainName:DomainName", "aws:acm/certificate:Certificate",
    ):  # fmt: skip
        assert rows[type_] == {**both, "azure:westeurope": 0, "total": 2}, type_
    assert rows["aws:lambda/function:Function"]["eu-west-1"] == 3
    assert rows["aws:dynamodb/table:Table"] == {
        "us-east-1": 1, "eu-west-1": 0, "aws:global": 0, "gcp:global": 0,
        "azure:westeurope": 0, "total": 1,
    }  # fmt: skip
    assert rows["aws:route53/healthCheck:HealthCheck"]["aws:global"] == 2
    assert rows["gcp:diagflow/agent:Agent"]["gcp:global"] == 1
    assert rows["pulumi-python:dynamic/travelbot:DialogflowContent"]["gcp:global"] == 1
    assert rows["azure-native:cognitiveservices:Account"]["azure:westeurope"] == 1
    # AND the total row adds up the rows
    total = rows.pop("total")
    assert total["total"] == sum(row["total"] for row in rows.values())
    assert total["eu-west-1"] == sum(row["eu-west-1"] for row in rows.values())


def test_the_outputs_are_what_ci_reads_for_every_region_and_cloud(prod_plan: Plan) -> None:
    outputs = prod_plan.outputs
    assert outputs["regions"] == ["us-east-1", "eu-west-1"]
    assert outputs["customDomainUrl"] == "https://chat.travelbot.example.com/"
    assert outputs["dialogflowProjectId"] == "travelbot-prod"
    assert outputs["azureLanguageEndpoint"].endswith(".cognitiveservices.azure.com/")
    for region in ("us-east-1", "eu-west-1"):
        regional = outputs["regional"][region]
        assert f".execute-api.{region}.amazonaws.com/" in regional["apiUrl"]
        assert regional["lexBotId"] and regional["lexBotAliasId"]
        assert regional["codeDeployDeploymentGroup"] == "travelbot-prod-chat"
    assert outputs["apiUrl"] == outputs["regional"]["us-east-1"]["apiUrl"]
    # AND nothing secret is among them
    assert "openweather" not in json.dumps(outputs).lower()


def test_a_cloud_switched_off_on_the_command_line_disappears_from_table_and_outputs() -> None:
    result = plan("dev", "--set", "lexEnabled=false")
    assert result.returncode == 0, result.stderr
    assert result.columns == ["us-east-1", "aws:global"]
    assert not [t for t in result.rows if t.startswith("aws-native:")]
    assert "lexBotId" not in result.outputs


def test_an_invalid_setting_fails_with_the_key_named_and_status_2() -> None:
    result = plan("prod", "--set", "gcpProject=")
    assert result.returncode == 2
    assert "travelbot:gcpProject is required when dialogflowEnabled is true" in result.stderr
    assert OUTPUTS_MARKER not in result.stdout


def test_set_values_parse_as_json_when_they_can_and_stay_text_otherwise() -> None:
    assert parse_overrides(["lexEnabled=false", 'regions=["eu-west-1"]', "gcpProject=p-1"]) == {
        "lexEnabled": False,
        "regions": ["eu-west-1"],
        "gcpProject": "p-1",
    }
    with pytest.raises(ValueError, match="key=value"):
        parse_overrides(["lexEnabled"])
