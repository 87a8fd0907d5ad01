"""The names the runtime and the infrastructure share, spelled once.

The Pulumi program (``components/``) imports this module and nothing else of the runtime, so a
renamed metric, secret field, environment variable or handler is renamed for both sides at once:
an alarm can never watch a metric the runtime stopped publishing while every test passes.

- **Metrics**: the CloudWatch namespace, the ``service`` dimension value, every metric name the
  runtime publishes (:class:`Metric`) and the extra dimensions (:class:`Dimension`).
- **The secret**: the field names of the stack's one Secrets Manager secret (:class:`SecretField`).
- **Environment**: the variable each runtime setting is read from (:data:`ENV`).
- **The table**: key, TTL and index names of the DynamoDB table (:class:`Table`).
- **The request**: the ``/chat`` body limits and id patterns API Gateway validates first.
- **Embedding**: what a web origin allowed to embed the page and call ``/chat`` looks like
  (:func:`origin_problem`); the stack config and the runtime check the same rule.
- **Entry points**: the Lambda handlers the functions are configured with.
- **The bot model**: the one file the embedded NLU, the Lex bot and the Dialogflow agent are all
  generated from (:func:`bot_model` and its types).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

from runtime.model import BotModel, Intent, Slot, SlotType, default_model

METRIC_NAMESPACE: Final = "TravelBot"
SERVICE_NAME: Final = "travelbot"


class Metric(StrEnum):
    """Every metric the runtime publishes (EMF) in :data:`METRIC_NAMESPACE`."""

    # Per turn (runtime.providers.observability)
    TURNS = "Turns"
    NLU_FALLBACK = "NluFallback"
    DEGRADED_TURNS = "DegradedTurns"
    ANSWERED_BY_PATIENCE = "AnsweredByPatience"
    UNDERSTAND_MS = "UnderstandMs"
    RESPONSE_TIME_MS = "ResponseTimeMs"
    # Per provider call (dimension ``provider``)
    PROVIDER_LATENCY_MS = "ProviderLatencyMs"
    PROVIDER_TIMEOUT = "ProviderTimeout"
    PROVIDER_ERROR = "ProviderError"
    PROVIDER_ANSWERED = "ProviderAnswered"
    SENTIMENT_ANSWERED = "SentimentAnswered"
    HEDGE_FIRED = "HedgeFired"
    CIRCUIT_OPENED = "CircuitOpened"
    # Rate limiter (runtime.ratelimit.dynamodb): the shared bucket did not answer in time and
    # the per-process bucket decided instead
    RATE_LIMITER_FALLBACK = "RateLimiterFallback"
    # Stored-turn redaction (runtime.redaction.comprehend): Comprehend did not answer and the
    # local patterns alone redacted the turn
    PII_REDACTION_FALLBACK = "PiiRedactionFallback"
    # Daily analytics job (runtime.analytics.metrics)
    DAILY_ACTIVE_SESSIONS = "DailyActiveSessions"
    DAILY_MESSAGES = "DailyMessages"
    CONVERSION_RATE = "ConversionRate"
    FALLBACK_RATE = "FallbackRate"
    DEGRADED_RATE = "DegradedRate"
    RESPONSE_TIME_P50 = "ResponseTimeP50"
    RESPONSE_TIME_P95 = "ResponseTimeP95"
    RESPONSE_TIME_P99 = "ResponseTimeP99"
    DESTINATION_REQUESTS = "DestinationRequests"
    PROVIDER_SHARE = "ProviderShare"
    SENTIMENT_SHARE = "SentimentShare"


class Dimension(StrEnum):
    """Metric dimensions besides ``service`` (which Powertools adds to every metric)."""

    SERVICE = "service"
    PROVIDER = "provider"
    VARIANT = "variant"
    DESTINATION = "destination"
    SENTIMENT = "sentiment"


class SecretField(StrEnum):
    """The JSON fields of the stack's Secrets Manager secret (all optional)."""

    OPENWEATHER_API_KEY = "openweather_api_key"
    AZURE_LANGUAGE_KEY = "azure_language_key"
    GOOGLE_CREDENTIALS = "google_credentials"
    OPEN_METEO_API_KEY = "open_meteo_api_key"


