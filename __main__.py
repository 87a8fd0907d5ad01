"""The travelbot Pulumi program: read the stack config, wire the components, export outputs.

Stack-wide pieces live in the first region of ``travelbot:regions`` (the table, replicated to
the other regions as a global table; the secret, replicated likewise), and so do Dialogflow
(GCP) and Azure Language when they are on; everything that serves traffic, Lex included, is
built once per region as a :class:`components.RegionalStack`. See :mod:`components.ai_services`
for how the clouds are wired.
"""

from __future__ import annotations

from pathlib import Path

import pulumi
import pulumi_aws as aws

from components import (
    BotSecrets,
    BotSecretsArgs,
    ConversationTable,
    ConversationTableArgs,
    EncryptionKey,
    EncryptionKeyArgs,
    RegionalStack,
    RegionalStackArgs,
    SecretReplica,
    TableReplica,
    lambda_archive,
    load_stack_config,
    stack_services,
)

cfg = load_stack_config()
archive = lambda_archive(Path(__file__).resolve().parent)
if not archive.has_bytecode:
    pulumi.log.warn("The Lambda package has no .pyc files: cold starts compile in memory")
account_id = aws.get_caller_identity_output().account_id
primary = cfg.primary_region
replica_regions = cfg.regions[1:]

keys = {
    region: EncryptionKey(
        f"key-{region}",
        EncryptionKeyArgs(region=region, account_id=account_id, alias=cfg.name_prefix),
    )
    for region in cfg.regions
}
table = ConversationTable(
    "conversations",
    ConversationTableArgs(
        region=primary,
        kms_key_arn=keys[primary].arn,
        capacity=cfg.table_capacity,
        replicas=[TableReplica(region=r, kms_key_arn=keys[r].arn) for r in replica_regions],
        deletion_protection=cfg.deletion_protection,
        backup_schedule=cfg.backup_schedule,
        backup_retention_days=cfg.backup_retention_days,
    ),
)
clouds = stack_services(cfg, account_id=account_id)
secrets = BotSecrets(
    "secrets",
    BotSecretsArgs(
        region=primary,
        kms_key_arn=keys[primary].arn,
        values=clouds.secret_fields(cfg.secrets.get("openweatherApiKey", pulumi.Output.secret(""))),
        replicas=[SecretReplica(region=r, kms_key_arn=keys[r].arn) for r in replica_regions],
        recovery_window_days=30 if cfg.deletion_protection else 7,
    ),
)

stacks: dict[str, RegionalStack] = {}
for region in cfg.regions:
    home = stacks.get(primary)
    stacks[region] = RegionalStack(
        region,
        RegionalStackArgs(
            region=region,
            config=cfg,
            account_id=account_id,
            archive=archive,
            kms_key_arn=keys[region].arn,
            table_name=table.name,
            table_arn=table.arn_in(region),
            secret_arn=secrets.arn_in(region),
            environment=clouds.environment(),
            dialogflow_federation=clouds.federation(),
            shared_validation_fqdn=home.validation_fqdn if home else None,
        ),
    )

for output, value in stacks[primary].exports().items():
    pulumi.export(output, value)
if stacks[primary].custom_domain_url is not None:
    pulumi.export("customDomainUrl", stacks[primary].custom_domain_url)
pulumi.export("tableName", table.name)
pulumi.export("secretArn", secrets.arn)
for output, value in clouds.exports().items():
    pulumi.export(output, value)
pulumi.export("regions", list(cfg.regions))
pulumi.export("regional", {region: dict(s.exports()) for region, s in stacks.items()})
