"""The stack's one Secrets Manager secret: third-party keys for OpenWeather, Azure (and Google).

The secret (``TRAVELBOT_SECRET_ARN``) is a JSON object whose field names are
:class:`runtime.contract.SecretField`::

    {"openweather_api_key": "...", "azure_language_key": "...", "open_meteo_api_key": "...",
     "google_credentials": {<service-account key file>} or its JSON text (or base64 of it)}

``google_credentials`` is there only when a stack opts into a Dialogflow key
(``dialogflowAuth=serviceAccountKey``); by default Dialogflow is keyless (Workload Identity
Federation, see :mod:`runtime.providers.dialogflow`) and no Google secret exists.

It is read through Powertools parameters (``SecretsProvider``, cached for ``max_age_s`` and then
fetched again, so a rotated key is picked up) on first use, not at import: Lex needs no secret,
so a cold start that Lex can answer does not wait for Secrets Manager. If a refresh fails, the
last good value stays in use and Secrets Manager is not asked again for ``retry_after_s``; if the
very first read fails, callers get a ``ProviderError`` and the providers that need the secret
fall back. Every value read is registered with the log redactor, so it can never appear in a log
line, and :class:`BotSecrets` hides its values from ``repr``.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from aws_lambda_powertools import Logger

from runtime.contract import SecretField
from runtime.errors import ProviderError
from runtime.providers.failures import describe
from runtime.providers.observability import REDACTOR, SecretRedactor, install_log_redaction

if TYPE_CHECKING:
    from botocore.session import Session

logger = Logger(service="travelbot", child=True)

NAME = "secrets"


def _google(raw: Any) -> Mapping[str, Any] | None:
    """A service-account key: an object, its JSON text, or that text base64-encoded (as
    ``gcp.serviceaccount.Key.private_key`` gives it)."""
    if isinstance(raw, str) and raw.strip():
        text = raw.strip()
        try:
            if not text.startswith("{"):
                text = base64.b64decode(text, validate=True).decode("utf-8")
            raw = json.loads(text)
        except (ValueError, UnicodeDecodeError):
            return None
    if isinstance(raw, Mapping) and raw.get("private_key") and raw.get("client_email"):
        return dict(raw)
    return None


@dataclass(frozen=True)
class BotSecrets:
    """The secret's fields; an absent or empty field is ``""`` (or None for Google)."""

    openweather_api_key: str = field(default="", repr=False)
    azure_language_key: str = field(default="", repr=False)
    google_credentials: Mapping[str, Any] | None = field(default=None, repr=False)
    open_meteo_api_key: str = field(default="", repr=False)

    @classmethod
    def from_value(cls, value: Any) -> BotSecrets:
        """Read the secret's JSON object; unknown fields are ignored, wrong types are empty."""
        data = value if isinstance(value, Mapping) else {}

        def text(name: str) -> str:
            raw = data.get(name)
            return raw.strip() if isinstance(raw, str) else ""

        return cls(
            openweather_api_key=text(SecretField.OPENWEATHER_API_KEY),
            azure_language_key=text(SecretField.AZURE_LANGUAGE_KEY),
            google_credentials=_google(data.get(SecretField.GOOGLE_CREDENTIALS)),
            open_meteo_api_key=text(SecretField.OPEN_METEO_API_KEY),
        )

    def sensitive_values(self) -> list[str]:
        """Every string that must never be logged."""
        values = [self.openweather_api_key, self.azure_language_key, self.open_meteo_api_key]
        if self.google_credentials is not None:
            key = str(self.google_credentials.get("private_key") or "")
            values += [key, str(self.google_credentials.get("private_key_id") or "")]
            # Each line of the key too, so it is caught however a log escapes its newlines.
            values += [line for line in key.splitlines() if line and not line.startswith("-----")]
        return [v for v in values if v]