class Table:
    """The history table's key schema, shared by the store, the rate limiter and the component."""

    PARTITION_KEY: Final = "sessionId"
    SORT_KEY: Final = "sk"
    TTL_ATTRIBUTE: Final = "ttl"
    ANALYTICS_INDEX: Final = "AnalyticsIndex"
    ANALYTICS_PARTITION_KEY: Final = "date"
    ANALYTICS_SORT_KEY: Final = "timestamp"


MAX_BODY_BYTES: Final = 8 * 1024
MAX_MESSAGE_CHARS: Final = 1000
SESSION_ID_PATTERN: Final = r"^[A-Za-z0-9_-]{8,64}$"
#: What the server issues: 128 random bits as 22 base64url characters. Any other id that passes
#: SESSION_ID_PATTERN is well-formed but was never issued (it starts a new session).
ISSUED_SESSION_ID_PATTERN: Final = r"[A-Za-z0-9_-]{22}"
CLIENT_MESSAGE_ID_PATTERN: Final = r"^[A-Za-z0-9_.:-]{1,64}$"

#: A web origin as browsers serialise it in the ``Origin`` header: scheme, host, optional port.
ORIGIN_PATTERN: Final = (
    r"^https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
    r"(?::[0-9]{1,5})?$"
)
_DEFAULT_PORTS: Final = {"http": ":80", "https": ":443"}


def origin_problem(origin: str) -> str | None:
    """Why ``origin`` cannot be an allowed embedding origin, or None when it can.

    An allowed origin must be compared byte for byte with the ``Origin`` header a browser sends,
    so it must be written exactly as browsers write it: ``https://shop.example.com`` or
    ``http://127.0.0.1:8000`` (lower case, no path, no trailing slash, no default port). No
    wildcard and no ``null``: each site that may embed the chat is named.
    """
    if origin in ("*", "null") or "*" in origin:
        return "wildcards and 'null' are not allowed; name each origin"
    if not re.fullmatch(ORIGIN_PATTERN, origin):
        return (
            "must be scheme://host[:port] as a browser sends it, lower case, with no path "
            "(e.g. https://www.example.com)"
        )
    scheme, _, rest = origin.partition("://")
    port = rest[rest.rfind(":") :] if ":" in rest else ""
    if port == _DEFAULT_PORTS[scheme]:
        return f"drop the default port {port}: browsers never send it"
    if port and (not 0 < int(port[1:]) < 65536 or port[1:] != str(int(port[1:]))):
        return f"port {port[1:]} is not a port as browsers write it (1-65535, no leading zero)"
    return None


