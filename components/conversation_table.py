"""ConversationTable: the one DynamoDB table (turns, session state, links, rate-limit buckets).

Data model (the runtime's store follows it): partition key ``sessionId`` (S), sort key ``sk``
(S; ``turn#<13-digit ms>#<rand>``, ``state``, links); rate-limit buckets under partition keys
``ratelimit#<ip>`` and links under ``link#<id>`` in the same table, so one TTL attribute
``ttl`` (epoch seconds; TTL is a table setting, not an index) expires all of them. The
``AnalyticsIndex`` GSI (``date`` S, ``timestamp`` N, projection ALL) feeds the daily job.

**Replicas (a global table, version 2019.11.21).** On demand, the replicas are part of the table
resource, as DynamoDB accepts them in one request. With provisioned capacity DynamoDB refuses a
replica until the table's write capacity is auto-scaled ("Table write capacity should either be
Pay-Per-Request or AutoScaled"), and a table created together with its replicas would be left
half-built on every run (terraform-provider-aws #13097, #38401). So a provisioned table is
created alone, its read and write auto-scaling (table and index) next, and only then each
replica as its own ``aws.dynamodb.TableReplica`` that ``depends_on`` the write scaling policies;
each replica region then gets its own auto-scaling, after its replica exists. The table ignores
changes to ``replicas`` in that mode (the separate resources own them). Single-region stacks keep
reserved (provisioned) capacity available either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components import iam
from components.arns import in_region
from components.config import TableCapacity

ANALYTICS_INDEX = "AnalyticsIndex"
TTL_ATTRIBUTE = "ttl"


@dataclass(frozen=True, kw_only=True)
class TableReplica:
    """A global-table replica: its region and that region's KMS key."""

    region: str
    kms_key_arn: pulumi.Input[str]


@dataclass(frozen=True, kw_only=True)
class ConversationTableArgs:
    """Arguments of :class:`ConversationTable`."""

    region: str
    kms_key_arn: pulumi.Input[str]
    capacity: TableCapacity | None = None  # None: on-demand
    replicas: Sequence[TableReplica] = field(default_factory=tuple)
    deletion_protection: bool = False
    backup_schedule: str = "cron(0 3 * * ? *)"
    backup_retention_days: int = 35


