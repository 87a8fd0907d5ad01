"""The travelbot Pulumi program: read the stack config, wire the components, export outputs.

Stack-wide pieces live in the first region of ``travelbot:regions`` (the table, replicated to
the other regions as a global table; the secret, replicated likewise), and so do Dialogflow
(GCP) and Azure Language when they are on; everything that serves traffic, Lex included, is
built once per region. See :mod:`components.ai_services` for how the clouds are wired.
"""

from __future__ import annotations

from pathlib import Path

import pulumi
import pulumi_aws as aws

from components import (
    BlueGreenDeployment,
    BlueGreenDeploymentArgs,
    BotSecrets,
    BotSecretsArgs,
    ChatApi,
    ChatApiArgs,
    ChatFunction,
    ChatFunctionArgs,
    ConversationTable,
    ConversationTableArgs,
    CustomDomain,
    CustomDomainArgs,
    EncryptionKey,
    EncryptionKeyArgs,
    Monitoring,
    MonitoringArgs,
    SecretReplica,
    TableReplica,
    WebFirewall,
    WebFirewallArgs,
    lambda_archive,
    lex_environment,
    lex_exports,
    lex_statements,
    load_stack_config,
    regional_lex,
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
clouds = stack_services(cfg)
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

regional: dict[str, dict[str, pulumi.Output[str]]] = {}
custom_domain_url: pulumi.Output[str] | None = None
home_domain: CustomDomain | None = None
for region in cfg.regions:
    key_arn = keys[region].arn
    lex = regional_lex(cfg, region, account_id=account_id, kms_key_arn=key_arn)
    function = ChatFunction(
        f"chat-{region}",
        ChatFunctionArgs(
            region=region,
            stage=cfg.stack,
            archive=archive,
            table_name=table.name,
            table_arn=table.arn_in(region),
            secret_arn=secrets.arn_in(region),
            kms_key_arn=key_arn,
            memory_mb=cfg.lambda_memory_mb,
            timeout_s=cfg.lambda_timeout_s,
            reserved_concurrency=cfg.reserved_concurrency,
            provisioned_concurrency=cfg.provisioned_concurrency,
            log_retention_days=cfg.log_retention_days,
            log_level=cfg.log_level,
            conversation_retention_days=cfg.conversation_retention_days,
            redact_stored_pii=cfg.redact_stored_pii,
            rate_limit_per_minute=cfg.rate_limit_per_minute,
            rate_limit_burst=cfg.rate_limit_burst,
            analytics_schedule=cfg.analytics_schedule,
            environment={**clouds.environment(), **lex_environment(lex, region)},
            extra_statements=lex_statements(lex),
        ),
    )
    api = ChatApi(
        f"api-{region}",
        ChatApiArgs(
            region=region,
            stage=cfg.stack,
            account_id=account_id,
            function_name=function.function_name,
            alias_name=function.alias_name,
            alias_invoke_arn=function.invoke_arn,
            kms_key_arn=key_arn,
            throttle_burst=cfg.api_throttle_burst_limit,
            throttle_rate=cfg.api_throttle_rate_limit,
            log_retention_days=cfg.log_retention_days,
            manage_account_logging_role=cfg.manage_api_gateway_account,
        ),
    )
    firewall = WebFirewall(
        f"waf-{region}",
        WebFirewallArgs(
            region=region,
            stage=cfg.stack,
            stage_arn=api.stage_arn,
            kms_key_arn=key_arn,
            rate_limit=cfg.waf_rate_limit,
            min_rate_limit=cfg.rate_limit_burst,
            geo_block_countries=cfg.geo_block_countries,
            log_retention_days=cfg.log_retention_days,
        ),
    )
    monitoring = Monitoring(
        f"monitoring-{region}",
        MonitoringArgs(
            region=region,
            stage=cfg.stack,
            account_id=account_id,
            kms_key_arn=key_arn,
            function_name=function.function_name,
            alias_name=function.alias_name,
            function_timeout_s=cfg.lambda_timeout_s,
            api_name=api.rest_api.name,
            api_stage_name=api.stage_name,
            table_name=table.name,
            dead_letter_queue_names=[
                function.spool_dead_letter_queue.name,
                function.analytics_dead_letter_queue.name,
            ],
            web_acl_name=firewall.web_acl.name,
            alarm_email=cfg.alarm_email,
            fallback_rate_percent=cfg.alarm_fallback_rate_percent,
            latency_p90_ms=cfg.alarm_latency_p90_ms,
            rate_5xx_percent=cfg.alarm_5xx_rate_percent,
            rate_4xx_percent=cfg.alarm_4xx_rate_percent,
        ),
    )
    deployment = BlueGreenDeployment(
        f"deploy-{region}",
        BlueGreenDeploymentArgs(
            region=region,
            stage=cfg.stack,
            function_arn=function.function.arn,
            alarm_names=monitoring.rollback_alarm_names,
            alarm_arns=monitoring.rollback_alarm_arns,
        ),
    )
    if cfg.custom_domain:
        domain = CustomDomain(
            f"domain-{region}",
            CustomDomainArgs(
                region=region,
                domain=cfg.custom_domain,
                hosted_zone_id=cfg.hosted_zone_id,
                rest_api_id=api.api_id,
                stage_name=api.stage_name,
                shared_validation_fqdn=home_domain.validation_fqdn if home_domain else None,
            ),
        )
        home_domain = home_domain or domain
        custom_domain_url = home_domain.url
    regional[region] = {
        "apiUrl": api.url,
        "functionName": function.function_name,
        "functionVersion": function.function_version,
        "aliasName": function.alias_name,
        "codeDeployApplication": deployment.application_name,
        "codeDeployDeploymentGroup": deployment.deployment_group_name,
        "dashboardUrl": monitoring.dashboard_url,
        **lex_exports(lex),
    }

for output, value in regional[primary].items():
    pulumi.export(output, value)
if custom_domain_url is not None:
    pulumi.export("customDomainUrl", custom_domain_url)
pulumi.export("tableName", table.name)
pulumi.export("secretArn", secrets.arn)
for output, value in clouds.exports().items():
    pulumi.export(output, value)
pulumi.export("regions", list(cfg.regions))
pulumi.export("regional", regional)
