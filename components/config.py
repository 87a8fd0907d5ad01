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

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pulumi

from components.config_values import (
    AZURE_KEY_NAMES,
    AZURE_LANGUAGE_SKUS,
    AZURE_LOCATION,
    AZURE_SUBDOMAIN_PREFIX,
    CODE_SIGNING_POLICIES,
    DIALOGFLOW_AUTH_MODES,
    DIALOGFLOW_MATCH_MODES,
    EMAIL,
    ENVIRONMENTS,
    GCP_PROJECT,
    HOSTNAME,
    LOG_LEVELS,
    LOG_RETENTION_DAYS,
    MAX_LAMBDA_TIMEOUT_S,
    NAMESPACE,
    SCHEDULE,
    ConfigError,
    ValueReader,
    key,
    lex_regions,
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
    "alarmEmail": "",
    "alarmFallbackRatePercent": 30,
    "alarmLatencyP90Ms": 3000,
    "alarm5xxRatePercent": 1,
    "alarm4xxRatePercent": 10,
    "customDomain": "",
    "hostedZoneId": "",
    "manageApiGatewayAccount": False,
    "nluConfidenceThreshold": "",
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
}

#: Keys read with ``get_secret`` (declared in ``Pulumi.yaml`` too, default empty).
SECRET_KEYS: tuple[str, ...] = ("openweatherApiKey",)

__all__ = [
    "DEFAULTS",
    "LOG_RETENTION_DAYS",
    "SECRET_KEYS",
    "AzureConfig",
    "Concurrency",
    "ConfigError",
    "DialogflowConfig",
    "LexConfig",
    "StackConfig",
    "TableCapacity",
    "load_stack_config",
]


@dataclass(frozen=True, kw_only=True)
class TableCapacity:
    """Provisioned capacity bounds for the table when its load is predictable."""

    read_min: int
    read_max: int
    write_min: int
    write_max: int
    target_utilization_percent: int


@dataclass(frozen=True, kw_only=True)
class Concurrency:
    """Reserved concurrency of each function in a region, and the chat alias's warm pool.

    Lambda keeps 100 of a region's concurrency quota unreserved, so an account needs a quota of
    at least :attr:`reserved_total` + 100 in every served region; ``python -m tools.preflight``
    checks that against the real quota before the first ``pulumi up``.
    """

    chat: int
    replay: int
    analytics: int
    provisioned: int

    @property
    def reserved_total(self) -> int:
        """What the three functions reserve together in one region."""
        return self.chat + self.replay + self.analytics


@dataclass(frozen=True, kw_only=True)
class LexConfig:
    """Lex V2 is on: one bot per served region."""

    conversation_logs: bool


@dataclass(frozen=True, kw_only=True)
class DialogflowConfig:
    """Dialogflow ES is on: one agent per stack in this GCP project."""

    project: str
    match_mode: str
    time_zone: str
    #: ``workloadIdentity`` (keyless, default) or ``serviceAccountKey`` (opt-in).
    auth: str = "workloadIdentity"

    @property
    def keyless(self) -> bool:
        """The runtime federates from its AWS role; no Google key exists anywhere."""
        return self.auth == "workloadIdentity"


@dataclass(frozen=True, kw_only=True)
class AzureConfig:
    """Azure AI Language is on: one account per stack."""

    location: str
    sku: str
    #: The custom subdomain's prefix; the account appends a random suffix (soft delete).
    subdomain: str
    allowed_ip_ranges: tuple[str, ...]
    #: Which of the account's two keys goes into the secret (rotate by switching, see docs).
    active_key: str = "key1"


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
    alarm_email: str
    alarm_fallback_rate_percent: int
    alarm_latency_p90_ms: int
    alarm_5xx_rate_percent: int
    alarm_4xx_rate_percent: int
    custom_domain: str
    hosted_zone_id: str
    manage_api_gateway_account: bool
    #: None: the bot model's threshold (Lex, Dialogflow and the runtime then keep their own).
    nlu_confidence_threshold: float | None = None
    lex: LexConfig | None = None  # None: switched off
    dialogflow: DialogflowConfig | None = None
    azure: AzureConfig | None = None
    #: ``aws:defaultTags`` tags, for providers that do not read that key (aws-native).
    aws_default_tags: Mapping[str, str] = field(default_factory=dict)
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
        domain, zone = _custom_domain(r)
        return cls(
            project=project,
            stack=stack,
            environment=environment,
            regions=regions,
            log_level=r.choice("logLevel", LOG_LEVELS),
            lambda_memory_mb=r.integer("lambdaMemoryMb", 128, 10240),
            lambda_timeout_s=r.integer("lambdaTimeoutSeconds", 1, MAX_LAMBDA_TIMEOUT_S),
            concurrency=_concurrency(r),
            code_signing_policy=r.choice("codeSigningPolicy", CODE_SIGNING_POLICIES),
            log_retention_days=r.choice_int("logRetentionDays", LOG_RETENTION_DAYS),
            conversation_retention_days=r.integer("conversationRetentionDays", 1, 3650),
            table_capacity=_table_capacity(r),
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
            alarm_email=_alarm_email(r, environment),
            alarm_fallback_rate_percent=r.integer("alarmFallbackRatePercent", 1, 100),
            alarm_latency_p90_ms=r.integer("alarmLatencyP90Ms", 10, 29_000),
            alarm_5xx_rate_percent=r.integer("alarm5xxRatePercent", 1, 100),
            alarm_4xx_rate_percent=r.integer("alarm4xxRatePercent", 1, 100),
            custom_domain=domain,
            hosted_zone_id=zone,
            manage_api_gateway_account=r.boolean("manageApiGatewayAccount"),
            nlu_confidence_threshold=r.threshold("nluConfidenceThreshold"),
            lex=_lex(r, regions),
            dialogflow=_dialogflow(r),
            azure=_azure(r),
            secrets=dict(secrets or {}),
        )


