"""What the chat function needs to reach the keyless open-data sources, from stack config.

The function is not in a VPC, so it reaches the public internet directly (Lambda's own egress):
Open-Meteo, Frankfurter and Wikivoyage need no NAT gateway, no endpoint and no IAM permission.
What the stack decides is whether they are called at all, where (base URLs, so a self-hosted or
commercial Open-Meteo can stand in), how long a request may take, and the optional Open-Meteo
key for its commercial plan, which goes into the stack's secret like the other third-party
keys. Variable and secret field names come from :mod:`runtime.contract`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from components.config import StackConfig
from runtime.contract import ENV, SecretField

Environment = dict[str, pulumi.Input[str]]


def open_sources_environment(cfg: StackConfig) -> Environment:
    """The function's environment for the sources (``TRAVELBOT_SOURCES=off`` when switched off)."""
    sources = cfg.open_sources
    if sources is None:
        return {ENV["sources"]: "off"}
    env: Environment = {
        ENV["sources"]: "on",
        ENV["sources_timeout_s"]: f"{sources.timeout_s:g}",
        ENV["open_meteo_url"]: sources.open_meteo_url,
        ENV["open_meteo_archive_url"]: sources.open_meteo_archive_url,
        ENV["frankfurter_url"]: sources.frankfurter_url,
        ENV["wikivoyage_url"]: sources.wikivoyage_url,
    }
    if sources.contact:
        env[ENV["sources_contact"]] = sources.contact
    return env


def open_sources_secret_fields(
    cfg: StackConfig, secrets: Mapping[str, pulumi.Output[str]]
) -> dict[str, pulumi.Input[str]]:
    """The secret's Open-Meteo field, when the sources are on and a key is configured."""
    key = secrets.get("openMeteoApiKey")
    if cfg.open_sources is None or key is None:
        return {}
    return {str(SecretField.OPEN_METEO_API_KEY): key}
