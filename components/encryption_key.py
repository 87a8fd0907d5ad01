"""EncryptionKey: the stack's customer-managed KMS key in one region (rotation on)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.arns import partition_of


@dataclass(frozen=True, kw_only=True)
class EncryptionKeyArgs:
    """Arguments of :class:`EncryptionKey`."""

    region: str
    account_id: pulumi.Input[str]
    alias: str  # without the ``alias/`` prefix
    deletion_window_days: int = 30


class EncryptionKey(pulumi.ComponentResource):
    """One symmetric KMS key per region, used by the table, the secret, logs, SNS and SQS.

    The key policy keeps the account root's administration (the AWS default statement that
    delegates to IAM; in a key policy ``Resource: *`` means "this key") and lets the two
    services that encrypt with their own principal use it: CloudWatch Logs for this region's
    log groups and CloudWatch alarms publishing to the encrypted SNS topic.
    """

    key: aws.kms.Key
    arn: pulumi.Output[str]
    key_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: EncryptionKeyArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        if not 7 <= args.deletion_window_days <= 30:
            raise ValueError(
                f"EncryptionKeyArgs.deletion_window_days must be 7..30, "
                f"got {args.deletion_window_days}"
            )
        if not args.alias or args.alias.startswith("alias/"):
            raise ValueError("EncryptionKeyArgs.alias must be non-empty, without 'alias/'")
        super().__init__("travelbot:index:EncryptionKey", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        partition = partition_of(args.region)
        region = args.region
        policy = pulumi.Output.from_input(args.account_id).apply(
            lambda account: _key_policy(partition, region, account)
        )
        self.key = aws.kms.Key(
            f"{name}-key",
            description=f"travelbot data key ({args.alias})",
            enable_key_rotation=True,
            rotation_period_in_days=365,
            deletion_window_in_days=args.deletion_window_days,
            policy=policy,
            region=args.region,
            opts=child,
        )
        aws.kms.Alias(
            f"{name}-alias",
            name=f"alias/{args.alias}",
            target_key_id=self.key.key_id,
            region=args.region,
            opts=child,
        )
        self.arn = self.key.arn
        self.key_id = self.key.key_id
        self.register_outputs({"arn": self.arn, "keyId": self.key_id})


def _key_policy(partition: str, region: str, account: str) -> str:
    crypto = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*"]
    statements = [
        {
            "Sid": "AccountAdministersKeyThroughIam",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "CloudWatchLogsOfThisAccount",
            "Effect": "Allow",
            "Principal": {"Service": f"logs.{region}.amazonaws.com"},
            "Action": [*crypto, "kms:Describe*"],
            "Resource": "*",
            "Condition": {
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": (
                        f"arn:{partition}:logs:{region}:{account}:log-group:*"
                    )
                }
            },
        },
        {
            "Sid": "CloudWatchAlarmsPublishToEncryptedTopic",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": account}},
        },
    ]
    return json.dumps({"Version": "2012-10-17", "Statement": statements})
