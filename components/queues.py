"""Encrypted, TLS-only SQS queues (a helper for components, not a component itself)."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from components import iam


def encrypted_queue(
    name: str,
    *,
    region: str,
    kms_key_arn: pulumi.Input[str],
    parent: pulumi.Resource,
    retention_s: int,
    visibility_s: int = 30,
    dead_letter_arn: pulumi.Output[str] | None = None,
    max_receive_count: int = 5,
) -> aws.sqs.Queue:
    """A KMS-encrypted queue whose policy denies requests without TLS, under ``parent``."""
    opts = pulumi.ResourceOptions(parent=parent)
    queue = aws.sqs.Queue(
        name,
        kms_master_key_id=kms_key_arn,
        kms_data_key_reuse_period_seconds=300,
        message_retention_seconds=retention_s,
        visibility_timeout_seconds=visibility_s,
        redrive_policy=(
            dead_letter_arn.apply(
                lambda arn: json.dumps(
                    {"deadLetterTargetArn": arn, "maxReceiveCount": max_receive_count}
                )
            )
            if dead_letter_arn is not None
            else None
        ),
        region=region,
        opts=opts,
    )
    aws.sqs.QueuePolicy(
        f"{name}-policy",
        queue_url=queue.url,
        policy=iam.document([iam.deny_insecure_transport("sqs:*", queue.arn)]),
        region=region,
        opts=opts,
    )
    return queue
