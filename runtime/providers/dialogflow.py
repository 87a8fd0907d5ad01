"""Dialogflow ES as an :class:`runtime.nlu.base.NluProvider` (``sessions.detectIntent``, REST).

google-cloud-dialogflow takes about half a second to import, so nothing Google is imported at
module level: the client is built by ``client_source`` on the first call (or by :meth:`warm` in
the background), never on the way to a reply Lex can give alone. The REST transport is used
(no gRPC channel to set up in a Lambda).

**Credentials.** By default no Google secret exists: :func:`federated_client` builds google-auth
``external_account`` credentials with an AWS source (Workload Identity Federation). The
function's own AWS credentials (:class:`LambdaAwsCredentials`, from botocore: the role's
temporary keys Lambda puts in the environment, refreshed by botocore) sign a
``GetCallerIdentity`` request that is never sent to AWS; Google's STS verifies it, returns a
federated token, and IAM Credentials' ``generateAccessToken`` turns that into a token of the
Dialogflow service account the role may impersonate. google-auth refreshes it before it
expires. The opt-in alternative, a service-account key in the secret, goes through
:func:`dialogflow_client` (self-signed JWTs: no token round trip). Either way the quota project
is set explicitly, or Dialogflow answers "requires a quota project" to user credentials.

The answer maps to the contract from the documented JSON shape of ``queryResult``
(``intent.displayName``, ``intentDetectionConfidence``, ``parameters``), so the mapping is the
same whether it reads a live response or the published sample.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from runtime.contract import ENV
from runtime.errors import ProviderError
from runtime.model import BotModel
from runtime.nlu.slots import SlotReader
from runtime.providers.failures import describe, malformed, status_error
from runtime.providers.lazy import LazyClient
from runtime.providers.retry import provider_retry
from runtime.retry import RetryPolicy
from runtime.types import NluContext, NluResult

if TYPE_CHECKING:
    from botocore.session import Session
    from google.auth.aws import AwsSecurityCredentials
    from google.auth.credentials import Credentials
    from google.cloud.dialogflow_v2 import SessionsClient

    from runtime.settings import Settings

NAME = "dialogflow"
FALLBACK_INTENT = "FallbackIntent"
SCOPES = (
    "https://www.googleapis.com/auth/cloud-platform",
    "https://www.googleapis.com/auth/dialogflow",
)
MAX_SESSION_CHARS = 36  # Dialogflow ES session ids are at most 36 characters
#: The subject token type of a serialized, signed AWS ``GetCallerIdentity`` request.
AWS_SUBJECT_TOKEN_TYPE = "urn:ietf:params:aws:token-type:aws4_request"  # noqa: S105 - a type
GOOGLE_STS_ENDPOINT = "https://sts.googleapis.com"
GOOGLE_IAM_CREDENTIALS_ENDPOINT = "https://iamcredentials.googleapis.com"
_SESSION_RE = re.compile(r"^[A-Za-z0-9_-]{1,36}$")

# google-api-core warns on import about future Python support; it says nothing about this code.
warnings.filterwarnings("ignore", message=r"You are using a Python version", category=FutureWarning)


@dataclass(frozen=True, kw_only=True)
class GoogleFederation:
    """Where the keyless credentials come from: the pool provider (``audience``), the service
    account to impersonate, the quota project, and the two Google endpoints (overridable for
    local fakes)."""

    audience: str
    service_account: str
    quota_project: str
    sts_endpoint: str = GOOGLE_STS_ENDPOINT
    iam_credentials_endpoint: str = GOOGLE_IAM_CREDENTIALS_ENDPOINT

    @classmethod
    def from_settings(cls, settings: Settings) -> GoogleFederation | None:
        """Federation from the settings (:data:`runtime.contract.ENV` names the variables);
        None when no audience is set.

        Raises:
            ValueError: naming the variable when the audience is set but another is missing.
        """
        if not settings.dialogflow_audience:
            return None
        if "@" not in settings.dialogflow_service_account:
            raise ValueError(f"{ENV['dialogflow_service_account']} must be a service account email")
        quota_project = settings.dialogflow_quota_project or settings.dialogflow_project_id
        if not quota_project:
            raise ValueError(f"{ENV['dialogflow_quota_project']} is required with federation")
        return cls(
            audience=settings.dialogflow_audience,
            service_account=settings.dialogflow_service_account,
            quota_project=quota_project,
            sts_endpoint=settings.google_sts_endpoint,
            iam_credentials_endpoint=settings.google_iam_credentials_endpoint,
        )

    @property
    def token_url(self) -> str:
        """Google STS's token exchange."""
        return f"{self.sts_endpoint.rstrip('/')}/v1/token"

    @property
    def impersonation_url(self) -> str:
        """IAM Credentials' ``generateAccessToken`` for the service account."""
        return (
            f"{self.iam_credentials_endpoint.rstrip('/')}/v1/projects/-/serviceAccounts/"
            f"{self.service_account}:generateAccessToken"
        )


