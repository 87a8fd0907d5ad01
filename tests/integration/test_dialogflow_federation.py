"""Keyless Dialogflow: the function's AWS credentials become a Google token, no secret involved.

The real google-auth code runs end to end: it signs a GetCallerIdentity request with the AWS
credentials botocore finds in the environment (as in Lambda), exchanges it at a fake Google STS
(which verifies the SigV4 signature), impersonates the Dialogflow service account at a fake IAM
Credentials, and the real google-cloud-dialogflow client calls the Dialogflow wire fake with
that token and the quota project. Fakes: ``tests/support/fakes/google_federation.py`` (STS and IAM
Credentials) and ``tests/support/fakes/dialogflow.py`` (detectIntent).
"""

from __future__ import annotations

from collections.abc import Iterator

import botocore.session
import pytest

from runtime.contract import ENV, bot_model
from runtime.errors import ConfigError, ProviderError
from runtime.nlu.embedded import EmbeddedNlu
from runtime.providers.dialogflow import (
    DialogflowNlu,
    GoogleFederation,
    LambdaAwsCredentials,
    federated_client,
)
from runtime.providers.factory import build_cloud_understander
from runtime.sentiment.embedded import EmbeddedSentiment
from runtime.settings import Settings
from runtime.types import NluContext
from tests.support.fakes.dialogflow import DialogflowFake
from tests.support.fakes.google_federation import AwsKeys, GoogleFederationFake

PROJECT = "travelbot-test"
SERVICE_ACCOUNT = f"travelbot-test-nlu@{PROJECT}.iam.gserviceaccount.com"
AUDIENCE = (
    "//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/"
    "travelbot-test/providers/aws"
)
REGION = "us-east-1"
#: What Lambda puts in the environment for the function's role (temporary keys and a token).
LAMBDA_KEYS = AwsKeys("ASIAEXAMPLEFUNCTION1", "lambda-role-secret-key", "lambda-session-token")
CONTEXT = NluContext(session_id="federation-test-1")
TIMEOUT_S = 5.0


@pytest.fixture
def lambda_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The role credentials Lambda gives a function, in the environment."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", LAMBDA_KEYS.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", LAMBDA_KEYS.secret_access_key)
    monkeypatch.setenv("AWS_SESSION_TOKEN", str(LAMBDA_KEYS.session_token))
    monkeypatch.setenv("AWS_REGION", REGION)


@pytest.fixture
def google() -> Iterator[GoogleFederationFake]:
    with GoogleFederationFake(AUDIENCE, LAMBDA_KEYS, SERVICE_ACCOUNT, region=REGION) as fake:
        yield fake


@pytest.fixture
def dialogflow_fake() -> Iterator[DialogflowFake]:
    with DialogflowFake() as fake:
        yield fake


def federation(google: GoogleFederationFake, account: str = SERVICE_ACCOUNT) -> GoogleFederation:
    return GoogleFederation(
        audience=AUDIENCE,
        service_account=account,
        quota_project=PROJECT,
        sts_endpoint=google.url,
        iam_credentials_endpoint=google.url,
    )


def provider(client_source: object) -> DialogflowNlu:
    nlu = EmbeddedNlu(bot_model())
    return DialogflowNlu(
        client_source,  # type: ignore[arg-type]
        project_id=PROJECT,
        language_code="en",
        model=nlu.model,
        slots=nlu.slots,
        timeout_s=TIMEOUT_S,
    )


def keyless(
    google: GoogleFederationFake, dialogflow_fake: DialogflowFake, account: str = SERVICE_ACCOUNT
) -> DialogflowNlu:
    supplier = LambdaAwsCredentials(botocore.session.Session(), REGION)
    client = federated_client(federation(google, account), supplier, endpoint=dialogflow_fake.url)
    return provider(lambda: client)


@pytest.mark.usefixtures("lambda_env")
def test_dialogflow_is_called_with_an_impersonated_token_and_the_quota_project(
    google: GoogleFederationFake, dialogflow_fake: DialogflowFake
) -> None:
    # GIVEN keyless credentials built from the function's AWS role
    nlu = keyless(google, dialogflow_fake)
    # WHEN a message is recognized
    result = nlu.recognize("What is the weather in Lisbon?", CONTEXT)
    # THEN Dialogflow answered a request carrying the service account's token and quota project
    assert (result.intent, result.provider) == ("CheckWeather", "dialogflow")
    [call] = dialogflow_fake.requests
    [impersonation] = google.calls("iam")
    assert call.header("authorization") == "Bearer ya29.impersonated-2"
    assert call.header("x-goog-user-project") == PROJECT
    assert SERVICE_ACCOUNT in impersonation.path


@pytest.mark.usefixtures("lambda_env")
def test_the_exchange_presents_a_get_caller_identity_signed_with_the_roles_credentials(
    google: GoogleFederationFake, dialogflow_fake: DialogflowFake
) -> None:
    # GIVEN keyless credentials
    nlu = keyless(google, dialogflow_fake)
    # WHEN the first call needs a token
    nlu.recognize("hello", CONTEXT)
    # THEN STS got the pool's audience and a GetCallerIdentity it could verify against the keys
    # and session token in the environment (it refuses anything else), and IAM Credentials was
    # asked with the federated token for the cloud-platform scope
    [exchange] = google.calls("sts")
    [impersonation] = google.calls("iam")
    assert exchange.body["audience"] == AUDIENCE
    assert exchange.body["subject_token_type"] == "urn:ietf:params:aws:token-type:aws4_request"
    assert impersonation.header("authorization") == "Bearer federated-1"
    assert "https://www.googleapis.com/auth/cloud-platform" in impersonation.body["scope"]


