"""Build the cloud providers that the settings (and the secret) enable.

A provider without its settings is disabled, never a crash:

- Lex needs ``LEX_BOT_ID``, ``LEX_BOT_ALIAS_ID`` and a region (``LEX_REGION`` or ``AWS_REGION``);
  its client is built here, at cold start, because most replies need it.
- Dialogflow needs ``DIALOGFLOW_PROJECT_ID`` and either the keyless federation variables
  (``DIALOGFLOW_WORKLOAD_IDENTITY_AUDIENCE`` and ``DIALOGFLOW_SERVICE_ACCOUNT``: the function's
  own AWS credentials are exchanged for a Google token, no secret involved) or, opted into, the
  secret's ``google_credentials`` key file; Azure needs
  ``AZURE_LANGUAGE_ENDPOINT`` and the secret's ``azure_language_key``; OpenWeather needs the
  secret's ``openweather_api_key``. Their SDKs load and their clients are built on first use (or
  by the orchestrator's background warm-up), and rebuilt when the key in the secret changes.
- The secret (``TRAVELBOT_SECRET_ARN``) is read on first use, not here.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from aws_lambda_powertools import Logger

from runtime.contract import ENV
from runtime.errors import ConfigError, ProviderError
from runtime.nlu.embedded import EmbeddedNlu
from runtime.providers.observability import EmfTelemetry, Telemetry
from runtime.providers.orchestrator import CloudUnderstander, OrchestratorConfig
from runtime.providers.secrets import BotSecrets, SecretsStore, powertools_source, region_of
from runtime.sentiment.base import SentimentProvider
from runtime.settings import Settings
from runtime.store.base import ContentCache

if TYPE_CHECKING:
    from botocore.session import Session
    from google.cloud.dialogflow_v2 import SessionsClient

    from runtime.providers.azure_sentiment import AzureSentiment
    from runtime.providers.dialogflow import DialogflowNlu, GoogleFederation
    from runtime.providers.lex import LexNlu
    from runtime.providers.weather.openweather import OpenWeatherProvider

logger = Logger(service="travelbot", child=True)

K = TypeVar("K")
C = TypeVar("C")
DEFAULT_REGION = "us-east-1"


def connect_timeout(timeout_s: float) -> float:
    """The connect timeout that goes with a provider timeout: a second at most."""
    return min(1.0, timeout_s)


@functools.cache
def aws_session() -> Session:
    """One botocore session per process: clients made from it share loaded models."""
    import botocore.session

    return botocore.session.get_session()


class RotatingClient(Generic[K, C]):
    """A client built from secret material, rebuilt only when that material changes.

    ``load`` reads the material from the (cached) secret; empty material means the provider is
    not configured (``ProviderError`` kind ``unconfigured``).
    """

    def __init__(
        self, provider: str, what: str, load: Callable[[], K | None], build: Callable[[K], C]
    ) -> None:
        self._provider = provider
        self._what = what
        self._load = load
        self._build = build
        self._lock = threading.Lock()
        self._material: K | None = None
        self._client: C | None = None

    def __call__(self) -> C:
        """The current client.

        Raises:
            ProviderError: ``unconfigured`` without material; the secret store's error when the
                secret cannot be read.
        """
        material = self._load()
        if not material:
            raise ProviderError(
                self._provider, f"no {self._what} in the secret", kind="unconfigured"
            )
        with self._lock:
            if self._client is None or material != self._material:
                self._client = self._build(material)
                self._material = material
            return self._client


def build_secrets(settings: Settings) -> SecretsStore | None:
    """The secret store, or None when ``TRAVELBOT_SECRET_ARN`` is not set."""
    if not settings.secret_arn:
        return None
    region = region_of(settings.secret_arn, settings.aws_region or DEFAULT_REGION)
    endpoint = settings.secrets_endpoint
    return SecretsStore(
        settings.secret_arn,
        lambda: powertools_source(region=region, endpoint_url=endpoint, session=aws_session()),
    )


def build_cloud_understander(
    settings: Settings,
    embedded_nlu: EmbeddedNlu,
    embedded_sentiment: SentimentProvider,
    secrets: SecretsStore | None,
    *,
    telemetry: Telemetry | None = None,
    config: OrchestratorConfig | None = None,
) -> CloudUnderstander | None:
    """The orchestrator over every enabled cloud provider, or None when none is enabled.

    ``config`` replaces :func:`orchestrator_config` (tests tune breakers and warm-up with it).
    """
    lex = _lex(settings, embedded_nlu)
    dialogflow = _dialogflow(settings, embedded_nlu, secrets)
    azure = _azure(settings, secrets)
    logger.info(
        "cloud providers",
        extra={
            "lex": lex is not None,
            "dialogflow": dialogflow is not None,
            "azure": azure is not None,
        },
    )
    if lex is None and dialogflow is None and azure is None:
        return None
    return CloudUnderstander(
        embedded_nlu=embedded_nlu,
        embedded_sentiment=embedded_sentiment,
        lex=lex,
        dialogflow=dialogflow,
        sentiment=azure,
        config=config or orchestrator_config(settings),
        telemetry=telemetry or EmfTelemetry(),
    )


def orchestrator_config(settings: Settings) -> OrchestratorConfig:
    """Thresholds and timeouts from the settings (the rest are the production defaults)."""
    return OrchestratorConfig(
        confidence_threshold=settings.confidence_threshold,
        lex_timeout_s=settings.lex_timeout_s,
        dialogflow_timeout_s=settings.dialogflow_timeout_s,
        azure_timeout_s=settings.azure_timeout_s,
        hedge_delay_s=None if settings.hedge_delay_ms is None else settings.hedge_delay_ms / 1000,
        patience_floor_s=settings.patience_floor_ms / 1000,
        patience_ceiling_s=settings.patience_ceiling_ms / 1000,
    )


def build_weather(
    settings: Settings,
    secrets: SecretsStore | None,
    *,
    cache: ContentCache | None = None,
    telemetry: Telemetry | None = None,
) -> OpenWeatherProvider | None:
    """OpenWeather, or None without a secret to hold its key.

    The key itself is read on each lookup (from the cached secret); while the secret has none,
    lookups fail as ``unconfigured`` and the keyless Open-Meteo answers instead
    (:func:`runtime.providers.open_data.build_open_data`).
    """
    if secrets is None or not settings.openweather_endpoint:
        return None
    from runtime.providers.cached import CachedSource
    from runtime.providers.weather.openweather import NAME, OpenWeatherProvider
    from runtime.providers.web import JsonSource

    store = secrets

    def key() -> str:
        try:
            return store.get().openweather_api_key
        except ProviderError:
            return ""  # the secret is unreadable: Open-Meteo answers meanwhile

    return OpenWeatherProvider(
        JsonSource(
            NAME,
            timeout_s=settings.weather_timeout_s,
            connect_timeout_s=connect_timeout(settings.weather_timeout_s),
            telemetry=telemetry,
        ),
        endpoint=settings.openweather_endpoint,
        api_key=key,
        cache=CachedSource(cache),
    )


def _disabled(provider: str, reason: str) -> None:
    logger.info("cloud provider disabled", extra={"provider": provider, "reason": reason})


def _lex(settings: Settings, embedded: EmbeddedNlu) -> LexNlu | None:
    if not settings.lex_enabled:
        _disabled("lex", f"{ENV['lex_bot_id']} and {ENV['lex_bot_alias_id']} are not both set")
        return None
    region = settings.lex_region or (DEFAULT_REGION if settings.lex_endpoint else "")
    if not region:
        _disabled("lex", f"no region: set {ENV['lex_region']} or AWS_REGION")
        return None
    from runtime.providers.lex import LexNlu, lex_client

    client = lex_client(
        region=region,
        endpoint_url=settings.lex_endpoint,
        connect_timeout_s=connect_timeout(settings.lex_timeout_s),
        read_timeout_s=settings.lex_timeout_s,
        session=aws_session(),
    )
    return LexNlu(
        client,
        bot_id=settings.lex_bot_id,
        bot_alias_id=settings.lex_bot_alias_id,
        locale_id=settings.lex_locale_id,
        model=embedded.model,
        slots=embedded.slots,
        timeout_s=settings.lex_timeout_s,
    )


def _dialogflow(
    settings: Settings, embedded: EmbeddedNlu, secrets: SecretsStore | None
) -> DialogflowNlu | None:
    if not settings.dialogflow_configured:
        _disabled("dialogflow", f"{ENV['dialogflow_project_id']} is not set")
        return None
    from runtime.providers.dialogflow import DialogflowNlu, GoogleFederation

    try:
        federation = GoogleFederation.from_settings(settings)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    if federation is not None:
        source = _federated_source(settings, federation)
    elif secrets is None:
        _disabled("dialogflow", f"no secret for its credentials: {ENV['secret_arn']} is not set")
        return None
    else:
        source = _key_source(settings, secrets)
    return DialogflowNlu(
        source,
        project_id=settings.dialogflow_project_id,
        language_code=settings.dialogflow_language,
        model=embedded.model,
        slots=embedded.slots,
        timeout_s=settings.dialogflow_timeout_s,
    )


def _federated_source(
    settings: Settings, federation: GoogleFederation
) -> Callable[[], SessionsClient]:
    """Keyless: one client for the life of the process (google-auth refreshes its token)."""
    from runtime.providers.dialogflow import LambdaAwsCredentials, federated_client

    region = settings.aws_region or DEFAULT_REGION
    endpoint = settings.dialogflow_endpoint
    lock = threading.Lock()
    built: list[SessionsClient] = []

    def source() -> SessionsClient:
        with lock:
            if not built:
                supplier = LambdaAwsCredentials(aws_session(), region)
                built.append(federated_client(federation, supplier, endpoint=endpoint))
            return built[0]

    return source


def _key_source(settings: Settings, store: SecretsStore) -> Callable[[], SessionsClient]:
    """Opt-in key file from the secret, rebuilt when the key in the secret changes."""
    from runtime.providers.dialogflow import dialogflow_client

    endpoint = settings.dialogflow_endpoint
    project = settings.dialogflow_project_id

    def credentials() -> Any:
        return _secret(store).google_credentials

    return RotatingClient(
        "dialogflow",
        "google_credentials",
        credentials,
        lambda info: dialogflow_client(info, endpoint=endpoint, quota_project=project),
    )


def _azure(settings: Settings, secrets: SecretsStore | None) -> AzureSentiment | None:
    if not settings.azure_configured:
        _disabled("azure", f"{ENV['azure_endpoint']} is not set")
        return None
    if secrets is None:
        _disabled("azure", f"no secret for its key: {ENV['secret_arn']} is not set")
        return None
    from runtime.providers.azure_sentiment import AzureSentiment, azure_client

    endpoint, timeout_s = settings.azure_endpoint, settings.azure_timeout_s
    store = secrets
    return AzureSentiment(
        RotatingClient(
            "azure",
            "azure_language_key",
            lambda: _secret(store).azure_language_key,
            lambda key: azure_client(
                endpoint,
                key,
                connect_timeout_s=connect_timeout(timeout_s),
                read_timeout_s=timeout_s,
            ),
        ),
        timeout_s=timeout_s,
    )


def _secret(store: SecretsStore) -> BotSecrets:
    return store.get()