class ConversationTable(pulumi.ComponentResource):
    """The table with PITR, TTL, CMK encryption, the analytics GSI and a daily AWS Backup."""

    table: aws.dynamodb.Table
    replicas: list[aws.dynamodb.TableReplica]
    name: pulumi.Output[str]
    arn: pulumi.Output[str]
    backup_vault_name: pulumi.Output[str]
    backup_plan_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: ConversationTableArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        _validate(args)
        super().__init__("travelbot:index:ConversationTable", name, None, opts)
        self._primary = args.region
        child = pulumi.ResourceOptions(parent=self)
        self.table = self._table(name, args)
        self.replicas = []
        self._replica_in: dict[str, aws.dynamodb.TableReplica] = {}
        if args.capacity is not None:
            # Provisioned: the table's scaling first, then each replica, then its scaling.
            write_policies = self._autoscaling(name, args.region, args.capacity, after=[])
            for replica in args.replicas:
                resource = self._replica(name, args, replica, after=write_policies)
                self.replicas.append(resource)
                self._replica_in[replica.region] = resource
                self._autoscaling(name, replica.region, args.capacity, after=[resource])
        self._backup(name, args, child)
        self.name = self.table.name
        self.arn = self.table.arn
        self.register_outputs(
            {
                "name": self.name,
                "arn": self.arn,
                "backupVaultName": self.backup_vault_name,
                "backupPlanId": self.backup_plan_id,
            }
        )

    def arn_in(self, region: str) -> pulumi.Output[str]:
        """The table's (or its replica's) ARN in ``region``.

        A separate replica's own output where there is one, so what uses it in that region is
        created only once the replica exists.
        """
        replica = self._replica_in.get(region)
        if replica is not None:
            return replica.arn
        return self.table.arn.apply(lambda arn: in_region(arn, region))

    def _table(self, name: str, args: ConversationTableArgs) -> aws.dynamodb.Table:
        provisioned = args.capacity is not None
        capacity = args.capacity
        ignore = ["readCapacity", "writeCapacity", "globalSecondaryIndexes[*].readCapacity"]
        ignore += ["globalSecondaryIndexes[*].writeCapacity", "replicas"]
        return aws.dynamodb.Table(
            f"{name}-table",
            billing_mode="PROVISIONED" if provisioned else "PAY_PER_REQUEST",
            read_capacity=capacity.read_min if capacity else None,
            write_capacity=capacity.write_min if capacity else None,
            hash_key="sessionId",
            range_key="sk",
            attributes=[
                aws.dynamodb.TableAttributeArgs(name="sessionId", type="S"),
                aws.dynamodb.TableAttributeArgs(name="sk", type="S"),
                aws.dynamodb.TableAttributeArgs(name="date", type="S"),
                aws.dynamodb.TableAttributeArgs(name="timestamp", type="N"),
            ],
            global_secondary_indexes=[
                aws.dynamodb.TableGlobalSecondaryIndexArgs(
                    name=ANALYTICS_INDEX,
                    key_schemas=[
                        aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(
                            attribute_name="date", key_type="HASH"
                        ),
                        aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(
                            attribute_name="timestamp", key_type="RANGE"
                        ),
                    ],
                    projection_type="ALL",
                    read_capacity=capacity.read_min if capacity else None,
                    write_capacity=capacity.write_min if capacity else None,
                )
            ],
            ttl=aws.dynamodb.TableTtlArgs(attribute_name=TTL_ATTRIBUTE, enabled=True),
            point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True),
            server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(
                enabled=True, kms_key_arn=args.kms_key_arn
            ),
            deletion_protection_enabled=args.deletion_protection,
            # Global tables (version 2019.11.21) replicate through the stream.
            stream_enabled=bool(args.replicas) or None,
            stream_view_type="NEW_AND_OLD_IMAGES" if args.replicas else None,
            # Inline replicas on demand only; provisioned replicas are TableReplica resources.
            replicas=[
                aws.dynamodb.TableReplicaArgs(
                    region_name=replica.region,
                    kms_key_arn=replica.kms_key_arn,
                    point_in_time_recovery=True,
                    deletion_protection_enabled=args.deletion_protection,
                    propagate_tags=True,
                )
                for replica in args.replicas
            ]
            if args.replicas and not provisioned
            else None,
            region=args.region,
            opts=pulumi.ResourceOptions(
                parent=self,
                # Auto-scaling owns the capacity numbers once the table exists, and the
                # TableReplica resources own the replicas.
                ignore_changes=ignore if provisioned else None,
            ),
        )

    def _replica(
        self,
        name: str,
        args: ConversationTableArgs,
        replica: TableReplica,
        *,
        after: list[pulumi.Resource],
    ) -> aws.dynamodb.TableReplica:
        """One replica of a provisioned table, added once its write capacity is auto-scaled."""
        return aws.dynamodb.TableReplica(
            f"{name}-replica-{replica.region}",
            global_table_arn=self.table.arn,
            kms_key_arn=replica.kms_key_arn,
            point_in_time_recovery=True,
            deletion_protection_enabled=args.deletion_protection,
            region=replica.region,
            opts=pulumi.ResourceOptions(parent=self, depends_on=after),
        )

    def _autoscaling(
        self,
        name: str,
        region: str,
        capacity: TableCapacity,
        *,
        after: list[pulumi.Resource],
    ) -> list[pulumi.Resource]:
        """Read and write auto-scaling of the table (or replica) and its index in ``region``,
        created after ``after``; returns the write scaling policies."""
        targets = [
            ("table", self.table.name.apply(lambda n: f"table/{n}"), "table"),
            (
                "index",
                self.table.name.apply(lambda n: f"table/{n}/index/{ANALYTICS_INDEX}"),
                "index",
            ),
        ]
        suffix = "" if region == self._primary else f"-{region}"
        write_policies: list[pulumi.Resource] = []
        for role, resource_id, kind in targets:
            for dimension, low, high, metric in (
                ("Read", capacity.read_min, capacity.read_max, "DynamoDBReadCapacityUtilization"),
                (
                    "Write",
                    capacity.write_min,
                    capacity.write_max,
                    "DynamoDBWriteCapacityUtilization",
                ),
            ):
                target = aws.appautoscaling.Target(
                    f"{name}-{role}-{dimension.lower()}-scaling{suffix}",
                    service_namespace="dynamodb",
                    resource_id=resource_id,
                    scalable_dimension=f"dynamodb:{kind}:{dimension}CapacityUnits",
                    min_capacity=low,
                    max_capacity=high,
                    region=region,
                    opts=pulumi.ResourceOptions(parent=self, depends_on=after),
                )
                policy = aws.appautoscaling.Policy(
                    f"{name}-{role}-{dimension.lower()}-policy{suffix}",
                    policy_type="TargetTrackingScaling",
                    service_namespace=target.service_namespace,
                    resource_id=target.resource_id,
                    scalable_dimension=target.scalable_dimension,
                    target_tracking_scaling_policy_configuration=_target_tracking(
                        capacity.target_utilization_percent, metric
                    ),
                    region=region,
                    opts=pulumi.ResourceOptions(parent=self),
                )
                if dimension == "Write":
                    write_policies.append(policy)
        return write_policies

    def _backup(
        self, name: str, args: ConversationTableArgs, child: pulumi.ResourceOptions
    ) -> None:
        vault = aws.backup.Vault(
            f"{name}-vault", kms_key_arn=args.kms_key_arn, region=args.region, opts=child
        )
        plan = aws.backup.Plan(
            f"{name}-plan",
            rules=[
                aws.backup.PlanRuleArgs(
                    rule_name="daily",
                    target_vault_name=vault.name,
                    schedule=args.backup_schedule,
                    start_window=60,
                    completion_window=180,
                    lifecycle=aws.backup.PlanRuleLifecycleArgs(
                        delete_after=args.backup_retention_days
                    ),
                )
            ],
            region=args.region,
            opts=child,
        )
        role = aws.iam.Role(
            f"{name}-backup-role",
            description="AWS Backup reads and restores the conversation table",
            assume_role_policy=iam.assume_role_policy("backup.amazonaws.com"),
            opts=child,
        )
        table_arn = self.table.arn
        aws.iam.RolePolicy(
            f"{name}-backup-policy",
            role=role.id,
            policy=iam.document(
                [
                    iam.statement(
                        "BackUpTheTable",
                        [
                            "dynamodb:CreateBackup",
                            "dynamodb:DescribeTable",
                            "dynamodb:ListTagsOfResource",
                            "dynamodb:StartAwsBackupJob",
                            "dynamodb:RestoreTableFromAwsBackup",
                        ],
                        [table_arn],
                    ),
                    iam.statement(
                        "ManageItsBackups",
                        ["dynamodb:DescribeBackup", "dynamodb:DeleteBackup"],
                        [table_arn.apply(lambda arn: f"{arn}/backup/*")],
                    ),
                    iam.statement(
                        "UseTheDataKey",
                        ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
                        [args.kms_key_arn],
                    ),
                    iam.statement(
                        "GrantOnlyToAwsServices",
                        ["kms:CreateGrant"],
                        [args.kms_key_arn],
                        conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}},
                    ),
                ]
            ),
            opts=child,
        )
        aws.backup.Selection(
            f"{name}-selection",
            name="conversation-table",
            iam_role_arn=role.arn,
            plan_id=plan.id,
            resources=[table_arn],
            region=args.region,
            opts=child,
        )
        self.backup_vault_name = vault.name
        self.backup_plan_id = plan.id


def _target_tracking(
    percent: int, metric: str
) -> aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs:
    scaling = aws.appautoscaling
    spec = scaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs
    return scaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
        target_value=percent, predefined_metric_specification=spec(predefined_metric_type=metric)
    )


def _validate(args: ConversationTableArgs) -> None:
    if not 1 <= args.backup_retention_days <= 36500:
        raise ValueError(
            f"ConversationTableArgs.backup_retention_days must be 1..36500, "
            f"got {args.backup_retention_days}"
        )
    regions = [args.region, *(r.region for r in args.replicas)]
    if len(set(regions)) != len(regions):
        raise ValueError(f"ConversationTableArgs.replicas repeats a region: {regions}")
    if not args.backup_schedule.startswith(("cron(", "rate(")):
        raise ValueError(
            f"ConversationTableArgs.backup_schedule must be cron(...) or rate(...), "
            f"got {args.backup_schedule!r}"
        )
