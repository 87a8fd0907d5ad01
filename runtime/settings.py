"""Runtime settings, read once from environment variables (never secrets: those come from
Secrets Manager, see ``TRAVELBOT_SECRET_ARN``).

Each variable is documented on its field; a malformed value raises :class:`ConfigError` naming
the variable. The Pulumi program sets exactly these names on the Lambda function.
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from runtime.contract import ENV, origin_problem
from runtime.errors import ConfigError


def _text(env: Mapping[str, str], key: str, default: str = "") -> str:
    return env.get(ENV[key], default).strip()


def _number(env: Mapping[str, str], key: str, default: float, *, low: float, high: float) -> float:
    raw = env.get(ENV[key], "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{ENV[key]} must be a number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{ENV[key]} must be between {low} and {high}, got {raw!r}")
    return value


def _switch(env: Mapping[str, str], key: str, default: bool) -> bool:
    raw = env.get(ENV[key], "").strip().lower()
    if not raw:
        return default
    if raw in ("on", "true", "1", "yes"):
        return True
    if raw in ("off", "false", "0", "no"):
        return False
    raise ConfigError(f"{ENV[key]} must be 'on' or 'off', got {raw!r}")


def _url(env: Mapping[str, str], key: str, default: str) -> str:
    raw = env.get(ENV[key], "").strip()
    if not raw:
        return default
    if not raw.startswith(("https://", "http://")) or len(raw) > 2048:
        raise ConfigError(f"{ENV[key]} must be an http(s) URL, got {raw!r}")
    return raw.rstrip("/")


def _origins(env: Mapping[str, str]) -> tuple[str, ...]:
    """The allowed embedding origins: comma- or space-separated, each checked, no repeats."""
    raw = env.get(ENV["allowed_origins"], "")
    origins = tuple(dict.fromkeys(o for o in re.split(r"[\s,]+", raw) if o))
    for origin in origins:
        problem = origin_problem(origin)
        if problem is not None:
            raise ConfigError(f"{ENV['allowed_origins']}: {origin!r} {problem}")
    return origins


def _experiments(env: Mapping[str, str]) -> list[dict[str, Any]] | None:
    raw = env.get(ENV["experiments"], "").strip()
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{ENV['experiments']} is not valid JSON: {exc.msg}") from None
    if not isinstance(value, list):
        raise ConfigError(f"{ENV['experiments']} must be a JSON list of experiments")
    return value


REDACTION_MODES = ("off", "local", "comprehend")


def _choice(env: Mapping[str, str], key: str, options: tuple[str, ...]) -> str:
    value = _text(env, key, options[0]).lower() or options[0]
    if value not in options:
        raise ConfigError(f"{ENV[key]} must be one of {', '.join(options)}, got {value!r}")
    return value


def _base_url(env: Mapping[str, str]) -> str:
    """An absolute http(s) URL without query or fragment (links in replies start with it)."""
    raw = _text(env, "public_base_url").rstrip("/")
    if not raw:
        return ""
    parts = urllib.parse.urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(
            f"{ENV['public_base_url']} must be an http(s) URL without query or fragment, "
            f"got {raw!r}"
        )
    return raw


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Every non-secret runtime setting. Empty strings mean "not configured"."""

    stage: str = "local"
    store: str = "sqlite"  # "sqlite" (local server) or "dynamodb"
    table_name: str = ""
    dynamodb_endpoint: str = ""  # only for local DynamoDB-compatible servers
    # SQLite history and the spool file without DynamoDB; /tmp is Lambda's only writable path.
    data_dir: str = "/tmp/travelbot"  # noqa: S108
    retention_days: int = 90
    spool_queue_url: str = ""
    secret_arn: str = ""
    rate_per_minute: float = 100.0
    rate_burst: int = 200
    experiments: list[dict[str, Any]] | None = None  # None: the shipped default experiment
    confidence_threshold: float = 0.6
    lex_bot_id: str = ""
    lex_bot_alias_id: str = ""
    lex_locale_id: str = "en_US"
    lex_region: str = ""
    lex_endpoint: str = ""
    lex_timeout_s: float = 5.0
    dialogflow_project_id: str = ""
    dialogflow_language: str = "en"
    dialogflow_endpoint: str = ""
    dialogflow_timeout_s: float = 5.0
    # Keyless Dialogflow (Workload Identity Federation from the function's AWS role): the pool
    # provider, the service account to impersonate, the quota project (default: the agent's).
    dialogflow_audience: str = ""
    dialogflow_service_account: str = ""
    dialogflow_quota_project: str = ""
    google_sts_endpoint: str = "https://sts.googleapis.com"
    google_iam_credentials_endpoint: str = "https://iamcredentials.googleapis.com"
    aws_region: str = ""  # the function's own region (Lambda's AWS_REGION)
    hedge_delay_ms: float | None = None  # None: derived from Lex's observed latency
    # The patience (runtime.providers.patience) is derived from the clouds' latency, within these.
    patience_floor_ms: float = 500.0
    patience_ceiling_ms: float = 1200.0
    azure_endpoint: str = ""
    azure_timeout_s: float = 3.0
    openweather_endpoint: str = "https://api.openweathermap.org"
    weather_timeout_s: float = 3.0
    secrets_endpoint: str = ""
    # Keyless open-data sources (weather without a key, plan content); see docs/sources.md.
    sources_enabled: bool = True
    sources_timeout_s: float = 2.5
    sources_contact: str = ""  # an e-mail or URL for the sources' operators (User-Agent)
    open_meteo_url: str = "https://api.open-meteo.com"
    open_meteo_archive_url: str = "https://archive-api.open-meteo.com"
    frankfurter_url: str = "https://api.frankfurter.dev/v1"
    wikivoyage_url: str = "https://en.wikivoyage.org/w/api.php"
    #: The public URL links in replies start with (``https://chat.example.com``); empty: the
    #: API Gateway domain of the request (never the client's ``Host`` header).
    public_base_url: str = ""
    #: What stored turns keep of personal data: "off", "local" (patterns) or "comprehend".
    redact_stored_pii: str = "off"
    comprehend_endpoint: str = ""  # only for a local Comprehend fake
    admin_token: str = field(default="", repr=False)
    #: Origins that may frame the page and call POST /chat cross-origin; empty: none may.
    allowed_origins: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate the environment; raises :class:`ConfigError` naming the variable."""
        env = os.environ if env is None else env
        store = _text(env, "store", "sqlite") or "sqlite"
        if store not in ("sqlite", "dynamodb"):
            raise ConfigError(f"{ENV['store']} must be 'sqlite' or 'dynamodb', got {store!r}")
        hedge_raw = _text(env, "hedge_delay_ms")
        patience_floor_ms = _number(env, "patience_floor_ms", 500.0, low=0, high=30_000)
        patience_ceiling_ms = _number(env, "patience_ceiling_ms", 1200.0, low=0, high=30_000)
        if patience_floor_ms > patience_ceiling_ms:
            raise ConfigError(
                f"{ENV['patience_floor_ms']} ({patience_floor_ms:g}) must not exceed "
                f"{ENV['patience_ceiling_ms']} ({patience_ceiling_ms:g})"
            )
        return cls(
            stage=_text(env, "stage", "local") or "local",
            store=store,
            table_name=_text(env, "table_name"),
            dynamodb_endpoint=_text(env, "dynamodb_endpoint"),
            data_dir=_text(env, "data_dir") or cls.data_dir,
            retention_days=int(_number(env, "retention_days", 90, low=1, high=3650)),
            spool_queue_url=_text(env, "spool_queue_url"),
            secret_arn=_text(env, "secret_arn"),
            rate_per_minute=_number(env, "rate_per_minute", 100, low=1, high=1_000_000),
            rate_burst=int(_number(env, "rate_burst", 200, low=1, high=1_000_000)),
            experiments=_experiments(env),
            confidence_threshold=_number(env, "confidence_threshold", 0.6, low=0, high=1),
            lex_bot_id=_text(env, "lex_bot_id"),
            lex_bot_alias_id=_text(env, "lex_bot_alias_id"),
            lex_locale_id=_text(env, "lex_locale_id", "en_US") or "en_US",
            lex_region=_text(env, "lex_region") or env.get("AWS_REGION", ""),
            lex_endpoint=_text(env, "lex_endpoint"),
            lex_timeout_s=_number(env, "lex_timeout_s", 5.0, low=0.05, high=30),
            dialogflow_project_id=_text(env, "dialogflow_project_id"),
            dialogflow_language=_text(env, "dialogflow_language", "en") or "en",
            dialogflow_endpoint=_text(env, "dialogflow_endpoint"),
            dialogflow_timeout_s=_number(env, "dialogflow_timeout_s", 5.0, low=0.05, high=30),
            dialogflow_audience=_text(env, "dialogflow_audience"),
            dialogflow_service_account=_text(env, "dialogflow_service_account"),
            dialogflow_quota_project=_text(env, "dialogflow_quota_project"),
            google_sts_endpoint=_url(env, "google_sts_endpoint", cls.google_sts_endpoint),
            google_iam_credentials_endpoint=_url(
                env, "google_iam_credentials_endpoint", cls.google_iam_credentials_endpoint
            ),
            aws_region=(env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "").strip(),
            hedge_delay_ms=(
                _number(env, "hedge_delay_ms", 0, low=0, high=30_000) if hedge_raw else None
            ),
            patience_floor_ms=patience_floor_ms,
            patience_ceiling_ms=patience_ceiling_ms,
            azure_endpoint=_text(env, "azure_endpoint"),
            azure_timeout_s=_number(env, "azure_timeout_s", 3.0, low=0.05, high=30),
            openweather_endpoint=_text(env, "openweather_endpoint", cls.openweather_endpoint)
            or cls.openweather_endpoint,
            weather_timeout_s=_number(env, "weather_timeout_s", 3.0, low=0.05, high=30),
            secrets_endpoint=_text(env, "secrets_endpoint"),
            sources_enabled=_switch(env, "sources", cls.sources_enabled),
            sources_timeout_s=_number(env, "sources_timeout_s", 2.5, low=0.05, high=30),
            sources_contact=_text(env, "sources_contact")[:200],
            open_meteo_url=_url(env, "open_meteo_url", cls.open_meteo_url),
            open_meteo_archive_url=_url(env, "open_meteo_archive_url", cls.open_meteo_archive_url),
            frankfurter_url=_url(env, "frankfurter_url", cls.frankfurter_url),
            wikivoyage_url=_url(env, "wikivoyage_url", cls.wikivoyage_url),
            public_base_url=_base_url(env),
            redact_stored_pii=_choice(env, "redact_stored_pii", REDACTION_MODES),
            comprehend_endpoint=_text(env, "comprehend_endpoint"),
            admin_token=_text(env, "admin_token"),
            allowed_origins=_origins(env),
        )

    @property
    def lex_enabled(self) -> bool:
        """Lex is called only when its bot and alias are configured."""
        return bool(self.lex_bot_id and self.lex_bot_alias_id)

    @property
    def dialogflow_configured(self) -> bool:
        """Dialogflow also needs the service-account key from the secret."""
        return bool(self.dialogflow_project_id)

    @property
    def azure_configured(self) -> bool:
        """Azure also needs its key from the secret."""
        return bool(self.azure_endpoint)
