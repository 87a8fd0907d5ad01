"""The patience's alarm and dashboard widget (issue 16).

When more than a configured share of the turns in 5 minutes is answered by the embedded NLU
because no cloud answered within the patience, the clouds are effectively down: an alarm says so,
and the dashboard shows the share. The metric names come from ``runtime.contract``, the one place
the runtime publishes them from.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from components import Monitoring, MonitoringArgs
from components.config import ConfigError, StackConfig
from runtime.contract import METRIC_NAMESPACE, SERVICE_NAME, Metric
from tools.mocked_stack import StackRun, run_program

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
ROLE = "nlu-patience-share"


def patience_alarm(run: StackRun, region: str = "us-east-1") -> dict[str, Any]:
    return run.one(ALARM, f"monitoring-{region}-{ROLE}").inputs


def test_the_alarm_watches_the_share_of_turns_the_patience_answered_over_5_minutes(
    dev: StackRun,
) -> None:
    # GIVEN the dev stack's alarm
    alarm = patience_alarm(dev)

    # THEN it divides two sums of the runtime's per-turn metrics over one 5-minute period
    queries = {query["id"]: query for query in alarm["metricQueries"]}
    assert set(queries) == {"patience", "turns", "result"}
    for query_id, metric in (("patience", Metric.ANSWERED_BY_PATIENCE), ("turns", Metric.TURNS)):
        watched = queries[query_id]["metric"]
        assert watched["metricName"] == metric
        assert watched["namespace"] == METRIC_NAMESPACE
        assert watched["dimensions"] == {"service": SERVICE_NAME}
        assert (watched["stat"], watched["period"]) == ("Sum", 300)
        assert queries[query_id]["returnData"] is False
    assert queries["result"]["expression"] == "IF(turns > 0, 100 * patience / turns, 0)"
    assert queries["result"]["returnData"] is True
    # AND it fires when more than the default 20 % were answered that way, in one period
    assert (alarm["comparisonOperator"], alarm["threshold"]) == ("GreaterThanThreshold", 20)
    assert alarm["evaluationPeriods"] == 1
    assert alarm["treatMissingData"] == "notBreaching"
    topic = dev.one("aws:sns/topic:Topic").outputs["arn"]
    assert alarm["alarmActions"] == alarm["okActions"] == [topic]


def test_every_region_of_prod_has_its_own_patience_alarm(prod: StackRun) -> None:
    regions = json.loads(prod.config["travelbot:regions"])
    assert len(regions) > 1
    for region in regions:
        assert patience_alarm(prod, region)["threshold"] == 20


def test_the_share_is_stack_config_and_reaches_the_alarm(source_archive: Path) -> None:
    # GIVEN a stack that tolerates 5 % of turns answered at the patience
    run = run_program("dev", {"alarmPatienceSharePercent": 5})

    # THEN its alarm fires above 5 %, and the description says so
    alarm = patience_alarm(run)
    assert alarm["threshold"] == 5
    assert "More than 5% of turns in 5 minutes" in alarm["alarmDescription"]


@pytest.mark.parametrize("value", [0, 101, "most"])
def test_a_share_that_is_not_a_percentage_is_refused_naming_the_key(value: object) -> None:
    with pytest.raises(ConfigError, match="travelbot:alarmPatienceSharePercent"):
        StackConfig.from_values(
            {"alarmPatienceSharePercent": value}, project="travelbot", stack="dev"
        )


def test_the_component_refuses_a_share_outside_1_to_100_naming_the_field() -> None:
    with pytest.raises(ValueError, match=r"MonitoringArgs\.patience_share_percent"):
        Monitoring(
            "m",
            MonitoringArgs(
                region="us-east-1",
                stage="dev",
                account_id="1",
                kms_key_arn="arn:aws:kms:us-east-1:123456789012:key/k",
                function_name="f",
                alias_name="live",
                function_timeout_s=15,
                api_name="a",
                api_stage_name="v1",
                table_name="t",
                dead_letter_queue_names=[],
                patience_share_percent=0,
            ),
        )


def test_the_dashboard_shows_the_share_the_alarm_watches(dev: StackRun) -> None:
    # GIVEN the dev dashboard
    body = json.loads(dev.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"])

    # THEN one widget plots AnsweredByPatience / Turns as a percentage, the two sums hidden
    [widget] = [
        w for w in body["widgets"] if w["properties"]["title"].startswith("Turns answered by the")
    ]
    expression, patience, turns = widget["properties"]["metrics"]
    assert expression[0]["expression"] == "IF(t > 0, 100 * p / t, 0)"
    assert patience == [
        METRIC_NAMESPACE,
        Metric.ANSWERED_BY_PATIENCE,
        "service",
        SERVICE_NAME,
        {"id": "p", "visible": False},
    ]
    assert turns == [METRIC_NAMESPACE, Metric.TURNS, "service", SERVICE_NAME,
                     {"id": "t", "visible": False}]  # fmt: skip
    assert (widget["properties"]["stat"], widget["properties"]["period"]) == ("Sum", 300)


def test_the_patience_bounds_reach_the_chat_function_when_a_cloud_nlu_is_on(
    dev: StackRun,
) -> None:
    # GIVEN dev, where Lex is on: the function gets the stack's patience floor and ceiling
    function = next(
        f
        for f in dev.of_type("aws:lambda/function:Function")
        if f.inputs["handler"] == "runtime.api.handler.lambda_handler"
    )
    variables = function.inputs["environment"]["variables"]
    assert variables["TRAVELBOT_PATIENCE_FLOOR_MS"] == "500"
    assert variables["TRAVELBOT_PATIENCE_CEILING_MS"] == "1200"


def test_a_patience_floor_above_its_ceiling_is_refused_naming_the_key() -> None:
    with pytest.raises(ConfigError, match=r"^travelbot:patienceFloorMs"):
        StackConfig.from_values(
            {"patienceFloorMs": 2000, "patienceCeilingMs": 1000}, project="travelbot", stack="dev"
        )
