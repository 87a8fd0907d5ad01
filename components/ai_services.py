"""The three clouds' NLU and sentiment services, built from config and wired into the AWS half.

Each service is on or off by config (:class:`components.config.StackConfig` ``lex``,
``dialogflow``, ``azure``); an AWS-only stack is a valid stack. The wiring rules:

- **Dialogflow and Azure** are built once per stack (:func:`stack_services`): their secrets
  (the Azure key; the GCP key file only when ``dialogflowAuth`` opts into keys) go into the
  Secrets Manager secret (:meth:`StackServices.secret_fields`); their non-secret settings
  (project id, language code, quota project, the federation audience and service account,
  endpoint) into every region's function environment (:meth:`StackServices.environment`).
  Keyless Dialogflow also needs each region's chat role allowed to impersonate the service
  account: :meth:`StackServices.federation` hands each :class:`components.RegionalStack` what
  it needs for that binding.
- **Lex** is built per region (:func:`regional_lex`) through an aws-native provider for that
  region (aws-native has no per-resource ``region``); the function gets the bot id, alias id,
  locale and region (:func:`lex_environment`) and ``lex:RecognizeText`` on that alias only
  (:func:`lex_statements`).

A service that is off contributes no resource, no secret field, no environment variable and no
permission. Variable and secret field names come from :mod:`runtime.contract`, the runtime's
own table, so the program and the runtime cannot disagree on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws_native as aws_native

from components import iam
from components.azure_language import AzureLanguage, AzureLanguageArgs
from components.config import StackConfig
from components.dialogflow_agent import DialogflowAgent, DialogflowAgentArgs, DialogflowFederation
from components.lex_bot import LexBot, LexBotArgs
from components.open_sources import open_sources_environment, open_sources_secret_fields
from runtime.contract import ENV, SecretField

Environment = dict[str, pulumi.Input[str]]


@dataclass(frozen=True)
class StackServices:
    """The stack-wide AI services; None where switched off."""

    dialogflow: DialogflowAgent | None
    azure: AzureLanguage | None
    nlu_confidence_threshold: float | None = None
    account_id: pulumi.Input[str] | None = None
    #: The runtime's patience bounds (ms) when a cloud NLU is on; None when none is.
    patience_ms: tuple[int, int] | None = None
    #: The open-data sources' settings and optional key (:mod:`components.open_sources`).
    open_environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    open_secret_fields: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)

    def secret_fields(self, openweather_api_key: pulumi.Input[str]) -> dict[str, pulumi.Input[str]]:
        """The secret's JSON fields: OpenWeather always, the others when their cloud is on."""
        fields: dict[str, pulumi.Input[str]] = {
            SecretField.OPENWEATHER_API_KEY: openweather_api_key
        }
        if self.dialogflow is not None and self.dialogflow.credentials_json is not None:
            fields[SecretField.GOOGLE_CREDENTIALS] = self.dialogflow.credentials_json
        if self.azure is not None:
            fields[SecretField.AZURE_LANGUAGE_KEY] = self.azure.key
        fields.update(self.open_secret_fields)
        return fields

    def environment(self) -> Environment:
        """Non-secret settings every region's functions get (nothing when both are off)."""
        env: Environment = {}
        if self.nlu_confidence_threshold is not None:
            env[ENV["confidence_threshold"]] = str(self.nlu_confidence_threshold)
        if self.patience_ms is not None:
            env[ENV["patience_floor_ms"]] = str(self.patience_ms[0])
            env[ENV["patience_ceiling_ms"]] = str(self.patience_ms[1])
        if self.dialogflow is not None:
            env.update(self.dialogflow.runtime_environment())
        if self.azure is not None:
            env[ENV["azure_endpoint"]] = self.azure.endpoint
        env.update(self.open_environment)
        return env

    def federation(self) -> DialogflowFederation | None:
        """What each region needs to grant its chat role keyless access (None: no federation)."""
        agent = self.dialogflow
        if agent is None or agent.pool_name is None or self.account_id is None:
            return None
        return DialogflowFederation(
            pool_name=agent.pool_name,
            service_account_name=agent.service_account_name,
            account_id=self.account_id,
        )

    def exports(self) -> dict[str, pulumi.Output[str]]:
        """Stack outputs for CI and operators (non-secret only)."""
        outputs: dict[str, pulumi.Output[str]] = {}
        if self.dialogflow is not None:
            outputs["dialogflowProjectId"] = self.dialogflow.project_id
        if self.azure is not None:
            outputs["azureLanguageEndpoint"] = self.azure.endpoint
        return outputs


