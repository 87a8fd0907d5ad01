"""Dialogflow ES as an :class:`runtime.nlu.base.NluProvider` (``sessions.detectIntent``, REST).

google-cloud-dialogflow takes about half a second to import, so nothing Google is imported at
module level: the client is built by ``client_source`` on the first call (or by :meth:`warm` in
the background), never on the way to a reply Lex can give alone. The REST transport is used
(no gRPC channel to set up in a Lambda), with the service-account JSON from the secret; Google's
self-signed JWTs mean no token round trip before the first request.

The answer maps to the contract from the documented JSON shape of ``queryResult``
(``intent.displayName``, ``intentDetectionConfidence``, ``parameters``), so the mapping is the
same whether it reads a live response or the published sample.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from runtime.errors import ProviderError
from runtime.model import BotModel
from runtime.nlu.slots import SlotReader
from runtime.providers.failures import describe, malformed, status_error
from runtime.providers.lazy import LazyClient
from runtime.providers.retry import provider_retry
from runtime.retry import RetryPolicy
from runtime.types import NluContext, NluResult, SlotValue

if TYPE_CHECKING:
    from google.cloud.dialogflow_v2 import SessionsClient

NAME = "dialogflow"
FALLBACK_INTENT = "FallbackIntent"
SCOPES = (
    "https://www.googleapis.com/auth/cloud-platform",
    "https://www.googleapis.com/auth/dialogflow",
)
MAX_SESSION_CHARS = 36  # Dialogflow ES session ids are at most 36 characters
_SESSION_RE = re.compile(r"^[A-Za-z0-9_-]{1,36}$")

# google-api-core warns on import about future Python support; it says nothing about this code.
warnings.filterwarnings("ignore", message=r"You are using a Python version", category=FutureWarning)


def dialogflow_client(credentials_info: Mapping[str, Any], *, endpoint: str = "") -> SessionsClient:
    """A REST ``SessionsClient`` authenticated by a service-account key.

    ``endpoint`` overrides ``dialogflow.googleapis.com`` (a regional endpoint, or
    ``http://127.0.0.1:PORT`` for a local fake: the REST transport keeps an explicit scheme).

    Raises:
        ValueError: if ``credentials_info`` is not a usable service-account key.
    """
    from google.api_core.client_options import ClientOptions
    from google.cloud import dialogflow_v2
    from google.oauth2 import service_account

    credentials = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        dict(credentials_info), scopes=list(SCOPES)
    )
    options = ClientOptions(api_endpoint=endpoint) if endpoint else None
    return dialogflow_v2.SessionsClient(
        transport="rest", credentials=credentials, client_options=options
    )


def dialogflow_session(session_id: str) -> str:
    """Our session id as a Dialogflow session id (hashed when longer than 36 characters)."""
    if _SESSION_RE.fullmatch(session_id):
        return session_id
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()[:32]


def _parameter(raw: Any) -> Any:
    """A parameter value with Dialogflow's list wrapping removed (``is_list`` parameters)."""
    if isinstance(raw, list):
        return next((item for item in raw if item not in ("", None)), None)
    return raw


def read_query_result(result: Any, model: BotModel, reader: SlotReader) -> NluResult:
    """Map a ``queryResult`` (JSON, camelCase as the REST API documents it) onto an NluResult.

    A fallback intent, an intent the bot model does not know, or no intent at all becomes
    ``FallbackIntent``; parameters that are empty or unreadable are dropped.

    Raises:
        ProviderError: kind ``malformed`` when ``result`` is not an object.
    """
    if not isinstance(result, Mapping):
        raise malformed(NAME, "queryResult is not an object")
    intent = result.get("intent")
    intent = intent if isinstance(intent, Mapping) else {}
    name = intent.get("displayName")
    raw_confidence = result.get("intentDetectionConfidence", 0.0)
    confidence = float(raw_confidence) if isinstance(raw_confidence, int | float) else 0.0
    confidence = round(min(1.0, max(0.0, confidence)), 4)
    if (
        not isinstance(name, str)
        or name not in model.intents
        or name == FALLBACK_INTENT
        or intent.get("isFallback") is True
    ):
        return NluResult(intent=FALLBACK_INTENT, confidence=confidence, slots={}, provider=NAME)
    parameters = result.get("parameters")
    slots: dict[str, SlotValue] = {}
    for slot_name, raw in (parameters if isinstance(parameters, Mapping) else {}).items():
        value = _parameter(raw)
        if value in ("", None):
            continue
        normalized = reader.normalize(name, str(slot_name), value)
        if normalized is not None:
            slots[str(slot_name)] = normalized
    return NluResult(intent=name, confidence=confidence, slots=slots, provider=NAME)


class DialogflowNlu:
    """Dialogflow ES ``detectIntent`` as an NLU provider; its SDK loads on first use."""

    name = NAME

    def __init__(
        self,
        client_source: Callable[[], SessionsClient],
        *,
        project_id: str,
        language_code: str,
        model: BotModel,
        slots: SlotReader,
        timeout_s: float = 5.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._lazy = LazyClient(NAME, client_source)
        self._project_id = project_id
        self._language_code = language_code
        self._model = model
        self._slots = slots
        self._timeout_s = timeout_s
        self._retry = retry or provider_retry()

    @property
    def ready(self) -> bool:
        """True once the SDK is imported and a client was built."""
        return self._lazy.ready

    def warm(self) -> None:
        """Import the SDK and build the client now (from a background thread).

        Raises:
            ProviderError: when the client cannot be built (missing or bad credentials).
        """
        self._lazy.get()

    def recognize(self, text: str, context: NluContext) -> NluResult:
        """Understand ``text`` (Dialogflow keeps its own slot-filling context per session).

        Raises:
            ProviderError: on timeout, throttling, 5xx, connection failure, malformed answer,
                or kind ``unconfigured`` when the credentials are missing.
        """
        from google.cloud import dialogflow_v2

        client = self._lazy.get()
        request = dialogflow_v2.DetectIntentRequest(
            session=client.session_path(self._project_id, dialogflow_session(context.session_id)),
            query_input=dialogflow_v2.QueryInput(
                text=dialogflow_v2.TextInput(text=text, language_code=self._language_code)
            ),
        )
        result = self._retry.run(lambda: self._detect(client, request), budget_s=self._timeout_s)
        return read_query_result(result, self._model, self._slots)

    def _detect(self, client: SessionsClient, request: Any) -> Any:
        import requests
        from google.api_core import exceptions as google_errors
        from google.auth import exceptions as auth_errors
        from google.cloud import dialogflow_v2
        from google.protobuf import json_format

        try:
            response = client.detect_intent(request=request, timeout=self._timeout_s, retry=None)
            raw = dialogflow_v2.DetectIntentResponse.pb(response).query_result
            return json_format.MessageToDict(raw)
        except google_errors.GoogleAPICallError as exc:
            raise status_error(NAME, int(exc.code or 0), "detectIntent") from exc
        except requests.exceptions.Timeout as exc:
            raise ProviderError(NAME, f"timed out ({describe(exc)})", kind="timeout") from exc
        except requests.exceptions.ConnectionError as exc:
            message = f"connection failed ({describe(exc)})"
            raise ProviderError(NAME, message, kind="unavailable") from exc
        except json_format.ParseError as exc:
            raise malformed(NAME, describe(exc)) from exc
        except (auth_errors.GoogleAuthError, requests.exceptions.RequestException) as exc:
            raise ProviderError(NAME, f"request failed ({describe(exc)})") from exc
