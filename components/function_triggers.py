"""What starts the background functions: the spool queue and the daily schedule (helpers for
:class:`components.chat_function.ChatFunction`, not components themselves)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

#: Replays in flight at most: the spool drains slowly rather than competing with chat traffic.
REPLAY_MAX_CONCURRENCY = 2


def replay_source(
    name: str,
    *,
    region: str,
    queue_arn: pulumi.Input[str],
    function_arn: pulumi.Input[str],
    batch_size: int,
    parent: pulumi.Resource,
) -> aws.lambda_.EventSourceMapping:
    """The SQS event source of the replay function, reporting per-message failures."""
    return aws.lambda_.EventSourceMapping(
        name,
        event_source_arn=queue_arn,
        function_name=function_arn,
        batch_size=batch_size,
        maximum_batching_window_in_seconds=5,
        function_response_types=["ReportBatchItemFailures"],
        scaling_config=aws.lambda_.EventSourceMappingScalingConfigArgs(
            maximum_concurrency=REPLAY_MAX_CONCURRENCY
        ),
        region=region,
        opts=pulumi.ResourceOptions(parent=parent),
    )


def daily_schedule(
    name: str,
    *,
    region: str,
    expression: str,
    function: aws.lambda_.Function,
    parent: pulumi.Resource,
) -> aws.cloudwatch.EventRule:
    """An EventBridge rule that invokes ``function`` on ``expression``, with retries."""
    child = pulumi.ResourceOptions(parent=parent)
    rule = aws.cloudwatch.EventRule(
        f"{name}-schedule",
        description="Daily business metrics (sessions, messages, conversion, fallback)",
        schedule_expression=expression,
        region=region,
        opts=child,
    )
    aws.lambda_.Permission(
        f"{name}-invoke",
        action="lambda:InvokeFunction",
        function=function.name,
        principal="events.amazonaws.com",
        source_arn=rule.arn,
        region=region,
        opts=child,
    )
    aws.cloudwatch.EventTarget(
        f"{name}-target",
        rule=rule.name,
        arn=function.arn,
        retry_policy=aws.cloudwatch.EventTargetRetryPolicyArgs(
            maximum_retry_attempts=2, maximum_event_age_in_seconds=3600
        ),
        region=region,
        opts=child,
    )
    return rule
