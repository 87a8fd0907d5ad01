"""Build the stored-turn redactor the settings ask for (``TRAVELBOT_REDACT_STORED_PII``).

``off`` (the default): turns are stored as said. ``local``: the pattern redactor. ``comprehend``:
Amazon Comprehend ``DetectPiiEntities`` with the local patterns underneath and as the fallback.
Log records are redacted whatever this says (:mod:`runtime.providers.observability`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runtime.errors import ConfigError
from runtime.redaction.base import Redactor
from runtime.redaction.local import LocalRedactor
from runtime.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_comprehend.client import ComprehendClient

MODES = ("off", "local", "comprehend")
#: Comprehend's deadline: connect and read timeouts of its client (one attempt).
CONNECT_TIMEOUT_S = 0.5
READ_TIMEOUT_S = 1.0


def build_redactor(
    settings: Settings, *, client: ComprehendClient | None = None
) -> Redactor | None:
    """The redactor for stored turns, or ``None`` when turns are stored unredacted.

    Raises :class:`ConfigError` for an unknown mode.
    """
    mode = settings.redact_stored_pii
    if mode == "off":
        return None
    if mode == "local":
        return LocalRedactor()
    if mode == "comprehend":
        from runtime.aws import comprehend_client
        from runtime.redaction.comprehend import ComprehendRedactor

        client = client or comprehend_client(
            settings.comprehend_endpoint,
            connect_timeout_s=CONNECT_TIMEOUT_S,
            read_timeout_s=READ_TIMEOUT_S,
        )
        return ComprehendRedactor(client)
    raise ConfigError(f"stored-turn redaction must be one of {', '.join(MODES)}, got {mode!r}")
