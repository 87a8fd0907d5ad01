"""Validation of raw stack configuration values (no Pulumi calls; :mod:`components.config` reads).

:class:`ValueReader` turns the strings the Pulumi CLI passes (or typed values from tests) into
checked Python values; every error is a :class:`ConfigError` whose message starts with the full
key (``travelbot:<key>``), so an operator knows which line of ``Pulumi.<stack>.yaml`` to fix.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import re
import zoneinfo
from collections.abc import Mapping, Sequence
from typing import Any

import botocore.session

from runtime.contract import origin_problem

NAMESPACE = "travelbot"

ENVIRONMENTS = ("dev", "staging", "prod")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
REDACTION_MODES = ("off", "local", "comprehend")
#: The values CloudWatch Logs accepts for ``retentionInDays``.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
)  # fmt: skip
#: API Gateway's hard integration timeout is 29 s: the function must finish before it.
MAX_LAMBDA_TIMEOUT_S = 28
DIALOGFLOW_MATCH_MODES = ("MATCH_MODE_HYBRID", "MATCH_MODE_ML_ONLY")
#: How the runtime authenticates to Dialogflow: keyless federation from its AWS role (default),
#: or a service-account key in the secret (opt-in, where an organisation still allows keys).
DIALOGFLOW_AUTH_MODES = ("workloadIdentity", "serviceAccountKey")
AZURE_LANGUAGE_SKUS = ("F0", "S")
#: The two access keys of an Azure AI services account (rotation swaps between them).
AZURE_KEY_NAMES = ("key1", "key2")
#: Lambda code signing: ``Enforce`` refuses unsigned code, ``Warn`` deploys it and logs.
CODE_SIGNING_POLICIES = ("Warn", "Enforce")
#: The account has one pool of concurrency per region; Lambda keeps this much unreserved.
LAMBDA_UNRESERVED_MINIMUM = 100
#: ``-`` and 8 hex digits appended to ``azureLanguageSubdomain`` (see components.azure_language).
AZURE_SUBDOMAIN_SUFFIX_CHARS = 9

_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
HOSTNAME = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
SCHEDULE = re.compile(r"^(cron|rate)\(.+\)$")
GCP_PROJECT = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
AZURE_LOCATION = re.compile(r"^[a-z][a-z0-9]+$")
#: Azure allows 2..64 characters; the prefix leaves room for the random suffix.
AZURE_SUBDOMAIN_PREFIX = re.compile(
    rf"^[a-z0-9][a-z0-9-]{{0,{62 - AZURE_SUBDOMAIN_SUFFIX_CHARS}}}[a-z0-9]$"
)
#: The areas of the IANA database's geographic zones. Dialogflow ES documents its agent time
#: zone as "from the time zone database, e.g., America/New_York, Europe/Paris" and refuses
#: values outside its own list ("AgentModel.defaultTimezone ... is not a supported timezone");
#: every documented example is Area/Location, none is ``Etc/*``, ``UTC`` or a legacy alias.
TIME_ZONE_AREAS = (
    "Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian",
    "Pacific",
)  # fmt: skip


class ConfigError(ValueError):
    """A stack configuration value is missing, malformed or out of range; names the key."""


def key(name: str) -> str:
    """The full key as it appears in a stack file (``travelbot:<name>``)."""
    return f"{NAMESPACE}:{name}"


def dialogflow_time_zone(value: str) -> bool:
    """True for an IANA Area/Location zone of the kind Dialogflow ES accepts (see above)."""
    area = value.split("/", 1)[0]
    return area in TIME_ZONE_AREAS and "/" in value and value in _iana_zones()


@functools.cache
def _iana_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@functools.cache
def lex_regions() -> frozenset[str]:
    """Regions that offer Lex V2, from botocore's bundled endpoint data (empty if unknown)."""
    session = botocore.session.get_session()
    regions: set[str] = set()
    for partition in session.get_available_partitions():
        regions.update(session.get_available_regions("lexv2-models", partition_name=partition))
    return frozenset(regions)


