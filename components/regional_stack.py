"""RegionalStack: everything that serves traffic in one region, as one component.

Per region: the Lex bot (when on), the signed Lambda package (:class:`components.CodeSigning`),
the chat/replay/analytics functions, the REST API and stage,
the regional WAF, the alarms and dashboard, the CodeDeploy group and, with a custom domain, the
certificate, domain name and latency record. ``pulumi preview`` shows them under
``travelbot:index:RegionalStack`` named after the region, and ``__main__.py`` only wires one of
these per region to the stack-wide pieces (keys, table, secret, Dialogflow, Azure).

**URNs are stable.** These components used to be children of the stack itself; a new parent
changes a resource's URN and those of all its children, which the engine would read as
"delete the old, create the new" (a new table name in the alarms, a new API id, a new bot).
Each child component therefore carries ``aliases=[pulumi.Alias(parent=ROOT_STACK_RESOURCE)]``
(its old URN) and keeps its old name (``chat-<region>``, ``api-<region>``, ...), so the engine
matches every existing resource with its state: moving into this component is a no-op on an
existing stack. The children's names therefore do not start with this component's name; the
aliases are what keep them, and ``tests/infra/test_regional_stack.py`` proves that every URN the
program produced before (recorded from commit 5bcdda5) is one of the new URNs or their aliases.
The aws-native provider of the region stays at the root for the same reason (see
:func:`components.ai_services.regional_lex`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

from components.ai_services import lex_environment, lex_exports, lex_statements, regional_lex
from components.blue_green import BlueGreenDeployment, BlueGreenDeploymentArgs
from components.chat_api import ChatApi, ChatApiArgs
from components.chat_function import ChatFunction, ChatFunctionArgs
from components.code_signing import CodeSigning, CodeSigningArgs
from components.config import StackConfig
from components.custom_domain import CustomDomain, CustomDomainArgs
from components.dialogflow_agent import DialogflowFederation, federation_binding
from components.monitoring import Monitoring, MonitoringArgs
from components.packaging import LambdaArchive
from components.web_firewall import WebFirewall, WebFirewallArgs


@dataclass(frozen=True, kw_only=True)
class RegionalStackArgs:
    """Arguments of :class:`RegionalStack`: the region, the stack config and what the
    stack-wide pieces hand to every region."""

    region: str
    config: StackConfig
    account_id: pulumi.Input[str]
    archive: LambdaArchive
    kms_key_arn: pulumi.Input[str]  # this region's key
    table_name: pulumi.Input[str]
    table_arn: pulumi.Input[str]  # the table or its replica in this region
    secret_arn: pulumi.Input[str]  # the secret or its replica in this region
    #: Non-secret settings of the stack-wide services (Dialogflow project, Azure endpoint, ...).
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    #: The custom domain's DNS validation record, declared by the first region (None there).
    shared_validation_fqdn: pulumi.Input[str] | None = None
    #: Keyless Dialogflow: this region's chat role may then impersonate its service account.
    dialogflow_federation: DialogflowFederation | None = None


class RegionalStack(pulumi.ComponentResource):
    """The serving stack of one region; its outputs are what CI reads per region."""

    api_url: pulumi.Output[str]
    function_name: pulumi.Output[str]
    function_version: pulumi.Output[str]
    alias_name: pulumi.Output[str]
    chat_role_name: pulumi.Output[str]
    codedeploy_application: pulumi.Output[str]
    codedeploy_deployment_group: pulumi.Output[str]
    dashboard_url: pulumi.Output[str]
    lex_bot_id: pulumi.Output[str] | None
    lex_bot_alias_id: pulumi.Output[str] | None
    custom_domain_url: pulumi.Output[str] | None
    validation_fqdn: pulumi.Output[str] | None

    def __init__(
        self, name: str, args: RegionalStackArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        _validate(args)
        super().__init__("travelbot:index:RegionalStack", name, None, opts)
        cfg, region = args.config, args.region
        lex = regional_lex(
            cfg,
            region,
            account_id=args.account_id,
            kms_key_arn=args.kms_key_arn,
            opts=self._moved(),
        )
        signing = CodeSigning(
            f"signing-{region}",
            CodeSigningArgs(
                region=region,
                stage=cfg.stack,
                archive=args.archive,
                kms_key_arn=args.kms_key_arn,
                policy=cfg.code_signing_policy,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        function = ChatFunction(
            f"chat-{region}",
            ChatFunctionArgs(
                region=region,
                stage=cfg.stack,
                code=signing.function_code(),
                table_name=args.table_name,
                table_arn=args.table_arn,
                secret_arn=args.secret_arn,
                kms_key_arn=args.kms_key_arn,
                memory_mb=cfg.lambda_memory_mb,
                timeout_s=cfg.lambda_timeout_s,
                reserved_concurrency=cfg.concurrency.chat,
                provisioned_concurrency=cfg.concurrency.provisioned,
                replay_reserved_concurrency=cfg.concurrency.replay,
                analytics_reserved_concurrency=cfg.concurrency.analytics,
                log_retention_days=cfg.log_retention_days,
                log_level=cfg.log_level,
                conversation_retention_days=cfg.conversation_retention_days,
                redact_stored_pii=cfg.redact_stored_pii,
                rate_limit_per_minute=cfg.rate_limit_per_minute,
                rate_limit_burst=cfg.rate_limit_burst,
                analytics_schedule=cfg.analytics_schedule,
                allowed_origins=cfg.allowed_origins,
                environment={**args.environment, **lex_environment(lex, region)},
                extra_statements=lex_statements(lex),
            ),
            opts=self._moved(),
        )
        api = ChatApi(
            f"api-{region}",
            ChatApiArgs(
                region=region,
                stage=cfg.stack,
                account_id=args.account_id,
                function_name=function.function_name,
                alias_name=function.alias_name,
                alias_invoke_arn=function.invoke_arn,
                kms_key_arn=args.kms_key_arn,
                throttle_burst=cfg.api_throttle_burst_limit,
                throttle_rate=cfg.api_throttle_rate_limit,
                log_retention_days=cfg.log_retention_days,
                manage_account_logging_role=cfg.manage_api_gateway_account,
                allowed_origins=cfg.allowed_origins,
            ),
            opts=self._moved(),
        )
        firewall = WebFirewall(
            f"waf-{region}",
            WebFirewallArgs(
                region=region,
                stage=cfg.stack,
                stage_arn=api.stage_arn,
                kms_key_arn=args.kms_key_arn,
                rate_limit=cfg.waf_rate_limit,
                min_rate_limit=cfg.rate_limit_burst,
                geo_block_countries=cfg.geo_block_countries,
                log_retention_days=cfg.log_retention_days,
            ),
            opts=self._moved(),
        )
        monitoring = Monitoring(
            f"monitoring-{region}",
            MonitoringArgs(
                region=region,
                stage=cfg.stack,
                account_id=args.account_id,
                kms_key_arn=args.kms_key_arn,
                function_name=function.function_name,
                alias_name=function.alias_name,
                function_timeout_s=cfg.lambda_timeout_s,
                api_name=api.api_name,
                api_stage_name=api.stage_name,
                table_name=args.table_name,
                dead_letter_queue_names=function.dead_letter_queue_names,
                web_acl_name=firewall.web_acl_name,
                alarm_email=cfg.alarm_email,
                fallback_rate_percent=cfg.alarm_fallback_rate_percent,
                patience_share_percent=cfg.alarm_patience_share_percent,
                latency_p90_ms=cfg.alarm_latency_p90_ms,
                rate_5xx_percent=cfg.alarm_5xx_rate_percent,
                rate_4xx_percent=cfg.alarm_4xx_rate_percent,
            ),
            opts=self._moved(),
        )
        deployment = BlueGreenDeployment(
            f"deploy-{region}",
            BlueGreenDeploymentArgs(
                region=region,
                stage=cfg.stack,
                function_arn=function.function_arn,
                alarm_names=monitoring.rollback_alarm_names,
                alarm_arns=monitoring.rollback_alarm_arns,
            ),
            opts=self._moved(),
        )
        self.custom_domain_url = None
        self.validation_fqdn = None
        if cfg.custom_domain:
            domain = CustomDomain(
                f"domain-{region}",
                CustomDomainArgs(
                    region=region,
                    domain=cfg.custom_domain,
                    hosted_zone_id=cfg.hosted_zone_id,
                    rest_api_id=api.api_id,
                    stage_name=api.stage_name,
                    shared_validation_fqdn=args.shared_validation_fqdn,
                ),
                opts=self._moved(),
            )
            self.custom_domain_url = domain.url
            self.validation_fqdn = domain.validation_fqdn
        if args.dialogflow_federation is not None:
            federation_binding(
                f"{name}-dialogflow-federation",
                args.dialogflow_federation,
                region=region,
                role_name=function.role_name,
                parent=self,
            )
        self.api_url = api.url
        self.function_name = function.function_name
        self.function_version = function.function_version
        self.alias_name = function.alias_name
        self.chat_role_name = function.role_name
        self.codedeploy_application = deployment.application_name
        self.codedeploy_deployment_group = deployment.deployment_group_name
        self.dashboard_url = monitoring.dashboard_url
        bot = lex_exports(lex)
        self.lex_bot_id = bot.get("lexBotId")
        self.lex_bot_alias_id = bot.get("lexBotAliasId")
        self.register_outputs(dict(self.exports()))

    def exports(self) -> Mapping[str, pulumi.Output[str]]:
        """This region's stack outputs, as CI reads them (``regional.<region>.*``)."""
        outputs = {
            "apiUrl": self.api_url,
            "functionName": self.function_name,
            "functionVersion": self.function_version,
            "aliasName": self.alias_name,
            "codeDeployApplication": self.codedeploy_application,
            "codeDeployDeploymentGroup": self.codedeploy_deployment_group,
            "dashboardUrl": self.dashboard_url,
        }
        if self.lex_bot_id is not None and self.lex_bot_alias_id is not None:
            outputs.update(lexBotId=self.lex_bot_id, lexBotAliasId=self.lex_bot_alias_id)
        return outputs

    def _moved(self) -> pulumi.ResourceOptions:
        """Options of a child component that used to be a child of the stack (see above)."""
        return pulumi.ResourceOptions(
            parent=self, aliases=[pulumi.Alias(parent=pulumi.ROOT_STACK_RESOURCE)]
        )


def _validate(args: RegionalStackArgs) -> None:
    if args.region not in args.config.regions:
        raise ValueError(
            f"RegionalStackArgs.region {args.region!r} is not one of the stack's regions "
            f"{list(args.config.regions)}"
        )
    if args.shared_validation_fqdn is not None and not args.config.custom_domain:
        raise ValueError("RegionalStackArgs.shared_validation_fqdn needs a custom domain")