@pytest.mark.usefixtures("lambda_env")
def test_the_google_token_is_reused_until_it_expires(
    google: GoogleFederationFake, dialogflow_fake: DialogflowFake
) -> None:
    # GIVEN keyless credentials that already answered once
    nlu = keyless(google, dialogflow_fake)
    nlu.recognize("hello", CONTEXT)
    # WHEN two more messages come
    nlu.recognize("I want to go to Paris", CONTEXT)
    nlu.recognize("thanks", CONTEXT)
    # THEN no new exchange happened: one STS call and one impersonation for three detectIntents
    assert (len(google.calls("sts")), len(google.calls("iam"))) == (1, 1)
    assert len(dialogflow_fake.requests) == 3


def test_credentials_that_do_not_sign_correctly_fail_the_call_without_a_crash(
    google: GoogleFederationFake, dialogflow_fake: DialogflowFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an environment whose secret key is not the role's (the signature will not verify)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", LAMBDA_KEYS.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "a-different-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", str(LAMBDA_KEYS.session_token))
    nlu = keyless(google, dialogflow_fake)
    # WHEN a message is recognized
    with pytest.raises(ProviderError) as caught:
        nlu.recognize("hello", CONTEXT)
    # THEN the provider fails as a provider (the orchestrator falls back); Dialogflow never saw it
    assert caught.value.provider == "dialogflow"
    assert dialogflow_fake.requests == []


@pytest.mark.usefixtures("lambda_env")
def test_a_service_account_the_role_may_not_impersonate_fails_the_call(
    google: GoogleFederationFake, dialogflow_fake: DialogflowFake
) -> None:
    # GIVEN keyless credentials for a service account the pool does not grant
    nlu = keyless(
        google, dialogflow_fake, account=f"someone-else@{PROJECT}.iam.gserviceaccount.com"
    )
    # WHEN a message is recognized
    with pytest.raises(ProviderError):
        nlu.recognize("hello", CONTEXT)
    # THEN the exchange worked, the impersonation was refused, and Dialogflow was never called
    assert len(google.calls("sts")) == 1
    assert dialogflow_fake.requests == []


def test_the_factory_builds_keyless_dialogflow_without_any_secret(
    dialogflow_fake: DialogflowFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the variables the program sets with dialogflowAuth=workloadIdentity, and no secret
    keys = AwsKeys("testing", "testing")  # the dummy keys every test of this process resolves
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", keys.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", keys.secret_access_key)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    with GoogleFederationFake(AUDIENCE, keys, SERVICE_ACCOUNT, region=REGION) as google:
        for name, value in {
            ENV["dialogflow_project_id"]: PROJECT,
            ENV["dialogflow_endpoint"]: dialogflow_fake.url,
            ENV["dialogflow_audience"]: AUDIENCE,
            ENV["dialogflow_service_account"]: SERVICE_ACCOUNT,
            ENV["google_sts_endpoint"]: google.url,
            ENV["google_iam_credentials_endpoint"]: google.url,
        }.items():
            monkeypatch.setenv(name, value)
        nlu = EmbeddedNlu(bot_model())
        # WHEN the runtime builds its cloud providers
        understander = build_cloud_understander(
            Settings.from_env(), nlu, EmbeddedSentiment(), secrets=None
        )
        # THEN Dialogflow is on, and answers through the federated token
        assert understander is not None
        lane = understander.lanes[1]
        assert lane is not None
        result = lane.provider.recognize("What is the weather in Lisbon?", CONTEXT)
        understander.close()
        assert result.intent == "CheckWeather"
        assert dialogflow_fake.requests[-1].header("x-goog-user-project") == PROJECT
        assert len(google.calls("sts")) == 1


def test_federation_without_a_service_account_is_a_config_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN federation switched on by its audience but no service account to impersonate
    monkeypatch.setenv(ENV["dialogflow_project_id"], PROJECT)
    monkeypatch.setenv(ENV["dialogflow_audience"], AUDIENCE)
    monkeypatch.delenv(ENV["dialogflow_service_account"], raising=False)
    nlu = EmbeddedNlu(bot_model())
    # WHEN the runtime builds its providers
    # THEN it refuses at start-up, naming the variable
    with pytest.raises(ConfigError, match=ENV["dialogflow_service_account"]):
        build_cloud_understander(Settings.from_env(), nlu, EmbeddedSentiment(), secrets=None)


def test_the_quota_project_defaults_to_the_agents_project() -> None:
    settings = GoogleFederation.from_settings(
        Settings.from_env(
            {
                ENV["dialogflow_audience"]: AUDIENCE,
                ENV["dialogflow_service_account"]: SERVICE_ACCOUNT,
                ENV["dialogflow_project_id"]: PROJECT,
            }
        )
    )
    assert settings is not None
    assert settings.quota_project == PROJECT
    assert settings.token_url == "https://sts.googleapis.com/v1/token"


def test_without_an_audience_there_is_no_federation() -> None:
    settings = Settings.from_env({ENV["dialogflow_project_id"]: PROJECT})
    assert GoogleFederation.from_settings(settings) is None


def test_the_opt_in_key_path_sets_the_quota_project_too(dialogflow_fake: DialogflowFake) -> None:
    # GIVEN a service-account key (dialogflowAuth=serviceAccountKey) of another project
    from runtime.providers.dialogflow import dialogflow_client
    from tests.support.cloud import service_account_info

    client = dialogflow_client(
        service_account_info(), endpoint=dialogflow_fake.url, quota_project=PROJECT
    )
    # WHEN a message is recognized
    provider(lambda: client).recognize("hello", CONTEXT)
    # THEN the call names the quota project explicitly
    assert dialogflow_fake.requests[-1].header("x-goog-user-project") == PROJECT
