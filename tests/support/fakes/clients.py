"""Real SDK clients pointed at the fakes, with every timeout and retry set explicitly.

Nothing here waits on an SDK default: each factory takes the timeouts and the number of
attempts, so a test (or an orchestrator test) states how long a fault may take to surface.
"""

from __future__ import annotations

import boto3
from azure.ai.textanalytics import TextAnalyticsClient
from azure.core.credentials import AzureKeyCredential
from botocore.config import Config
from google.api_core.client_options import ClientOptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import dialogflow_v2
from mypy_boto3_lexv2_runtime.client import LexRuntimeV2Client

from tests.support.fakes.azure_language import AzureLanguageFake
from tests.support.fakes.dialogflow import DialogflowFake
from tests.support.fakes.lex import LexFake

LEX_BOT_ID = "TRAVELBOT1"
LEX_ALIAS_ID = "TSTALIASID"
LEX_LOCALE = "en_US"
DIALOGFLOW_PROJECT = "travel-bot-test"


def lex_client(
    fake: LexFake,
    *,
    connect_timeout: float = 1.0,
    read_timeout: float = 2.0,
    max_attempts: int = 1,
) -> LexRuntimeV2Client:
    """A boto3 ``lexv2-runtime`` client for ``fake`` (SigV4 with dummy keys, standard retries)."""
    config = Config(
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        retries={"total_max_attempts": max_attempts, "mode": "standard"},
    )
    return boto3.client(
        "lexv2-runtime",
        endpoint_url=fake.url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # a dummy key: the fake checks only the signature form
        config=config,
    )


def dialogflow_client(fake: DialogflowFake) -> dialogflow_v2.SessionsClient:
    """A Dialogflow ``SessionsClient`` on the REST transport to ``fake`` (plain http, no auth).

    Timeouts and retries are per call: pass ``timeout=`` and ``retry=`` to ``detect_intent``.
    """
    return dialogflow_v2.SessionsClient(
        transport="rest",
        client_options=ClientOptions(api_endpoint=fake.url),
        credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]  # google-auth is untyped
    )


def dialogflow_request(
    text: str, session: str = "session-1", language_code: str = "en-US"
) -> dialogflow_v2.DetectIntentRequest:
    """A text ``DetectIntentRequest`` for the test project."""
    return dialogflow_v2.DetectIntentRequest(
        session=f"projects/{DIALOGFLOW_PROJECT}/agent/sessions/{session}",
        query_input=dialogflow_v2.QueryInput(
            text=dialogflow_v2.TextInput(text=text, language_code=language_code)
        ),
    )


def azure_client(
    fake: AzureLanguageFake,
    *,
    key: str | None = None,
    retry_total: int = 0,
    connection_timeout: float = 1.0,
    read_timeout: float = 2.0,
) -> TextAnalyticsClient:
    """A ``TextAnalyticsClient`` for ``fake`` (its key unless ``key`` is given)."""
    return TextAnalyticsClient(
        endpoint=fake.url,
        credential=AzureKeyCredential(fake.key if key is None else key),
        retry_total=retry_total,
        retry_backoff_factor=0.01,
        connection_timeout=connection_timeout,
        read_timeout=read_timeout,
    )
