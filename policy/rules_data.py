"""Rules for data at rest: DynamoDB, Secrets Manager, KMS, CloudWatch Logs, AWS Backup."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from pulumi_policy import PolicyResource, ResourceValidationPolicy, StackValidationPolicy

from policy.support import Props, as_list, depends_on, get, of_type, resource_rule, stack_rule

TABLE = "aws:dynamodb/table:Table"
TABLE_REPLICA = "aws:dynamodb/tableReplica:TableReplica"
SCALING_POLICY = "aws:appautoscaling/policy:Policy"
WRITE_DIMENSIONS = ("dynamodb:table:WriteCapacityUnits", "dynamodb:index:WriteCapacityUnits")
SECRET = "aws:secretsmanager/secret:Secret"  # noqa: S105 - a type token
KMS_KEY = "aws:kms/key:Key"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
BACKUP_SELECTION = "aws:backup/selection:Selection"


def check_table_pitr(props: Props) -> Iterator[str]:
    """Point-in-time recovery on the table and on every replica (inline or separate)."""
    if "globalTableArn" in props:  # a TableReplica
        if props.get("pointInTimeRecovery") is not True:
            yield "table replica does not have point-in-time recovery enabled"
        return
    if get(props, "pointInTimeRecovery", "enabled") is not True:
        yield "table does not have point-in-time recovery enabled"
    for replica in as_list(props.get("replicas")):
        if isinstance(replica, Mapping) and replica.get("pointInTimeRecovery") is not True:
            yield f"replica in {replica.get('regionName')} lacks point-in-time recovery"


def check_table_ttl(props: Props) -> Iterator[str]:
    """TTL enabled on a named attribute (the retention promise of the privacy notice)."""
    if get(props, "ttl", "enabled") is not True or not get(props, "ttl", "attributeName"):
        yield "table does not have TTL enabled on an attribute"


def check_table_kms(props: Props) -> Iterator[str]:
    """Server-side encryption with a customer-managed key, replicas included."""
    if "globalTableArn" in props:  # a TableReplica
        if not props.get("kmsKeyArn"):
            yield "table replica is not encrypted with a customer-managed KMS key"
        return
    if get(props, "serverSideEncryption", "enabled") is not True or not get(
        props, "serverSideEncryption", "kmsKeyArn"
    ):
        yield "table is not encrypted with a customer-managed KMS key"
    for replica in as_list(props.get("replicas")):
        if isinstance(replica, Mapping) and not replica.get("kmsKeyArn"):
            yield f"replica in {replica.get('regionName')} has no customer-managed KMS key"


def check_provisioned_replicas(
    resources: Sequence[PolicyResource],
) -> Iterator[tuple[str, str | None]]:
    """A provisioned global table gets its replicas only after its write capacity is
    auto-scaled: DynamoDB refuses the replica otherwise ("Table write capacity should either be
    Pay-Per-Request or AutoScaled") and leaves the table half-created on every run."""
    tables = {t.props.get("arn"): t for t in of_type(resources, TABLE)}
    policies = list(of_type(resources, SCALING_POLICY))
    for table in tables.values():
        if table.props.get("billingMode") == "PROVISIONED" and as_list(table.props.get("replicas")):
            yield (
                "provisioned table declares replicas inline: DynamoDB refuses them before its "
                "write capacity is auto-scaled; use TableReplica resources after the scaling",
                table.urn,
            )
    for replica in of_type(resources, TABLE_REPLICA):
        source = tables.get(replica.props.get("globalTableArn"))
        if source is None or source.props.get("billingMode") != "PROVISIONED":
            continue
        name = str(source.props.get("name"))
        scaled = {
            p.props.get("scalableDimension")
            for p in policies
            if depends_on(replica, p)
            and str(p.props.get("resourceId", "")).startswith(f"table/{name}")
            and p.props.get("region", replica.props.get("region")) == source.props.get("region")
        }
        missing = [d for d in WRITE_DIMENSIONS if d not in scaled]
        if missing:
            yield (
                f"replica of a provisioned table does not depend on the write scaling policies "
                f"({', '.join(missing)}): DynamoDB would refuse it",
                replica.urn,
            )


def check_secret_kms(props: Props) -> Iterator[str]:
    """Secrets encrypted with a customer-managed key (not aws/secretsmanager)."""
    key = props.get("kmsKeyId")
    if not key or str(key).endswith("alias/aws/secretsmanager"):
        yield "secret is not encrypted with a customer-managed KMS key"


def check_key_rotation(props: Props) -> Iterator[str]:
    """Automatic rotation on symmetric keys."""
    spec = props.get("customerMasterKeySpec") or "SYMMETRIC_DEFAULT"
    if spec == "SYMMETRIC_DEFAULT" and props.get("enableKeyRotation") is not True:
        yield "KMS key does not rotate automatically"


def check_log_group(props: Props) -> Iterator[str]:
    """A retention period (never "keep forever") and a KMS key."""
    retention = props.get("retentionInDays")
    if not isinstance(retention, int | float) or retention <= 0:
        yield "log group keeps its logs forever (no retentionInDays)"
    if not props.get("kmsKeyId"):
        yield "log group is not encrypted with a KMS key"


def check_tables_backed_up(
    resources: Sequence[PolicyResource],
) -> Iterator[tuple[str, str | None]]:
    """Every table is selected by an AWS Backup plan."""
    selected = {
        arn
        for r in of_type(resources, BACKUP_SELECTION)
        for arn in as_list(r.props.get("resources"))
    }
    for table in of_type(resources, TABLE):
        if table.props.get("arn") not in selected:
            yield "table is not selected by any AWS Backup plan", table.urn


POLICIES: list[ResourceValidationPolicy | StackValidationPolicy] = [
    resource_rule(
        "dynamodb-point-in-time-recovery",
        "Tables (and replicas) have point-in-time recovery. Mirrors cdk-nag AwsSolutions-DDB3, "
        "Checkov CKV_AWS_28.",
        [TABLE, TABLE_REPLICA],
        check_table_pitr,
    ),
    resource_rule(
        "dynamodb-ttl",
        "Tables expire items through TTL (retention). Own rule: no cdk-nag or Checkov equivalent.",
        [TABLE],
        check_table_ttl,
    ),
    resource_rule(
        "dynamodb-customer-managed-key",
        "Tables (and replicas) are encrypted with a customer-managed KMS key. Mirrors Checkov "
        "CKV_AWS_119.",
        [TABLE, TABLE_REPLICA],
        check_table_kms,
    ),
    stack_rule(
        "dynamodb-provisioned-replicas-after-scaling",
        "A provisioned global table has no inline replicas, and each TableReplica depends on the "
        "table's and index's write scaling policies (issue 13 item 1; "
        "terraform-provider-aws #13097, #38401). Own rule: no cdk-nag or Checkov equivalent.",
        check_provisioned_replicas,
    ),
    stack_rule(
        "dynamodb-in-backup-plan",
        "Every table is in an AWS Backup plan. Mirrors cdk-nag "
        "NIST.800.53.R5-DynamoDBInBackupPlan.",
        check_tables_backed_up,
    ),
    resource_rule(
        "secretsmanager-customer-managed-key",
        "Secrets are encrypted with a customer-managed KMS key. Mirrors Checkov CKV_AWS_149, "
        "cdk-nag HIPAA.Security-SecretsManagerUsingKMSKey.",
        [SECRET],
        check_secret_kms,
    ),
    resource_rule(
        "kms-key-rotation",
        "Symmetric KMS keys rotate automatically. Mirrors cdk-nag AwsSolutions-KMS5, "
        "Checkov CKV_AWS_7.",
        [KMS_KEY],
        check_key_rotation,
    ),
    resource_rule(
        "log-group-retention-and-kms",
        "Log groups have a retention period and a KMS key. Mirrors Checkov CKV_AWS_66 and "
        "CKV_AWS_158, cdk-nag NIST.800.53.R5-CloudWatchLogGroupRetentionPeriod.",
        [LOG_GROUP],
        check_log_group,
    ),
]
