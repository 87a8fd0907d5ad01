"""BotSecrets: the stack's one Secrets Manager secret, KMS-encrypted, assembled from config.

Its value is a JSON object whose fields come from ``pulumi config set --secret`` values and,
with the other clouds switched on, from their outputs (Azure key, GCP service-account key).
The Lambda function reads it once per cold start; no secret ever reaches an environment
variable or a log.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.arns import in_region
from runtime.contract import SecretField


@dataclass(frozen=True, kw_only=True)
class SecretReplica:
    """A region the secret is replicated to, with that region's KMS key."""

    region: str
    kms_key_arn: pulumi.Input[str]


@dataclass(frozen=True, kw_only=True)
class BotSecretsArgs:
    """Arguments of :class:`BotSecrets`."""

    region: str
    kms_key_arn: pulumi.Input[str]
    values: Mapping[str, pulumi.Input[str]]
    replicas: Sequence[SecretReplica] = field(default_factory=tuple)
    recovery_window_days: int = 30


class BotSecrets(pulumi.ComponentResource):
    """The secret and its current version (value marked secret in the Pulumi state too)."""

    secret: aws.secretsmanager.Secret
    arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: BotSecretsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        _validate(args)
        super().__init__("travelbot:index:BotSecrets", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.secret = aws.secretsmanager.Secret(
            f"{name}-secret",
            description="travelbot third-party credentials (JSON); read by the Lambda runtime",
            kms_key_id=args.kms_key_arn,
            recovery_window_in_days=args.recovery_window_days,
            replicas=[
                aws.secretsmanager.SecretReplicaArgs(
                    region=replica.region, kms_key_id=replica.kms_key_arn
                )
                for replica in args.replicas
            ]
            or None,
            region=args.region,
            opts=child,
        )
        document = pulumi.Output.json_dumps(dict(sorted(args.values.items())))
        value: pulumi.Output[str] = document.apply(lambda text: pulumi.Output.secret(text))
        aws.secretsmanager.SecretVersion(
            f"{name}-version",
            secret_id=self.secret.id,
            secret_string=value,
            region=args.region,
            opts=child,
        )
        self.arn = self.secret.arn
        self.register_outputs({"arn": self.arn})

    def arn_in(self, region: str) -> pulumi.Output[str]:
        """The secret's (or its replica's) ARN in ``region``."""
        return self.secret.arn.apply(lambda arn: in_region(arn, region))


def _validate(args: BotSecretsArgs) -> None:
    if not args.values:
        raise ValueError("BotSecretsArgs.values must hold at least one field")
    known = {str(field_) for field_ in SecretField}
    for key in args.values:
        if key not in known:
            raise ValueError(
                f"BotSecretsArgs.values has a field the runtime does not read: {key!r} "
                f"(runtime.contract.SecretField: {', '.join(sorted(known))})"
            )
    if not (args.recovery_window_days == 0 or 7 <= args.recovery_window_days <= 30):
        raise ValueError(
            f"BotSecretsArgs.recovery_window_days must be 0 or 7..30, "
            f"got {args.recovery_window_days}"
        )
    regions = [args.region, *(r.region for r in args.replicas)]
    if len(set(regions)) != len(regions):
        raise ValueError(f"BotSecretsArgs.replicas repeats a region: {regions}")
