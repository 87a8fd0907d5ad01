"""The stack configuration, read once and validated into a frozen :class:`StackConfig`.

Every key lives in the ``travelbot`` namespace and is declared in ``Pulumi.yaml`` with its
description and default; :data:`DEFAULTS` holds the same defaults (a test keeps the two equal,
because the Pulumi CLI applies the ``Pulumi.yaml`` defaults but a program run without the CLI
does not). A bad value raises :class:`ConfigError` whose message starts with the full key;
:mod:`components.config_values` holds the value checks, this module reads the stack's values.

Secrets are not fields of the dataclass: :func:`load_stack_config` reads them with
``get_secret`` so they stay ``Output``-wrapped and marked secret end to end.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pulumi

from components.config_sections import (
    AzureConfig,
    Concurrency,
    DialogflowConfig,
    LexConfig,
    OpenSourcesConfig,
    TableCapacity,
    read_alarm_email,
    read_azure,
    read_concurrency,
    read_custom_domain,
    read_dialogflow,
    read_lex,
    read_open_sources,
    read_patience,
    read_table_capacity,
)
from components.config_values import (
    CODE_SIGNING_POLICIES,
    ENVIRONMENTS,
    LOG_LEVELS,
    LOG_RETENTION_DAYS,
    MAX_LAMBDA_TIMEOUT_S,
    NAMESPACE,
    REDACTION_MODES,
    SCHEDULE,
    ConfigError,
    ValueReader,
    key,
)

#: Default of every plain key, exactly as declared in ``Pulumi.yaml``.
DEFAULTS: dict[str, Any] = {
    "environment": "dev",
    "regions": ["us-east-1"],
    "logLevel": "INFO",
    "lambdaMemoryMb": 1024,
    "lambdaTimeoutSeconds": 15,
    "reservedConcurrency": 100,
    "replayReservedConcurrency": 5,
    "analyticsReservedConcurrency": 1,
    "provisionedConcurrency": 0,
    "codeSigningPolicy": "Warn",
    "logRetentionDays": 7,
    "conversationRetentionDays": 90,
    "redactStoredPii": "off",
    "tableCapacityMode": "on-demand",
    "tableReadCapacityMin": 5,
    "tableReadCapacityMax": 100,
    "tableWriteCapacityMin": 5,
    "tableWriteCapacityMax": 100,
    "tableTargetUtilizationPercent": 70,
    "deletionProtection": False,
    "backupRetentionDays": 35,
    "backupSchedule": "cron(0 3 * * ? *)",
    "analyticsSchedule": "cron(15 0 * * ? *)",
    "apiThrottleRateLimit": 100,
    "apiThrottleBurstLimit": 200,
    "rateLimitPerMinute": 100,
    "rateLimitBurst": 200,
    "wafRateLimit": 500,
    "geoBlockCountries": [],
    "allowedOrigins": [],
    "alarmEmail": "",
    "alarmFallbackRatePercent": 30,
    "alarmPatienceSharePercent": 20,
    "alarmLatencyP90Ms": 3000,
    "alarm5xxRatePercent": 1,
    "alarm4xxRatePercent": 10,
    "customDomain": "",
    "hostedZoneId": "",
    "manageApiGatewayAccount": False,
    "nluConfidenceThreshold": "",
    "patienceFloorMs": 500,
    "patienceCeilingMs": 1200,
    "lexEnabled": True,
    "lexConversationLogs": False,
    "dialogflowEnabled": False,
    "gcpProject": "",
    "dialogflowMatchMode": "MATCH_MODE_HYBRID",
    "dialogflowTimeZone": "America/New_York",
    "dialogflowAuth": "workloadIdentity",
    "azureEnabled": False,
    "azureLocation": "westeurope",
    "azureLanguageSku": "F0",
    "azureLanguageSubdomain": "",
    "azureAllowedIpRanges": [],
    "azureActiveKey": "key1",
    "openSources": True,
    "openSourcesTimeoutMs": 2500,
    "openSourcesContact": "",
    "openMeteoUrl": "https://api.open-meteo.com",
    "openMeteoArchiveUrl": "https://archive-api.open-meteo.com",
    "frankfurterUrl": "https://api.frankfurter.dev/v1",
    "wikivoyageUrl": "https://en.wikivoyage.org/w/api.php",
}

#: Keys read with ``get_secret`` (declared in ``Pulumi.yaml`` too, default empty).
SECRET_KEYS: tuple[str, ...] = ("openweatherApiKey", "openMeteoApiKey")

__all__ = [
    "DEFAULTS",
    "LOG_RETENTION_DAYS",
    "SECRET_KEYS",
    "AzureConfig",
    "Concurrency",
    "ConfigError",
    "DialogflowConfig",
    "LexConfig",
    "OpenSourcesConfig",
    "StackConfig",
    "TableCapacity",
    "load_stack_config",
    "read_stack_file",
]


@dataclass(frozen=True, kw_only=True)
class StackConfig:
    """Everything the program needs from stack configuration, validated."""

    project: str
    stack: str
    environment: str
    regions: tuple[str, ...]
    log_level: str
    lambda_memory_mb: int
    lambda_timeout_s: int
    concurrency: Concurrency
    code_signing_policy: str
    log_retention_days: int
    conversation_retention_days: int
    #: "off", "local" (pattern redactor) or "comprehend" (Amazon Comprehend DetectPiiEntities).
    redact_stored_pii: str
    table_capacity: TableCapacity | None  # None: on-demand
    deletion_protection: bool
    backup_retention_days: int
    backup_schedule: str
    analytics_schedule: str
    api_throttle_rate_limit: int
    api_throttle_burst_limit: int
    rate_limit_per_minute: int
    rate_limit_burst: int
    waf_rate_limit: int
    geo_block_countries: tuple[str, ...]
    #: Sites that may embed the chat (frame-ancestors) and call POST /chat (CORS); none: none.
    allowed_origins: tuple[str, ...]
    alarm_email: str
    alarm_fallback_rate_percent: int
    alarm_patience_share_percent: int
    alarm_latency_p90_ms: int
    alarm_5xx_rate_percent: int
    alarm_4xx_rate_percent: int
    custom_domain: str
    hosted_zone_id: str
    manage_api_gateway_account: bool
    #: None: the bot model's threshold (Lex, Dialogflow and the runtime then keep their own).
    nlu_confidence_threshold: float | None = None
    #: The runtime's patience bounds for the cloud NLUs (ms): floor, ceiling.
    patience_ms: tuple[int, int] = (500, 1200)
    lex: LexConfig | None = None  # None: switched off
    dialogflow: DialogflowConfig | None = None
    azure: AzureConfig | None = None
    open_sources: OpenSourcesConfig | None = None  # None: switched off
    #: ``aws:defaultTags`` tags, for providers that do not read that key (aws-native).
    aws_default_tags: Mapping[str, str] = field(default_factory=dict)
    #: ``azure-native:subscriptionId`` when the stack sets it (else the provider's own default).
    azure_subscription_id: str = ""
    secrets: Mapping[str, pulumi.Output[str]] = field(default_factory=dict, repr=False)

    @property
    def primary_region(self) -> str:
        """The region holding the table, the secret and the stack-wide resources."""
        return self.regions[0]

    @property
    def name_prefix(self) -> str:
        """Prefix of the few physical names the program chooses itself."""
        return f"{self.project}-{self.stack}"

    @classmethod
    def from_values(
        cls,
        values: Mapping[str, Any],
        *,
        project: str,
        stack: str,
        secrets: Mapping[str, pulumi.Output[str]] | None = None,
    ) -> StackConfig:
        """Validate raw values (strings as Pulumi stores them, or typed); raises ConfigError."""
        unknown = sorted(set(values) - set(DEFAULTS))
        if unknown:
            raise ConfigError(f"{key(unknown[0])} is not a known configuration key")
        r = ValueReader({**DEFAULTS, **values})
        environment = r.choice("environment", ENVIRONMENTS)
        burst = r.integer("rateLimitBurst", 1, 1_000_000)
        regions = r.regions()
        domain, zone = read_custom_domain(r)
        return cls(
            project=project,
            stack=stack,
            environment=environment,
            regions=regions,
            log_level=r.choice("logLevel", LOG_LEVELS),
            lambda_memory_mb=r.integer("lambdaMemoryMb", 128, 10240),
            lambda_timeout_s=r.integer("lambdaTimeoutSeconds", 1, MAX_LAMBDA_TIMEOUT_S),
            concurrency=read_concurrency(r),
            code_signing_policy=r.choice("codeSigningPolicy", CODE_SIGNING_POLICIES),
            log_retention_days=r.choice_int("logRetentionDays", LOG_RETENTION_DAYS),
            conversation_retention_days=r.integer("conversationRetentionDays", 1, 3650),
            redact_stored_pii=r.choice("redactStoredPii", REDACTION_MODES),
            table_capacity=read_table_capacity(r),
            deletion_protection=r.boolean("deletionProtection"),
            backup_retention_days=r.integer("backupRetentionDays", 1, 36500),
            backup_schedule=r.text("backupSchedule", pattern=SCHEDULE),
            analytics_schedule=r.text("analyticsSchedule", pattern=SCHEDULE),
            api_throttle_rate_limit=r.integer("apiThrottleRateLimit", 1, 100_000),
            api_throttle_burst_limit=r.integer("apiThrottleBurstLimit", 1, 100_000),
            rate_limit_per_minute=r.integer("rateLimitPerMinute", 1, 1_000_000),
            rate_limit_burst=burst,
            # The WAF rule is the coarse shield in front of the runtime's exact token bucket:
            # a limit below the bucket's burst would block clients the bucket still allows.
            waf_rate_limit=r.integer("wafRateLimit", max(burst, 10), 2_000_000_000),
            geo_block_countries=r.countries(),
            allowed_origins=r.origins("allowedOrigins"),
            alarm_email=read_alarm_email(r, environment),
            alarm_fallback_rate_percent=r.integer("alarmFallbackRatePercent", 1, 100),
            alarm_patience_share_percent=r.integer("alarmPatienceSharePercent", 1, 100),
            alarm_latency_p90_ms=r.integer("alarmLatencyP90Ms", 10, 29_000),
            alarm_5xx_rate_percent=r.integer("alarm5xxRatePercent", 1, 100),
            alarm_4xx_rate_percent=r.integer("alarm4xxRatePercent", 1, 100),
            custom_domain=domain,
            hosted_zone_id=zone,
            manage_api_gateway_account=r.boolean("manageApiGatewayAccount"),
            nlu_confidence_threshold=r.threshold("nluConfidenceThreshold"),
            patience_ms=read_patience(r),
            lex=read_lex(r, regions),
            dialogflow=read_dialogflow(r),
            azure=read_azure(r),
            open_sources=read_open_sources(r),
            secrets=dict(secrets or {}),
        )


def load_stack_config() -> StackConfig:
    """Read the current stack's configuration once; raises ConfigError naming the bad key."""
    config = pulumi.Config(NAMESPACE)
    values = {name: raw for name in DEFAULTS if (raw := config.get(name)) is not None}
    secrets: dict[str, pulumi.Output[str]] = {}
    for name in SECRET_KEYS:
        secret = config.get_secret(name)
        if secret is not None:
            secrets[name] = secret
    config_ = StackConfig.from_values(
        values, project=pulumi.get_project(), stack=pulumi.get_stack(), secrets=secrets
    )
    aws_config = pulumi.Config("aws")
    return _providers(
        config_,
        default_tags=aws_config.get_object("defaultTags"),
        aws_region=aws_config.get("region"),
        azure_subscription=pulumi.Config("azure-native").get("subscriptionId"),
    )