class ParameterSource(Protocol):
    """What :class:`SecretsStore` needs from a Powertools parameters provider."""

    def get(self, name: str, max_age: int | None = ..., transform: Any = ...) -> Any:
        """The (cached) value of parameter ``name``."""
        ...


def powertools_source(
    *,
    region: str,
    endpoint_url: str = "",
    connect_timeout_s: float = 1.0,
    read_timeout_s: float = 2.0,
    session: Session | None = None,
) -> ParameterSource:
    """A Powertools ``SecretsProvider`` on a Secrets Manager client with explicit timeouts."""
    import botocore.session
    from aws_lambda_powertools.utilities.parameters import SecretsProvider
    from botocore.config import Config

    config = Config(
        connect_timeout=connect_timeout_s,
        read_timeout=read_timeout_s,
        retries={"total_max_attempts": 2, "mode": "standard"},
    )
    session = session or botocore.session.get_session()
    client = session.create_client(
        "secretsmanager", region_name=region, endpoint_url=endpoint_url or None, config=config
    )
    return SecretsProvider(boto3_client=client)  # type: ignore[arg-type]  # a botocore client


def region_of(secret_id: str, default: str = "") -> str:
    """The region in a Secrets Manager ARN (``arn:aws:secretsmanager:REGION:...``), else default."""
    parts = secret_id.split(":")
    return parts[3] if len(parts) > 3 and parts[0] == "arn" and parts[3] else default


class SecretsStore:
    """The secret, loaded on first use, cached, refreshed, and kept when a refresh fails."""

    def __init__(
        self,
        secret_id: str,
        source: Callable[[], ParameterSource],
        *,
        max_age_s: int = 300,
        retry_after_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        redactor: SecretRedactor = REDACTOR,
    ) -> None:
        self._secret_id = secret_id
        self._source_factory = source
        self._source: ParameterSource | None = None
        self._max_age_s = max_age_s
        self._retry_after_s = retry_after_s
        self._clock = clock
        self._redactor = redactor
        self._lock = threading.Lock()
        self._value: BotSecrets | None = None
        self._failed_at: float | None = None

    @property
    def loaded(self) -> bool:
        """True once a value was read successfully."""
        return self._value is not None

    def get(self) -> BotSecrets:
        """The current secret.

        Raises:
            ProviderError: kind ``unavailable`` when the secret was never read successfully and
                Secrets Manager cannot be reached (again within ``retry_after_s`` of a failure).
        """
        value = self._value
        if self._backing_off() and value is not None:
            return value
        if value is not None:
            # Someone else is refreshing: serve the current value rather than queue behind them.
            if not self._lock.acquire(blocking=False):
                return value
        else:
            self._lock.acquire()
        try:
            return self._refresh()
        finally:
            self._lock.release()

    def _backing_off(self) -> bool:
        failed_at = self._failed_at
        return failed_at is not None and self._clock() - failed_at < self._retry_after_s

    def _refresh(self) -> BotSecrets:
        if self._backing_off():
            if self._value is not None:
                return self._value
            raise ProviderError(NAME, "secret unavailable (backing off)", kind="unavailable")
        install_log_redaction(self._redactor)  # before the first fetch: botocore logs answers
        try:
            if self._source is None:
                self._source = self._source_factory()
            raw = self._source.get(self._secret_id, max_age=self._max_age_s, transform="json")
        except Exception as exc:  # Powertools wraps every SDK failure; never let one escape
            self._failed_at = self._clock()
            logger.warning(
                "secret refresh failed; keeping the last good value"
                if self._value is not None
                else "secret unavailable; providers that need it fall back",
                extra={"error": describe(exc)},
            )
            if self._value is not None:
                return self._value
            raise ProviderError(NAME, "secret unavailable", kind="unavailable") from None
        value = BotSecrets.from_value(raw)
        if value != self._value:
            self._redactor.register(*value.sensitive_values())
        self._value, self._failed_at = value, None
        return value