def stack_services(cfg: StackConfig, *, account_id: pulumi.Input[str]) -> StackServices:
    """Build Dialogflow and Azure Language if config switches them on (``account_id``: the AWS
    account whose roles federate to Google)."""
    dialogflow = None
    if cfg.dialogflow is not None:
        dialogflow = DialogflowAgent(
            "dialogflow",
            DialogflowAgentArgs(
                project=cfg.dialogflow.project,
                stage=cfg.stack,
                time_zone=cfg.dialogflow.time_zone,
                match_mode=cfg.dialogflow.match_mode,
                classification_threshold=cfg.nlu_confidence_threshold,
                auth=cfg.dialogflow.auth,
                aws_account_id=account_id if cfg.dialogflow.keyless else None,
            ),
        )
    azure = None
    if cfg.azure is not None:
        azure = AzureLanguage(
            "azure-language",
            AzureLanguageArgs(
                location=cfg.azure.location,
                stage=cfg.stack,
                custom_subdomain=cfg.azure.subdomain,
                sku=cfg.azure.sku,
                allowed_ip_ranges=cfg.azure.allowed_ip_ranges,
                active_key=cfg.azure.active_key,
                tags={"environment": cfg.environment},
            ),
        )
    return StackServices(
        dialogflow,
        azure,
        cfg.nlu_confidence_threshold,
        account_id,
        open_environment=open_sources_environment(cfg),
        open_secret_fields=open_sources_secret_fields(cfg, cfg.secrets),
        patience_ms=cfg.patience_ms if cfg.lex or cfg.dialogflow or cfg.azure else None,
    )


def regional_lex(
    cfg: StackConfig,
    region: str,
    *,
    account_id: pulumi.Input[str],
    kms_key_arn: pulumi.Input[str],
    opts: pulumi.ResourceOptions | None = None,
) -> LexBot | None:
    """The region's Lex bot through its own aws-native provider, or None if Lex is off.

    ``opts`` go to the bot (e.g. its parent). The provider stays at the stack's root whoever
    the bot's parent is: a provider's URN is part of every resource it manages, so moving it
    would make the engine look for different resources.
    """
    if cfg.lex is None:
        return None
    provider = aws_native.Provider(
        f"aws-native-{region}",
        region=region,
        default_tags={"tags": dict(cfg.aws_default_tags)} if cfg.aws_default_tags else None,
    )
    return LexBot(
        f"lex-{region}",
        LexBotArgs(
            region=region,
            account_id=account_id,
            stage=cfg.stack,
            nlu_confidence_threshold=cfg.nlu_confidence_threshold,
            conversation_logs=cfg.lex.conversation_logs,
            kms_key_arn=kms_key_arn,
            log_retention_days=cfg.log_retention_days,
        ),
        opts=pulumi.ResourceOptions.merge(
            opts or pulumi.ResourceOptions(),
            pulumi.ResourceOptions(providers={"aws-native": provider}),
        ),
    )


def lex_environment(bot: LexBot | None, region: str) -> Environment:
    """What the runtime needs to call the region's bot (nothing when Lex is off)."""
    if bot is None:
        return {}
    return {
        ENV["lex_bot_id"]: bot.bot_id,
        ENV["lex_bot_alias_id"]: bot.bot_alias_id,
        ENV["lex_locale_id"]: bot.locale_id,
        ENV["lex_region"]: region,
    }


def lex_statements(bot: LexBot | None) -> list[iam.Statement]:
    """``lex:RecognizeText`` on the region's alias ``live`` (nothing when Lex is off)."""
    return [] if bot is None else [bot.recognize_text_statement()]


def lex_exports(bot: LexBot | None) -> Mapping[str, pulumi.Output[str]]:
    """Per-region stack outputs of the bot (nothing when Lex is off)."""
    if bot is None:
        return {}
    return {"lexBotId": bot.bot_id, "lexBotAliasId": bot.bot_alias_id}
