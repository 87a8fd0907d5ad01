"""Monitoring: alarms with actions, an encrypted TLS-only SNS topic and the dashboard.

Alarms: Lambda errors > 10 over 2 periods (the seed), errors on the ``live`` alias (the
canary's rollback trigger), duration p99 above 80 % of the timeout (the seed's 25 s exceeds
our 15 s timeout), throttles, API 5XX and 4XX rates, API latency p90, DynamoDB throttles and
system errors, the NLU fallback rate (``NluFallback / Turns``), the share of turns the patience
answered (``AnsweredByPatience / Turns`` over 5 minutes: the clouds are effectively down) and
messages in either dead-letter queue (metric names from :mod:`runtime.contract`). Every alarm
notifies the topic on ALARM and OK.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components import iam
from components.dashboard import dashboard_body
from runtime.contract import METRIC_NAMESPACE, SERVICE_NAME, Dimension, Metric

#: The alarms that stop a canary deployment and roll it back.
ROLLBACK_ALARMS = ("lambda-errors", "live-errors", "lambda-duration-p99", "api-5xx-rate")
TABLE_OPERATIONS = ("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "BatchWriteItem")


@dataclass(frozen=True, kw_only=True)
class MonitoringArgs:
    """Arguments of :class:`Monitoring`."""

    region: str
    stage: str
    account_id: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    function_name: pulumi.Input[str]
    alias_name: pulumi.Input[str]
    function_timeout_s: int
    api_name: pulumi.Input[str]
    api_stage_name: pulumi.Input[str]
    table_name: pulumi.Input[str]
    dead_letter_queue_names: Sequence[pulumi.Input[str]]
    web_acl_name: pulumi.Input[str] | None = None
    alarm_email: str = ""
    fallback_rate_percent: int = 30
    patience_share_percent: int = 20
    latency_p90_ms: int = 3000
    rate_5xx_percent: int = 1
    rate_4xx_percent: int = 10


@dataclass(frozen=True)
class _Alarm:
    role: str
    description: str
    threshold: float
    comparison: str = "GreaterThanThreshold"
    evaluation_periods: int = 1
    metric: Mapping[str, Any] | None = None  # namespace, metric_name, dimensions, stat
    queries: Sequence[aws.cloudwatch.MetricAlarmMetricQueryArgs] | None = None
    period: int = 60


class Monitoring(pulumi.ComponentResource):
    """The alarm topic, the alarms and the CloudWatch dashboard of one region."""

    topic: aws.sns.Topic
    topic_arn: pulumi.Output[str]
    alarms: dict[str, aws.cloudwatch.MetricAlarm]
    rollback_alarm_names: list[pulumi.Output[str]]
    rollback_alarm_arns: list[pulumi.Output[str]]
    dashboard_name: pulumi.Output[str]
    dashboard_url: pulumi.Output[str]

    def __init__(
        self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        _validate(args)
        super().__init__("travelbot:index:Monitoring", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.topic = aws.sns.Topic(
            f"{name}-alarms",
            display_name=f"travelbot {args.stage} alarms",
            kms_master_key_id=args.kms_key_arn,
            region=args.region,
            opts=child,
        )
        aws.sns.TopicPolicy(
            f"{name}-alarms-policy",
            arn=self.topic.arn,
            policy=_topic_policy(self.topic.arn, args.account_id),
            region=args.region,
            opts=child,
        )
        if args.alarm_email:
            aws.sns.TopicSubscription(
                f"{name}-alarms-email",
                topic=self.topic.arn,
                protocol="email",
                endpoint=args.alarm_email,
                region=args.region,
                opts=child,
            )
        self.alarms = {}
        for alarm in _alarms(args):
            self.alarms[alarm.role] = self._alarm(name, args, alarm)
        rollback = [self.alarms[role] for role in ROLLBACK_ALARMS]
        self.rollback_alarm_names = [alarm.name for alarm in rollback]
        self.rollback_alarm_arns = [alarm.arn for alarm in rollback]
        dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=f"travelbot-{args.stage}-{args.region}",
            dashboard_body=pulumi.Output.json_dumps(
                dashboard_body(
                    region=args.region,
                    function_name=args.function_name,
                    api_name=args.api_name,
                    api_stage_name=args.api_stage_name,
                    table_name=args.table_name,
                    web_acl_name=args.web_acl_name,
                )
            ),
            region=args.region,
            opts=child,
        )
        self.topic_arn = self.topic.arn
        self.dashboard_name = dashboard.dashboard_name
        self.dashboard_url = dashboard.dashboard_name.apply(
            lambda n: (
                f"https://{args.region}.console.aws.amazon.com/cloudwatch/home"
                f"?region={args.region}#dashboards:name={n}"
            )
        )
        self.register_outputs({"topicArn": self.topic_arn, "dashboardUrl": self.dashboard_url})

    def _alarm(self, name: str, args: MonitoringArgs, alarm: _Alarm) -> aws.cloudwatch.MetricAlarm:
        metric = dict(alarm.metric or {})
        stat = metric.pop("stat", None)
        extended = stat if isinstance(stat, str) and stat.startswith("p") else None
        return aws.cloudwatch.MetricAlarm(
            f"{name}-{alarm.role}",
            alarm_description=alarm.description,
            comparison_operator=alarm.comparison,
            threshold=alarm.threshold,
            evaluation_periods=alarm.evaluation_periods,
            period=alarm.period if alarm.metric else None,
            statistic=stat if stat and not extended else None,
            extended_statistic=extended,
            metric_queries=alarm.queries,
            treat_missing_data="notBreaching",
            actions_enabled=True,
            alarm_actions=[self.topic.arn],
            ok_actions=[self.topic.arn],
            region=args.region,
            opts=pulumi.ResourceOptions(parent=self),
            **metric,
        )


def _metric(
    namespace: str, metric_name: str, dimensions: Mapping[str, pulumi.Input[str]], stat: str
) -> dict[str, Any]:
    return {
        "namespace": namespace,
        "metric_name": metric_name,
        "dimensions": dict(dimensions),
        "stat": stat,
    }


def _query(
    query_id: str,
    namespace: str,
    metric_name: str,
    dimensions: Mapping[str, pulumi.Input[str]],
    stat: str,
    period: int = 300,
) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
    return aws.cloudwatch.MetricAlarmMetricQueryArgs(
        id=query_id,
        return_data=False,
        metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
            namespace=namespace,
            metric_name=metric_name,
            dimensions=dict(dimensions),
            stat=stat,
            period=period,
        ),
    )


def _expression(expression: str, label: str) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
    return aws.cloudwatch.MetricAlarmMetricQueryArgs(
        id="result", expression=expression, label=label, return_data=True
    )


def _alarms(args: MonitoringArgs) -> list[_Alarm]:
    fn = {"FunctionName": args.function_name}
    live = {
        "FunctionName": args.function_name,
        "Resource": pulumi.Output.concat(args.function_name, ":", args.alias_name),
    }
    api = {"ApiName": args.api_name, "Stage": args.api_stage_name}
    table = {"TableName": args.table_name}
    service = {str(Dimension.SERVICE): SERVICE_NAME}
    alarms = [
        _Alarm("lambda-errors", "Chat function errors > 10 in 2 consecutive minutes", 10,
               evaluation_periods=2, metric=_metric("AWS/Lambda", "Errors", fn, "Sum")),
        _Alarm("live-errors", "Errors on the live alias (rolls back a canary)", 2,
               metric=_metric("AWS/Lambda", "Errors", live, "Sum")),
        _Alarm("lambda-duration-p99", "Chat duration p99 above 80% of the timeout",
               0.8 * args.function_timeout_s * 1000, evaluation_periods=3,
               metric=_metric("AWS/Lambda", "Duration", fn, "p99")),
        _Alarm("lambda-throttles", "Chat function throttled", 0, period=300,
               metric=_metric("AWS/Lambda", "Throttles", fn, "Sum")),
        _Alarm("api-5xx-rate", f"API 5XX rate above {args.rate_5xx_percent}%",
               args.rate_5xx_percent / 100, evaluation_periods=3,
               metric=_metric("AWS/ApiGateway", "5XXError", api, "Average")),
        _Alarm("api-4xx-rate", f"API 4XX rate above {args.rate_4xx_percent}%",
               args.rate_4xx_percent / 100, evaluation_periods=5, period=300,
               metric=_metric("AWS/ApiGateway", "4XXError", api, "Average")),
        _Alarm("api-latency-p90", f"API latency p90 above {args.latency_p90_ms} ms",
               args.latency_p90_ms, evaluation_periods=5,
               metric=_metric("AWS/ApiGateway", "Latency", api, "p90")),
        _Alarm("table-throttles", "DynamoDB read or write throttle events", 0,
               queries=[
                   _query("reads", "AWS/DynamoDB", "ReadThrottleEvents", table, "Sum"),
                   _query("writes", "AWS/DynamoDB", "WriteThrottleEvents", table, "Sum"),
                   _expression("reads + writes", "Throttle events"),
               ]),
        _Alarm("table-system-errors", "DynamoDB system errors", 0,
               queries=[
                   *(_query(f"op{i}", "AWS/DynamoDB", "SystemErrors",
                            {**table, "Operation": op}, "Sum")
                     for i, op in enumerate(TABLE_OPERATIONS)),
                   _expression(" + ".join(f"op{i}" for i in range(len(TABLE_OPERATIONS))),
                               "System errors"),
               ]),
        _Alarm("nlu-fallback-rate", f"NLU fallback rate above {args.fallback_rate_percent}%",
               args.fallback_rate_percent, evaluation_periods=3,
               queries=[
                   _query("fallback", METRIC_NAMESPACE, Metric.NLU_FALLBACK, service, "Sum"),
                   _query("turns", METRIC_NAMESPACE, Metric.TURNS, service, "Sum"),
                   _expression("IF(turns > 0, 100 * fallback / turns, 0)", "Fallback %"),
               ]),
    ]  # fmt: skip
    alarms.append(_patience_alarm(args.patience_share_percent))
    for index, queue in enumerate(args.dead_letter_queue_names):
        alarms.append(
            _Alarm(
                f"dead-letters-{index}",
                "Messages waiting in a dead-letter queue",
                0,
                period=300,
                metric=_metric(
                    "AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": queue}, "Maximum"
                ),
            )
        )
    return alarms


def _patience_alarm(share_percent: int) -> _Alarm:
    """More than ``share_percent`` % of the turns in 5 minutes answered by the patience."""
    service = {str(Dimension.SERVICE): SERVICE_NAME}
    return _Alarm(
        "nlu-patience-share",
        f"More than {share_percent}% of turns in 5 minutes answered by the embedded NLU "
        "because no cloud answered within the patience: the clouds are effectively down",
        share_percent,
        queries=[
            _query("patience", METRIC_NAMESPACE, Metric.ANSWERED_BY_PATIENCE, service, "Sum"),
            _query("turns", METRIC_NAMESPACE, Metric.TURNS, service, "Sum"),
            _expression("IF(turns > 0, 100 * patience / turns, 0)", "Answered by patience %"),
        ],
    )


def _topic_policy(
    topic_arn: pulumi.Output[str], account_id: pulumi.Input[str]
) -> pulumi.Output[str]:
    return pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "CloudWatchAlarmsPublish",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudwatch.amazonaws.com"},
                    "Action": "sns:Publish",
                    "Resource": topic_arn,
                    "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
                },
                iam.deny_insecure_transport("sns:Publish", topic_arn),
            ],
        }
    )


def _validate(args: MonitoringArgs) -> None:
    if not 1 <= args.function_timeout_s <= 900:
        raise ValueError("MonitoringArgs.function_timeout_s must be 1..900")
    if not 1 <= args.fallback_rate_percent <= 100:
        raise ValueError("MonitoringArgs.fallback_rate_percent must be 1..100")
    if not 1 <= args.patience_share_percent <= 100:
        raise ValueError("MonitoringArgs.patience_share_percent must be 1..100")
    if args.alarm_email and "@" not in args.alarm_email:
        raise ValueError(f"MonitoringArgs.alarm_email is not an address: {args.alarm_email!r}")
    if args.latency_p90_ms < 1:
        raise ValueError("MonitoringArgs.latency_p90_ms must be positive")