class LambdaAwsCredentials:
    """The function's own AWS credentials and region, for google-auth's AWS source.

    Implements google-auth's ``AwsSecurityCredentialsSupplier`` interface (both methods;
    google-auth calls them and checks no base class, so google-auth is not imported until the
    first token refresh). botocore resolves the
    credentials as everywhere in the runtime (in Lambda: the role's temporary keys in the
    environment) and refreshes them when they near expiry; google-auth does not cache them, so
    each token refresh signs with the current ones, and never asks the EC2 metadata server.
    """

    def __init__(self, session: Session, region: str) -> None:
        if not region:
            raise ValueError("LambdaAwsCredentials needs the region (AWS_REGION in Lambda)")
        self._session = session
        self._region = region

    def get_aws_security_credentials(self, context: Any, request: Any) -> AwsSecurityCredentials:
        """The current access key, secret key and session token.

        Raises:
            google.auth.exceptions.RefreshError: when botocore finds no credentials.
        """
        from google.auth import aws, exceptions

        credentials = self._session.get_credentials()
        frozen = credentials.get_frozen_credentials() if credentials is not None else None
        if frozen is None or not frozen.access_key or not frozen.secret_key:
            message = "no AWS credentials to sign the federation request"
            raise exceptions.RefreshError(message)  # type: ignore[no-untyped-call]
        return aws.AwsSecurityCredentials(frozen.access_key, frozen.secret_key, frozen.token)

    def get_aws_region(self, context: Any, request: Any) -> str:
        """The region whose STS endpoint the signed ``GetCallerIdentity`` names."""
        return self._region


def federated_credentials(
    federation: GoogleFederation, supplier: LambdaAwsCredentials
) -> Credentials:
    """google-auth ``external_account`` credentials with an AWS source and impersonation."""
    from google.auth import aws

    credentials: Credentials = aws.Credentials(  # type: ignore[no-untyped-call]
        audience=federation.audience,
        subject_token_type=AWS_SUBJECT_TOKEN_TYPE,
        token_url=federation.token_url,
        aws_security_credentials_supplier=supplier,
        service_account_impersonation_url=federation.impersonation_url,
        quota_project_id=federation.quota_project,
        scopes=list(SCOPES),
    )
    return credentials


def sessions_client(credentials: Credentials, *, endpoint: str = "") -> SessionsClient:
    """A REST ``SessionsClient`` with these credentials.

    ``endpoint`` overrides ``dialogflow.googleapis.com`` (a regional endpoint, or
    ``http://127.0.0.1:PORT`` for a local fake: the REST transport keeps an explicit scheme).
    """
    from google.api_core.client_options import ClientOptions
    from google.cloud import dialogflow_v2

    options = ClientOptions(api_endpoint=endpoint) if endpoint else None
    return dialogflow_v2.SessionsClient(
        transport="rest", credentials=credentials, client_options=options
    )


def federated_client(
    federation: GoogleFederation, supplier: LambdaAwsCredentials, *, endpoint: str = ""
) -> SessionsClient:
    """A ``SessionsClient`` on keyless credentials (the default in the cloud)."""
    return sessions_client(federated_credentials(federation, supplier), endpoint=endpoint)


def dialogflow_client(
    credentials_info: Mapping[str, Any], *, endpoint: str = "", quota_project: str = ""
) -> SessionsClient:
    """A REST ``SessionsClient`` authenticated by a service-account key (the opt-in path).

    The quota project defaults to the key's own project.

    Raises:
        ValueError: if ``credentials_info`` is not a usable service-account key.
    """
    from google.oauth2 import service_account

    credentials = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        dict(credentials_info), scopes=list(SCOPES)
    )
    project = quota_project or str(credentials_info.get("project_id") or "")
    if project:
        credentials = credentials.with_quota_project(project)
    return sessions_client(credentials, endpoint=endpoint)


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
    raw_values = {
        str(slot_name): value
        for slot_name, raw in (parameters if isinstance(parameters, Mapping) else {}).items()
        if (value := _parameter(raw)) not in ("", None)
    }
    read = reader.read_slots(name, raw_values)
    return NluResult(
        intent=name,
        confidence=confidence,
        slots=read.slots,
        provider=NAME,
        ambiguous=read.ambiguous,
        unresolved=read.unresolved,
    )


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