def _concurrency(r: ValueReader) -> Concurrency:
    chat = r.integer("reservedConcurrency", 1, 10000)
    provisioned = r.integer("provisionedConcurrency", 0, 10000)
    if provisioned >= chat:
        raise ConfigError(
            f"{key('provisionedConcurrency')} must be below reservedConcurrency "
            f"({chat}), got {provisioned}"
        )
    return Concurrency(
        chat=chat,
        # The replay function's SQS source runs at most 2 at a time (maximum_concurrency).
        replay=r.integer("replayReservedConcurrency", 2, 1000),
        analytics=r.integer("analyticsReservedConcurrency", 1, 10),
        provisioned=provisioned,
    )


def _alarm_email(r: ValueReader, environment: str) -> str:
    email = r.text("alarmEmail", pattern=EMAIL, allow_empty=True)
    if environment == "prod" and not email:
        raise ConfigError(
            f"{key('alarmEmail')} is required for a prod stack: its alarms must notify "
            "someone (pulumi config set alarmEmail oncall@example.org)"
        )
    return email


def _custom_domain(r: ValueReader) -> tuple[str, str]:
    domain = r.text("customDomain", pattern=HOSTNAME, allow_empty=True)
    zone = r.text("hostedZoneId", allow_empty=True)
    if domain and not zone:
        raise ConfigError(f"{key('hostedZoneId')} is required when customDomain is set")
    return domain, zone


def _lex(r: ValueReader, regions: tuple[str, ...]) -> LexConfig | None:
    if not r.boolean("lexEnabled"):
        return None
    available = lex_regions()
    for region in regions:
        if available and region not in available:
            raise ConfigError(
                f"{key('lexEnabled')} is true but Lex V2 is not offered in {region} "
                f"(one of {key('regions')}); it is in {', '.join(sorted(available))}"
            )
    return LexConfig(conversation_logs=r.boolean("lexConversationLogs"))


def _dialogflow(r: ValueReader) -> DialogflowConfig | None:
    if not r.boolean("dialogflowEnabled"):
        return None
    if not r.text("gcpProject", allow_empty=True):
        raise ConfigError(f"{key('gcpProject')} is required when dialogflowEnabled is true")
    return DialogflowConfig(
        project=r.text("gcpProject", pattern=GCP_PROJECT),
        match_mode=r.choice("dialogflowMatchMode", DIALOGFLOW_MATCH_MODES),
        time_zone=r.time_zone("dialogflowTimeZone"),
        auth=r.choice("dialogflowAuth", DIALOGFLOW_AUTH_MODES),
    )


def _azure(r: ValueReader) -> AzureConfig | None:
    if not r.boolean("azureEnabled"):
        return None
    if not r.text("azureLanguageSubdomain", allow_empty=True):
        raise ConfigError(f"{key('azureLanguageSubdomain')} is required when azureEnabled is true")
    return AzureConfig(
        location=r.text("azureLocation", pattern=AZURE_LOCATION),
        sku=r.choice("azureLanguageSku", AZURE_LANGUAGE_SKUS),
        subdomain=r.text("azureLanguageSubdomain", pattern=AZURE_SUBDOMAIN_PREFIX),
        allowed_ip_ranges=r.ip_ranges("azureAllowedIpRanges"),
        active_key=r.choice("azureActiveKey", AZURE_KEY_NAMES),
    )


def _table_capacity(r: ValueReader) -> TableCapacity | None:
    if r.choice("tableCapacityMode", ("on-demand", "provisioned")) == "on-demand":
        return None
    capacity = TableCapacity(
        read_min=r.integer("tableReadCapacityMin", 1, 40_000),
        read_max=r.integer("tableReadCapacityMax", 1, 40_000),
        write_min=r.integer("tableWriteCapacityMin", 1, 40_000),
        write_max=r.integer("tableWriteCapacityMax", 1, 40_000),
        target_utilization_percent=r.integer("tableTargetUtilizationPercent", 20, 90),
    )
    if capacity.read_min > capacity.read_max:
        raise ConfigError(f"{key('tableReadCapacityMin')} must not exceed the maximum")
    if capacity.write_min > capacity.write_max:
        raise ConfigError(f"{key('tableWriteCapacityMin')} must not exceed the maximum")
    return capacity


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
    default_tags = aws_config.get_object("defaultTags") or {}
    tags = default_tags.get("tags") if isinstance(default_tags, dict) else None
    if tags is not None:
        if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
            raise ConfigError(f"aws:defaultTags must hold a map of string tags, got {tags!r}")
        config_ = replace(config_, aws_default_tags=dict(tags))
    provider_region = aws_config.get("region")
    if provider_region and provider_region != config_.primary_region:
        raise ConfigError(
            f"aws:region is {provider_region!r} but the first of {key('regions')} is "
            f"{config_.primary_region!r}; they must agree"
        )
    return config_
