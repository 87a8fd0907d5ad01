"""The chat function reaches the keyless open-data sources: config, environment, secret, egress."""

from __future__ import annotations

import json

import pytest

from runtime.contract import ENV
from tools.mocked_stack import StackRun, run_program

FUNCTION = "aws:lambda/function:Function"


def chat_variables(run: StackRun) -> dict[str, str]:
    function = run.one(FUNCTION, "chat-function", region="us-east-1")
    return dict(function.inputs["environment"]["variables"])


def test_by_default_the_function_calls_the_public_sources_within_a_timeout(dev: StackRun) -> None:
    variables = chat_variables(dev)
    assert variables[ENV["sources"]] == "on"
    assert variables[ENV["sources_timeout_s"]] == "2.5"
    assert variables[ENV["open_meteo_url"]] == "https://api.open-meteo.com"
    assert variables[ENV["open_meteo_archive_url"]] == "https://archive-api.open-meteo.com"
    assert variables[ENV["frankfurter_url"]] == "https://api.frankfurter.dev/v1"
    assert variables[ENV["wikivoyage_url"]] == "https://en.wikivoyage.org/w/api.php"


def test_the_function_has_internet_egress_of_its_own(dev: StackRun) -> None:
    # Outside a VPC a function reaches the internet directly: no NAT gateway, endpoint or
    # permission is needed for the sources. A VPC would need a NAT gateway declared with it.
    for function in dev.of_type(FUNCTION):
        assert not function.inputs.get("vpcConfig")
    assert dev.of_type("aws:ec2/vpc:Vpc") == []


@pytest.fixture(scope="module")
def switched_off() -> StackRun:
    return run_program("dev", {"openSources": False})


def test_switched_off_the_function_calls_no_source(switched_off: StackRun) -> None:
    variables = chat_variables(switched_off)
    assert variables[ENV["sources"]] == "off"
    assert ENV["open_meteo_url"] not in variables


@pytest.fixture(scope="module")
def commercial() -> StackRun:
    return run_program(
        "dev",
        {
            "openMeteoApiKey": "om-commercial-key-0123456789",
            "openMeteoUrl": "https://meteo.example.org",
            "openSourcesContact": "ops@example.org",
        },
    )


def test_the_commercial_key_goes_into_the_secret_and_never_into_the_environment(
    commercial: StackRun,
) -> None:
    version = commercial.one("aws:secretsmanager/secretVersion:SecretVersion")
    document = json.loads(version.inputs["secretString"]["value"])
    assert document["open_meteo_api_key"] == "om-commercial-key-0123456789"
    variables = chat_variables(commercial)
    assert "om-commercial-key-0123456789" not in json.dumps(variables)
    assert variables[ENV["open_meteo_url"]] == "https://meteo.example.org"
    assert variables[ENV["sources_contact"]] == "ops@example.org"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("openMeteoUrl", "http://api.open-meteo.com", "openMeteoUrl is not valid"),
        ("openSourcesTimeoutMs", 50, "openSourcesTimeoutMs must be between 100 and 10000"),
    ],
)
def test_a_bad_source_setting_names_its_key(key: str, value: object, message: str) -> None:
    from components.config import ConfigError, StackConfig

    with pytest.raises(ConfigError, match=message):
        StackConfig.from_values({key: value}, project="travelbot", stack="dev")
