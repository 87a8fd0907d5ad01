"""Fixtures for the cloud-provider tests.

Load with ``pytest_plugins = ["tests.integration.cloud_fixtures"]``:

- ``moto_server``: moto's threaded server on 127.0.0.1 and a free port, for the whole session;
- ``aws_env``: dummy AWS credentials and region in the environment (botocore needs some);
- ``cloud``: every fake plus a fresh secret holding their keys, as a ``CloudStack``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.cloud import (
    AWS_TEST_ENV,
    CloudStack,
    MotoServer,
    secret_payload,
    service_account_info,
)
from tests.support.fakes.azure_language import AzureLanguageFake
from tests.support.fakes.dialogflow import DialogflowFake
from tests.support.fakes.lex import LexFake
from tests.support.fakes.openweather import OpenWeatherFake


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """moto's server for the whole session (secrets get unique names)."""
    server = MotoServer().start()
    yield server
    server.stop()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Dummy AWS credentials and region in the environment."""
    for name, value in AWS_TEST_ENV.items():
        monkeypatch.setenv(name, value)
    return dict(AWS_TEST_ENV)


@pytest.fixture
def cloud(
    lex_fake: LexFake,
    dialogflow_fake: DialogflowFake,
    azure_fake: AzureLanguageFake,
    openweather_fake: OpenWeatherFake,
    moto_server: MotoServer,
    aws_env: dict[str, str],
) -> CloudStack:
    """Every fake, running, and a fresh secret holding their keys."""
    payload = secret_payload(
        openweather_key=openweather_fake.api_key,
        azure_key=azure_fake.key,
        google=service_account_info(),
    )
    return CloudStack(
        lex_fake,
        dialogflow_fake,
        azure_fake,
        openweather_fake,
        moto_server,
        moto_server.create_secret(payload),
    )
