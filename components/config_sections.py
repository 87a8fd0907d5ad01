"""The parts of the stack configuration that belong together, and how each is read.

Each ``read_*`` function takes a :class:`components.config_values.ValueReader` over the stack's
raw values and returns one part of :class:`components.config.StackConfig` (or None for a cloud
that is off); every error names the key. :mod:`components.config` assembles them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from components.config_values import (
    AZURE_KEY_NAMES,
    AZURE_LANGUAGE_SKUS,
    AZURE_LOCATION,
    AZURE_SUBDOMAIN_PREFIX,
    DIALOGFLOW_AUTH_MODES,
    DIALOGFLOW_MATCH_MODES,
    EMAIL,
    GCP_PROJECT,
    HOSTNAME,
    ConfigError,
    ValueReader,
    key,
    lex_regions,
)

HTTPS_URL = re.compile(r"^https://[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9._~/%-]*)?$")


@dataclass(frozen=True, kw_only=True)
class OpenSourcesConfig:
    """The keyless open-data sources the function calls (weather, rates, travel guide)."""

    timeout_s: float
    contact: str
    open_meteo_url: str
    open_meteo_archive_url: str
    frankfurter_url: str
    wikivoyage_url: str


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


def read_concurrency(r: ValueReader) -> Concurrency:
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


def read_alarm_email(r: ValueReader, environment: str) -> str:
    email = r.text("alarmEmail", pattern=EMAIL, allow_empty=True)
    if environment == "prod" and not email:
        raise ConfigError(
            f"{key('alarmEmail')} is required for a prod stack: its alarms must notify "
            "someone (pulumi config set alarmEmail oncall@example.org)"
        )
    return email


def read_custom_domain(r: ValueReader) -> tuple[str, str]:
    domain = r.text("customDomain", pattern=HOSTNAME, allow_empty=True)
    zone = r.text("hostedZoneId", allow_empty=True)
    if domain and not zone:
        raise ConfigError(f"{key('hostedZoneId')} is required when customDomain is set")
    return domain, zone


def read_lex(r: ValueReader, regions: tuple[str, ...]) -> LexConfig | None:
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


def read_dialogflow(r: ValueReader) -> DialogflowConfig | None:
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


def read_azure(r: ValueReader) -> AzureConfig | None:
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


def read_table_capacity(r: ValueReader) -> TableCapacity | None:
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


def read_open_sources(r: ValueReader) -> OpenSourcesConfig | None:
    """The open-data sources' settings, or ``None`` when ``openSources`` is false."""
    if not r.boolean("openSources"):
        return None
    return OpenSourcesConfig(
        timeout_s=r.integer("openSourcesTimeoutMs", 100, 10_000) / 1000,
        contact=r.text("openSourcesContact", allow_empty=True)[:200],
        open_meteo_url=r.text("openMeteoUrl", pattern=HTTPS_URL),
        open_meteo_archive_url=r.text("openMeteoArchiveUrl", pattern=HTTPS_URL),
        frankfurter_url=r.text("frankfurterUrl", pattern=HTTPS_URL),
        wikivoyage_url=r.text("wikivoyageUrl", pattern=HTTPS_URL),
    )


def read_patience(r: ValueReader) -> tuple[int, int]:
    """The patience bounds (ms): floor and ceiling, the floor not above the ceiling."""
    floor = r.integer("patienceFloorMs", 0, 30_000)
    ceiling = r.integer("patienceCeilingMs", 0, 30_000)
    if floor > ceiling:
        raise ConfigError(f"{key('patienceFloorMs')} ({floor}) must not exceed patienceCeilingMs")
    return floor, ceiling