ENV: Final = {
    "stage": "TRAVELBOT_STAGE",
    "store": "TRAVELBOT_STORE",
    "table_name": "TRAVELBOT_TABLE_NAME",
    "dynamodb_endpoint": "TRAVELBOT_DYNAMODB_ENDPOINT",
    "data_dir": "TRAVELBOT_DATA_DIR",
    "retention_days": "TRAVELBOT_RETENTION_DAYS",
    "spool_queue_url": "TRAVELBOT_SPOOL_QUEUE_URL",
    "secret_arn": "TRAVELBOT_SECRET_ARN",
    "rate_per_minute": "TRAVELBOT_RATE_PER_MINUTE",
    "rate_burst": "TRAVELBOT_RATE_BURST",
    "experiments": "TRAVELBOT_EXPERIMENTS",
    "confidence_threshold": "TRAVELBOT_NLU_CONFIDENCE_THRESHOLD",
    "lex_bot_id": "LEX_BOT_ID",
    "lex_bot_alias_id": "LEX_BOT_ALIAS_ID",
    "lex_locale_id": "LEX_LOCALE_ID",
    "lex_region": "LEX_REGION",
    "lex_endpoint": "LEX_ENDPOINT_URL",
    "lex_timeout_s": "LEX_TIMEOUT_S",
    "dialogflow_project_id": "DIALOGFLOW_PROJECT_ID",
    "dialogflow_language": "DIALOGFLOW_LANGUAGE_CODE",
    "dialogflow_endpoint": "DIALOGFLOW_API_ENDPOINT",
    "dialogflow_timeout_s": "DIALOGFLOW_TIMEOUT_S",
    # Keyless Dialogflow (Workload Identity Federation from the function's AWS role); read by
    # runtime.providers.dialogflow.GoogleFederation, set by the program when dialogflowAuth is
    # workloadIdentity. None of them is secret: the audience names the pool's AWS provider.
    "dialogflow_audience": "DIALOGFLOW_WORKLOAD_IDENTITY_AUDIENCE",
    "dialogflow_service_account": "DIALOGFLOW_SERVICE_ACCOUNT",
    "dialogflow_quota_project": "DIALOGFLOW_QUOTA_PROJECT_ID",
    "google_sts_endpoint": "GOOGLE_STS_ENDPOINT",
    "google_iam_credentials_endpoint": "GOOGLE_IAM_CREDENTIALS_ENDPOINT",
    "hedge_delay_ms": "DIALOGFLOW_HEDGE_DELAY_MS",
    "patience_floor_ms": "TRAVELBOT_PATIENCE_FLOOR_MS",
    "patience_ceiling_ms": "TRAVELBOT_PATIENCE_CEILING_MS",
    "azure_endpoint": "AZURE_LANGUAGE_ENDPOINT",
    "azure_timeout_s": "AZURE_TIMEOUT_S",
    "openweather_endpoint": "OPENWEATHER_ENDPOINT",
    "weather_timeout_s": "OPENWEATHER_TIMEOUT_S",
    "secrets_endpoint": "SECRETS_MANAGER_ENDPOINT_URL",
    # Keyless open-data sources for weather and trip plans (runtime.providers.weather/content).
    "sources": "TRAVELBOT_SOURCES",
    "sources_timeout_s": "TRAVELBOT_SOURCES_TIMEOUT_S",
    "sources_contact": "TRAVELBOT_SOURCES_CONTACT",
    "open_meteo_url": "TRAVELBOT_OPEN_METEO_URL",
    "open_meteo_archive_url": "TRAVELBOT_OPEN_METEO_ARCHIVE_URL",
    "frankfurter_url": "TRAVELBOT_FRANKFURTER_URL",
    "wikivoyage_url": "TRAVELBOT_WIKIVOYAGE_URL",
    "public_base_url": "TRAVELBOT_PUBLIC_BASE_URL",
    "redact_stored_pii": "TRAVELBOT_REDACT_STORED_PII",
    "comprehend_endpoint": "COMPREHEND_ENDPOINT_URL",
    "admin_token": "TRAVELBOT_ADMIN_TOKEN",
    # Web origins allowed to frame the chat page (CSP frame-ancestors) and to call POST /chat
    # from their own pages (CORS), comma-separated; empty: none (the default).
    "allowed_origins": "TRAVELBOT_ALLOWED_ORIGINS",
}
"""Runtime setting -> the environment variable it is read from (see runtime.settings)."""

#: Powertools' own variables, set on every function so logs and metrics agree with the above.
POWERTOOLS_ENV: Final = {
    "POWERTOOLS_SERVICE_NAME": SERVICE_NAME,
    "POWERTOOLS_METRICS_NAMESPACE": METRIC_NAMESPACE,
}
#: The variable Powertools' Logger takes its level from (the stack's ``logLevel``).
LOG_LEVEL_ENV: Final = "LOG_LEVEL"

CHAT_HANDLER: Final = "runtime.api.handler.lambda_handler"
ANALYTICS_HANDLER: Final = "runtime.analytics.job.analytics_handler"
REPLAY_HANDLER: Final = "runtime.spool.job.replay_handler"


def bot_model() -> BotModel:
    """The shipped bot model (parsed once, cached)."""
    return default_model()


__all__ = [
    "ANALYTICS_HANDLER",
    "CHAT_HANDLER",
    "CLIENT_MESSAGE_ID_PATTERN",
    "ENV",
    "ISSUED_SESSION_ID_PATTERN",
    "LOG_LEVEL_ENV",
    "MAX_BODY_BYTES",
    "MAX_MESSAGE_CHARS",
    "METRIC_NAMESPACE",
    "ORIGIN_PATTERN",
    "POWERTOOLS_ENV",
    "REPLAY_HANDLER",
    "SERVICE_NAME",
    "SESSION_ID_PATTERN",
    "BotModel",
    "Dimension",
    "Intent",
    "Metric",
    "SecretField",
    "Slot",
    "SlotType",
    "Table",
    "bot_model",
    "origin_problem",
]
