"""The stack configuration, read once and validated into a frozen :class:`StackConfig`.

Every key lives in the ``travelbot`` namespace and is declared in ``Pulumi.yaml`` with its
description and default; :data:`DEFAULTS` holds the same defaults (a test keeps the two equal,
because the Pulumi CLI applies the ``Pulumi.yaml`` defaults but a program run without the CLI
does not). A bad value raises :class:`ConfigError` whose message starts with the full key.

Secrets are not fields of the dataclass: :func:`load_stack_config` reads them with
``get_secret`` so they stay ``Output``-wrapped and marked secret end to end.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import botocore.session
import pulumi

NAMESPACE = "travelbot"

#: Default of every plain key, exactly as declared in ``Pulumi.yaml``.
DEFAULTS: dict[str, Any] = {
    "environment": "dev",
    "regions": ["us-east-1"],
    "logLevel": "INFO",
    "lambdaMemoryMb": 1024,
    "lambdaTimeoutSeconds": 15,
    "reservedConcurrency": 100,
    "provisionedConcurrency": 0,
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
    "alarmEmail": "",
    "alarmFallbackRatePercent": 30,
    "alarmLatencyP90Ms": 3000,
    "alarm5xxRatePercent": 1,
    "alarm4xxRatePercent": 10,
    "customDomain": "",
    "hostedZoneId": "",
    "manageApiGatewayAccount": True,
    "nluConfidenceThreshold": "",
    "lexEnabled": True,
    "lexConversationLogs": False,
    "dialogflowEnabled": False,
    "gcpProject": "",
    "dialogflowMatchMode": "MATCH_MODE_HYBRID",
    "dialogflowTimeZone": "Etc/UTC",
    "azureEnabled": False,
    "azureLocation": "westeurope",
    "azureLanguageSku": "F0",
    "azureLanguageSubdomain": "",
    "azureAllowedIpRanges": [],
}

#: Keys read with ``get_secret`` (declared in ``Pulumi.yaml`` too, default empty).
SECRET_KEYS: tuple[str, ...] = ("openweatherApiKey",)

ENVIRONMENTS = ("dev", "staging", "prod")
REDACTION_MODES = ("off", "local", "comprehend")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
#: The values CloudWatch Logs accepts for ``retentionInDays``.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
)  # fmt: skip
#: API Gateway's hard integration timeout is 29 s: the function must finish before it.
MAX_LAMBDA_TIMEOUT_S = 28

_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HOSTNAME = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_SCHEDULE = re.compile(r"^(cron|rate)\(.+\)$")
_GCP_PROJECT = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
_TIME_ZONE = re.compile(r"^[A-Za-z]+(/[A-Za-z0-9_+-]+){1,2}$")  # IANA: Etc/UTC, Europe/Paris
_AZURE_LOCATION = re.compile(r"^[a-z][a-z0-9]+$")
_AZURE_SUBDOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$")
DIALOGFLOW_MATCH_MODES = ("MATCH_MODE_HYBRID", "MATCH_MODE_ML_ONLY")
AZURE_LANGUAGE_SKUS = ("F0", "S")


class ConfigError(ValueError):
    """A stack configuration value is missing, malformed or out of range; names the key."""


@dataclass(frozen=True, kw_only=True)
class TableCapacity:
    """Provisioned capacity bounds for the table when its load is predictable."""

    read_min: int
    read_max: int
    write_min: int
    write_max: int
    target_utilization_percent: int


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


@dataclass(frozen=True, kw_only=True)
class AzureConfig:
    """Azure AI Language is on: one account per stack."""

    location: str
    sku: str
    subdomain: str
    allowed_ip_ranges: tuple[str, ...]


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
    reserved_concurrency: int
    provisioned_concurrency: int
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
            raise ConfigError(f"{_key(unknown[0])} is not a known configuration key")
        r = _Reader({**DEFAULTS, **values})
        memory = r.integer("lambdaMemoryMb", 128, 10240)
        timeout = r.integer("lambdaTimeoutSeconds", 1, MAX_LAMBDA_TIMEOUT_S)
        reserved = r.integer("reservedConcurrency", 1, 10000)
        provisioned = r.integer("provisionedConcurrency", 0, 10000)
        if provisioned >= reserved:
            raise ConfigError(
                f"{_key('provisionedConcurrency')} must be below reservedConcurrency "
                f"({reserved}), got {provisioned}"
            )
        burst = r.integer("rateLimitBurst", 1, 1_000_000)
        regions = r.regions()
        custom_domain = r.text("customDomain", pattern=_HOSTNAME, allow_empty=True)
        hosted_zone = r.text("hostedZoneId", allow_empty=True)
        if custom_domain and not hosted_zone:
            raise ConfigError(f"{_key('hostedZoneId')} is required when customDomain is set")
        return cls(
            project=project,
            stack=stack,
            environment=r.choice("environment", ENVIRONMENTS),
            regions=regions,
            log_level=r.choice("logLevel", LOG_LEVELS),
            lambda_memory_mb=memory,
            lambda_timeout_s=timeout,
            reserved_concurrency=reserved,
            provisioned_concurrency=provisioned,
            log_retention_days=r.choice_int("logRetentionDays", LOG_RETENTION_DAYS),
            conversation_retention_days=r.integer("conversationRetentionDays", 1, 3650),
            redact_stored_pii=r.choice("redactStoredPii", REDACTION_MODES),
            table_capacity=r.table_capacity(),
            deletion_protection=r.boolean("deletionProtection"),
            backup_retention_days=r.integer("backupRetentionDays", 1, 36500),
            backup_schedule=r.text("backupSchedule", pattern=_SCHEDULE),
            analytics_schedule=r.text("analyticsSchedule", pattern=_SCHEDULE),
            api_throttle_rate_limit=r.integer("apiThrottleRateLimit", 1, 100_000),
            api_throttle_burst_limit=r.integer("apiThrottleBurstLimit", 1, 100_000),
            rate_limit_per_minute=r.integer("rateLimitPerMinute", 1, 1_000_000),
            rate_limit_burst=burst,
            # The WAF rule is the coarse shield in front of the runtime's exact token bucket:
            # a limit below the bucket's burst would block clients the bucket still allows.
            waf_rate_limit=r.integer("wafRateLimit", max(burst, 10), 2_000_000_000),
            geo_block_countries=r.countries(),
            alarm_email=r.text("alarmEmail", pattern=_EMAIL, allow_empty=True),
            alarm_fallback_rate_percent=r.integer("alarmFallbackRatePercent", 1, 100),
            alarm_latency_p90_ms=r.integer("alarmLatencyP90Ms", 10, 29_000),
            alarm_5xx_rate_percent=r.integer("alarm5xxRatePercent", 1, 100),
            alarm_4xx_rate_percent=r.integer("alarm4xxRatePercent", 1, 100),
            custom_domain=custom_domain,
            hosted_zone_id=hosted_zone,
            manage_api_gateway_account=r.boolean("manageApiGatewayAccount"),
            nlu_confidence_threshold=r.threshold("nluConfidenceThreshold"),
            lex=r.lex(regions=regions),
            dialogflow=r.dialogflow(),
            azure=r.azure(),
            secrets=dict(secrets or {}),
        )


def _key(name: str) -> str:
    return f"{NAMESPACE}:{name}"


class _Reader:
    """Typed accessors over raw values; every error names the full key."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = values

    def _raw(self, key: str) -> Any:
        return self._values[key]

    def text(
        self, key: str, *, pattern: re.Pattern[str] | None = None, allow_empty: bool = False
    ) -> str:
        value = self._raw(key)
        if not isinstance(value, str):
            raise ConfigError(f"{_key(key)} must be a string, got {value!r}")
        value = value.strip()
        if not value and allow_empty:
            return ""
        if not value or (pattern is not None and not pattern.match(value)):
            raise ConfigError(f"{_key(key)} is not valid: {value!r}")
        return value

    def choice(self, key: str, options: Sequence[str]) -> str:
        value = self.text(key)
        if value not in options:
            raise ConfigError(f"{_key(key)} must be one of {', '.join(options)}; got {value!r}")
        return value

    def integer(self, key: str, low: int, high: int) -> int:
        value = self._raw(key)
        if isinstance(value, str):
            try:
                value = int(value.strip())
            except ValueError:
                raise ConfigError(f"{_key(key)} must be an integer, got {value!r}") from None
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{_key(key)} must be an integer, got {value!r}")
        if not low <= value <= high:
            raise ConfigError(f"{_key(key)} must be between {low} and {high}, got {value}")
        return value

    def choice_int(self, key: str, options: Sequence[int]) -> int:
        value = self.integer(key, min(options), max(options))
        if value not in options:
            raise ConfigError(f"{_key(key)} must be one of {list(options)}, got {value}")
        return value

    def boolean(self, key: str) -> bool:
        value = self._raw(key)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise ConfigError(f"{_key(key)} must be true or false, got {value!r}")

    def string_list(self, key: str) -> tuple[str, ...]:
        value = self._raw(key)
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise ConfigError(f"{_key(key)} must be a JSON list, got {value!r}") from None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{_key(key)} must be a list of strings, got {value!r}")
        return tuple(value)

    def regions(self) -> tuple[str, ...]:
        regions = self.string_list("regions")
        if not regions:
            raise ConfigError(f"{_key('regions')} must name at least one region")
        for region in regions:
            if not _REGION.match(region):
                raise ConfigError(f"{_key('regions')} has an invalid region {region!r}")
        if len(set(regions)) != len(regions):
            raise ConfigError(f"{_key('regions')} lists a region twice: {list(regions)}")
        return regions

    def countries(self) -> tuple[str, ...]:
        countries = self.string_list("geoBlockCountries")
        for country in countries:
            if not _COUNTRY.match(country):
                raise ConfigError(
                    f"{_key('geoBlockCountries')} needs ISO 3166 alpha-2 codes, got {country!r}"
                )
        return countries

    def threshold(self, key: str) -> float | None:
        value = self._raw(key)
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                value = float(value.strip())
            except ValueError:
                raise ConfigError(f"{_key(key)} must be a number, got {value!r}") from None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{_key(key)} must be a number, got {value!r}")
        # 0 would mean "Dialogflow's default" there and "accept anything" in Lex.
        if not 0 < value <= 1:
            raise ConfigError(f"{_key(key)} must be above 0 and at most 1, got {value}")
        return float(value)

    def lex(self, *, regions: Sequence[str]) -> LexConfig | None:
        if not self.boolean("lexEnabled"):
            return None
        available = lex_regions()
        for region in regions:
            if available and region not in available:
                raise ConfigError(
                    f"{_key('lexEnabled')} is true but Lex V2 is not offered in {region} "
                    f"(one of {_key('regions')}); it is in {', '.join(sorted(available))}"
                )
        return LexConfig(conversation_logs=self.boolean("lexConversationLogs"))

    def dialogflow(self) -> DialogflowConfig | None:
        if not self.boolean("dialogflowEnabled"):
            return None
        if not self.text("gcpProject", allow_empty=True):
            raise ConfigError(f"{_key('gcpProject')} is required when dialogflowEnabled is true")
        return DialogflowConfig(
            project=self.text("gcpProject", pattern=_GCP_PROJECT),
            match_mode=self.choice("dialogflowMatchMode", DIALOGFLOW_MATCH_MODES),
            time_zone=self.text("dialogflowTimeZone", pattern=_TIME_ZONE),
        )

    def azure(self) -> AzureConfig | None:
        if not self.boolean("azureEnabled"):
            return None
        if not self.text("azureLanguageSubdomain", allow_empty=True):
            raise ConfigError(
                f"{_key('azureLanguageSubdomain')} is required when azureEnabled is true"
            )
        return AzureConfig(
            location=self.text("azureLocation", pattern=_AZURE_LOCATION),
            sku=self.choice("azureLanguageSku", AZURE_LANGUAGE_SKUS),
            subdomain=self.text("azureLanguageSubdomain", pattern=_AZURE_SUBDOMAIN),
            allowed_ip_ranges=self.ip_ranges("azureAllowedIpRanges"),
        )

    def ip_ranges(self, key: str) -> tuple[str, ...]:
        ranges = self.string_list(key)
        for value in ranges:
            try:
                ipaddress.IPv4Network(value, strict=True)
            except ValueError:
                raise ConfigError(f"{_key(key)} has an invalid IPv4 range {value!r}") from None
        return ranges

    def table_capacity(self) -> TableCapacity | None:
        if self.choice("tableCapacityMode", ("on-demand", "provisioned")) == "on-demand":
            return None
        capacity = TableCapacity(
            read_min=self.integer("tableReadCapacityMin", 1, 40_000),
            read_max=self.integer("tableReadCapacityMax", 1, 40_000),
            write_min=self.integer("tableWriteCapacityMin", 1, 40_000),
            write_max=self.integer("tableWriteCapacityMax", 1, 40_000),
            target_utilization_percent=self.integer("tableTargetUtilizationPercent", 20, 90),
        )
        if capacity.read_min > capacity.read_max:
            raise ConfigError(f"{_key('tableReadCapacityMin')} must not exceed the maximum")
        if capacity.write_min > capacity.write_max:
            raise ConfigError(f"{_key('tableWriteCapacityMin')} must not exceed the maximum")
        return capacity


@functools.cache
def lex_regions() -> frozenset[str]:
    """Regions that offer Lex V2, from botocore's bundled endpoint data (empty if unknown)."""
    session = botocore.session.get_session()
    regions: set[str] = set()
    for partition in session.get_available_partitions():
        regions.update(session.get_available_regions("lexv2-models", partition_name=partition))
    return frozenset(regions)


def load_stack_config() -> StackConfig:
    """Read the current stack's configuration once; raises ConfigError naming the bad key."""
    config = pulumi.Config(NAMESPACE)
    values = {key: raw for key in DEFAULTS if (raw := config.get(key)) is not None}
    secrets: dict[str, pulumi.Output[str]] = {}
    for key in SECRET_KEYS:
        secret = config.get_secret(key)
        if secret is not None:
            secrets[key] = secret
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
            f"aws:region is {provider_region!r} but the first of {_key('regions')} is "
            f"{config_.primary_region!r}; they must agree"
        )
    return config_