class ValueReader:
    """Typed accessors over raw values; every error names the full key."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = values

    def raw(self, name: str) -> Any:
        """The value as given (a string from the CLI, or a typed value)."""
        return self._values[name]

    def text(
        self, name: str, *, pattern: re.Pattern[str] | None = None, allow_empty: bool = False
    ) -> str:
        """A string, stripped; empty only with ``allow_empty``; matching ``pattern`` if given."""
        value = self.raw(name)
        if not isinstance(value, str):
            raise ConfigError(f"{key(name)} must be a string, got {value!r}")
        value = value.strip()
        if not value and allow_empty:
            return ""
        if not value or (pattern is not None and not pattern.match(value)):
            raise ConfigError(f"{key(name)} is not valid: {value!r}")
        return value

    def choice(self, name: str, options: Sequence[str]) -> str:
        """One of ``options``."""
        value = self.text(name)
        if value not in options:
            raise ConfigError(f"{key(name)} must be one of {', '.join(options)}; got {value!r}")
        return value

    def integer(self, name: str, low: int, high: int) -> int:
        """An integer in ``low..high`` (the CLI passes numbers as strings)."""
        value = self.raw(name)
        if isinstance(value, str):
            try:
                value = int(value.strip())
            except ValueError:
                raise ConfigError(f"{key(name)} must be an integer, got {value!r}") from None
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{key(name)} must be an integer, got {value!r}")
        if not low <= value <= high:
            raise ConfigError(f"{key(name)} must be between {low} and {high}, got {value}")
        return value

    def choice_int(self, name: str, options: Sequence[int]) -> int:
        """One of the integers ``options``."""
        value = self.integer(name, min(options), max(options))
        if value not in options:
            raise ConfigError(f"{key(name)} must be one of {list(options)}, got {value}")
        return value

    def boolean(self, name: str) -> bool:
        """``true`` or ``false`` (any case), or a bool."""
        value = self.raw(name)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise ConfigError(f"{key(name)} must be true or false, got {value!r}")

    def string_list(self, name: str) -> tuple[str, ...]:
        """A list of strings (JSON text from the CLI)."""
        value = self.raw(name)
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise ConfigError(f"{key(name)} must be a JSON list, got {value!r}") from None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{key(name)} must be a list of strings, got {value!r}")
        return tuple(value)

    def regions(self) -> tuple[str, ...]:
        """``regions``: at least one, well-formed, no repeats."""
        regions = self.string_list("regions")
        if not regions:
            raise ConfigError(f"{key('regions')} must name at least one region")
        for region in regions:
            if not _REGION.match(region):
                raise ConfigError(f"{key('regions')} has an invalid region {region!r}")
        if len(set(regions)) != len(regions):
            raise ConfigError(f"{key('regions')} lists a region twice: {list(regions)}")
        return regions

    def countries(self) -> tuple[str, ...]:
        """``geoBlockCountries``: ISO 3166 alpha-2 codes."""
        countries = self.string_list("geoBlockCountries")
        for country in countries:
            if not _COUNTRY.match(country):
                raise ConfigError(
                    f"{key('geoBlockCountries')} needs ISO 3166 alpha-2 codes, got {country!r}"
                )
        return countries

    def origins(self, name: str) -> tuple[str, ...]:
        """Web origins as browsers send them (``https://host[:port]``), no wildcard, no repeat."""
        origins = self.string_list(name)
        for origin in origins:
            problem = origin_problem(origin)
            if problem is not None:
                raise ConfigError(f"{key(name)} has {origin!r}, which {problem}")
        if len(set(origins)) != len(origins):
            raise ConfigError(f"{key(name)} lists an origin twice: {list(origins)}")
        return origins

    def threshold(self, name: str) -> float | None:
        """A confidence threshold in (0, 1], or None when empty."""
        value = self.raw(name)
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                value = float(value.strip())
            except ValueError:
                raise ConfigError(f"{key(name)} must be a number, got {value!r}") from None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{key(name)} must be a number, got {value!r}")
        # 0 would mean "Dialogflow's default" there and "accept anything" in Lex.
        if not 0 < value <= 1:
            raise ConfigError(f"{key(name)} must be above 0 and at most 1, got {value}")
        return float(value)

    def time_zone(self, name: str) -> str:
        """An IANA Area/Location zone Dialogflow ES accepts (see :func:`dialogflow_time_zone`)."""
        value = self.text(name)
        if not dialogflow_time_zone(value):
            raise ConfigError(
                f"{key(name)} must be an IANA Area/Location time zone such as America/New_York "
                f"or Europe/Paris (Dialogflow ES refuses Etc/*, UTC and legacy names), "
                f"got {value!r}"
            )
        return value

    def ip_ranges(self, name: str) -> tuple[str, ...]:
        """IPv4 addresses or CIDR ranges."""
        ranges = self.string_list(name)
        for value in ranges:
            try:
                ipaddress.IPv4Network(value, strict=True)
            except ValueError:
                raise ConfigError(f"{key(name)} has an invalid IPv4 range {value!r}") from None
        return ranges
