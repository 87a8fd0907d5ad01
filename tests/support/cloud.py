"""Shared pieces for the cloud-provider tests and benches: a Secrets Manager (moto's server), a
service-account key that Google's SDK accepts, and the environment that points the runtime's
settings at the wire-level fakes.

Its fixtures are in :mod:`tests.integration.cloud_fixtures`. Run as a command, it starts every
fake and prints the environment that points the runtime at them (see docs/cloud-providers.md)::

    .venv/bin/python -m tests.support.cloud --serve   # keeps running; prints `export` lines
    .venv/bin/python -m tests.support.cloud           # starts, prints the env as JSON, stops
"""

from __future__ import annotations

import functools
import json
import sys
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

from runtime.settings import Settings
from tests.support import fakes_command
from tests.support.fakes.azure_language import AzureLanguageFake
from tests.support.fakes.dialogflow import DialogflowFake
from tests.support.fakes.lex import LexFake
from tests.support.fakes.openweather import OpenWeatherFake

LEX_BOT_ID = "TRAVELBOT1"
LEX_ALIAS_ID = "TSTALIASID"
PROJECT = "travel-bot-test"
REGION = "us-east-1"
AWS_TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",  # dummy credentials: the fakes only check the form
    "AWS_REGION": REGION,
    "AWS_DEFAULT_REGION": REGION,
}


@functools.cache
def service_account_info(project: str = PROJECT) -> dict[str, str]:
    """A service-account key with a fresh RSA key: Google's SDK signs real JWTs with it."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {
        "type": "service_account",
        "project_id": project,
        "private_key_id": uuid.uuid4().hex,
        "private_key": pem,
        "client_email": f"travelbot@{project}.iam.gserviceaccount.com",
        "client_id": "100000000000000000001",
        "token_uri": "http://127.0.0.1:9/token",  # never called: self-signed JWTs need no token
    }


class MotoServer:
    """moto's threaded server on 127.0.0.1 and a free port, with a Secrets Manager client."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.url = ""

    def start(self) -> MotoServer:
        """Start serving (werkzeug's access log silenced)."""
        import logging

        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.stop()

    def client(self) -> Any:
        """A boto3 Secrets Manager client for this server."""
        import boto3

        return boto3.client(
            "secretsmanager",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=AWS_TEST_ENV["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=AWS_TEST_ENV["AWS_SECRET_ACCESS_KEY"],
        )

    def create_secret(self, payload: Mapping[str, Any], name: str | None = None) -> str:
        """A new secret holding ``payload`` as JSON; returns its ARN."""
        answer = self.client().create_secret(
            Name=name or f"travelbot-{uuid.uuid4().hex[:12]}", SecretString=json.dumps(payload)
        )
        return str(answer["ARN"])

    def put_secret(self, arn: str, payload: Mapping[str, Any]) -> None:
        """A new version of the secret (a rotation)."""
        self.client().put_secret_value(SecretId=arn, SecretString=json.dumps(payload))


def secret_payload(
    *, openweather_key: str, azure_key: str, google: Mapping[str, str] | None
) -> dict[str, Any]:
    """The secret's JSON, field names as the runtime reads them."""
    payload: dict[str, Any] = {
        "openweather_api_key": openweather_key,
        "azure_language_key": azure_key,
    }
    if google is not None:
        payload["google_credentials"] = dict(google)
    return payload


@dataclass
class CloudStack:
    """Every fake and the secret that holds their keys."""

    lex: LexFake
    dialogflow: DialogflowFake
    azure: AzureLanguageFake
    openweather: OpenWeatherFake
    moto: MotoServer
    secret_arn: str

    def env(self, **overrides: str) -> dict[str, str]:
        """The runtime's environment variables pointing at the fakes (plus ``overrides``)."""
        env = {
            **AWS_TEST_ENV,
            "TRAVELBOT_SECRET_ARN": self.secret_arn,
            "SECRETS_MANAGER_ENDPOINT_URL": self.moto.url,
            "LEX_BOT_ID": LEX_BOT_ID,
            "LEX_BOT_ALIAS_ID": LEX_ALIAS_ID,
            "LEX_LOCALE_ID": "en_US",
            "LEX_REGION": REGION,
            "LEX_ENDPOINT_URL": self.lex.url,
            "DIALOGFLOW_PROJECT_ID": PROJECT,
            "DIALOGFLOW_API_ENDPOINT": self.dialogflow.url,
            "AZURE_LANGUAGE_ENDPOINT": self.azure.url,
            "OPENWEATHER_ENDPOINT": self.openweather.url,
        }
        env.update(overrides)
        return env

    def settings(self, **overrides: str) -> Settings:
        """:class:`Settings` from :meth:`env`."""
        return Settings.from_env(self.env(**overrides))

    def secret(self) -> dict[str, Any]:
        """The payload the stack's secret was created with."""
        return secret_payload(
            openweather_key=self.openweather.api_key,
            azure_key=self.azure.key,
            google=service_account_info(),
        )


@contextmanager
def cloud_stack(moto: MotoServer | None = None) -> Iterator[CloudStack]:
    """Start every fake (and moto, unless given) and create the secret; stop them afterwards."""
    with ExitStack() as stack:
        if moto is None:
            moto = MotoServer().start()
            stack.callback(moto.stop)
        lex = stack.enter_context(LexFake())
        dialogflow = stack.enter_context(DialogflowFake())
        azure = stack.enter_context(AzureLanguageFake())
        openweather = stack.enter_context(OpenWeatherFake())
        payload = secret_payload(
            openweather_key=openweather.api_key, azure_key=azure.key, google=service_account_info()
        )
        yield CloudStack(lex, dialogflow, azure, openweather, moto, moto.create_secret(payload))


def main(argv: Sequence[str] | None = None) -> int:
    """Start the fakes; print the environment (``--serve``: as ``export`` lines, until Ctrl-C)."""
    return fakes_command.run(cloud_stack, __doc__.split("\n\n")[0], argv)


if __name__ == "__main__":
    sys.exit(main())