def read_stack_file(root: Path, stack: str, *, project: str = NAMESPACE) -> StackConfig:
    """The configuration in ``root/Pulumi.<stack>.yaml``, validated as :func:`load_stack_config`
    validates it, for tools that run outside ``pulumi`` (``python -m tools.preflight``).

    Secret values (``secure:``) are left out: the tools that use this need none.

    Raises:
        ConfigError: naming the bad key, or the missing file.
    """
    import yaml  # a tool's dependency (requirements/dev.txt), never the program's

    path = root / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        raise ConfigError(f"no stack file {path}")
    raw = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
    prefix = f"{NAMESPACE}:"
    values = {
        name.removeprefix(prefix): value
        for name, value in raw.items()
        if name.startswith(prefix) and not (isinstance(value, dict) and "secure" in value)
    }
    values = {k: v if isinstance(v, str) else _as_text(v) for k, v in values.items()}
    config_ = StackConfig.from_values(values, project=project, stack=stack)
    return _providers(
        config_,
        default_tags=raw.get("aws:defaultTags"),
        aws_region=raw.get("aws:region"),
        azure_subscription=raw.get("azure-native:subscriptionId"),
    )


def _as_text(value: Any) -> str:
    """A YAML value as the Pulumi CLI hands it to the program (lists as JSON, bools lower)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


def _providers(
    config_: StackConfig,
    *,
    default_tags: Any,
    aws_region: Any,
    azure_subscription: Any,
) -> StackConfig:
    """The provider settings the program reads besides its own namespace, checked."""
    tags = default_tags.get("tags") if isinstance(default_tags, dict) else None
    if tags is not None:
        if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
            raise ConfigError(f"aws:defaultTags must hold a map of string tags, got {tags!r}")
        config_ = replace(config_, aws_default_tags=dict(tags))
    if aws_region and aws_region != config_.primary_region:
        raise ConfigError(
            f"aws:region is {aws_region!r} but the first of {key('regions')} is "
            f"{config_.primary_region!r}; they must agree"
        )
    if azure_subscription:
        config_ = replace(config_, azure_subscription_id=str(azure_subscription))
    return config_
