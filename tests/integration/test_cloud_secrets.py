"""The secret through Powertools and moto's Secrets Manager server, and the factory's choices."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, cast

import pytest

from runtime.errors import ProviderError
from runtime.model import default_model
from runtime.nlu.embedded import EmbeddedNlu
from runtime.providers.factory import (
    build_cloud_understander,
    build_secrets,
    build_weather,
    orchestrator_config,
)
from runtime.providers.observability import InMemoryTelemetry
from runtime.providers.secrets import SecretsStore, powertools_source
from runtime.sentiment.embedded import EmbeddedSentiment
from runtime.settings import Settings
from runtime.types import NluContext
from tests.support.cloud import (
    REGION,
    CloudStack,
    MotoServer,
    secret_payload,
    service_account_info,
)
from tests.support.places import place

pytest_plugins = ["tests.integration.cloud_fixtures"]


class CountingSource:
    """Powertools' SecretsProvider on moto, counting the GetSecretValue calls that go out."""

    def __init__(self, endpoint: str) -> None:
        self.provider = cast(Any, powertools_source(region=REGION, endpoint_url=endpoint))
        client = self.provider.client
        self.fetches = 0
        client.meta.events.register("before-call.secrets-manager.GetSecretValue", self._count)

    def _count(self, **_: Any) -> None:
        self.fetches += 1

    def get(self, name: str, max_age: int | None = None, transform: Any = None) -> Any:
        return self.provider.get(name, max_age=max_age, transform=transform)


@pytest.fixture
def own_moto(aws_env: dict[str, str]) -> Iterator[MotoServer]:
    """A moto server this test may stop (Secrets Manager going down)."""
    server = MotoServer().start()
    yield server
    server.stop()


def payload(ow: str = "ow-key-0001", azure: str = "azure-key-0001") -> dict[str, Any]:
    return secret_payload(openweather_key=ow, azure_key=azure, google=service_account_info())


def test_the_secret_is_read_once_and_served_from_the_cache(
    moto_server: MotoServer, aws_env: dict[str, str]
) -> None:
    # GIVEN the stack's secret in Secrets Manager
    arn = moto_server.create_secret(payload())
    source = CountingSource(moto_server.url)
    store = SecretsStore(arn, lambda: source, max_age_s=300)

    # WHEN it is read three times
    values = [store.get() for _ in range(3)]

    # THEN Secrets Manager was asked once, and every field is there
    assert source.fetches == 1
    assert values[0].openweather_api_key == "ow-key-0001"
    assert values[0].azure_language_key == "azure-key-0001"
    assert values[0].google_credentials == service_account_info()
    assert "ow-key-0001" not in repr(values[0])


def test_a_rotated_key_is_picked_up_when_the_cache_expires(
    moto_server: MotoServer, aws_env: dict[str, str]
) -> None:
    arn = moto_server.create_secret(payload(azure="azure-key-old1"))
    store = SecretsStore(
        arn, lambda: powertools_source(region=REGION, endpoint_url=moto_server.url), max_age_s=0
    )
    assert store.get().azure_language_key == "azure-key-old1"
    moto_server.put_secret(arn, payload(azure="azure-key-new2"))
    assert store.get().azure_language_key == "azure-key-new2"


def test_when_secrets_manager_goes_down_the_last_good_value_is_kept(
    own_moto: MotoServer,
) -> None:
    # GIVEN a secret read once, with an expired cache
    arn = own_moto.create_secret(payload())
    source = CountingSource(own_moto.url)
    store = SecretsStore(arn, lambda: source, max_age_s=0, retry_after_s=60)
    first = store.get()

    # WHEN Secrets Manager stops answering
    own_moto.stop()
    started = time.monotonic()
    during = [store.get() for _ in range(5)]

    # THEN the last good value is served, and only one fetch was tried during the back-off
    assert all(value == first for value in during)
    assert source.fetches == 2
    assert time.monotonic() - started < 3.0


def test_a_secret_never_read_is_an_unavailable_provider_not_a_crash(
    aws_env: dict[str, str],
) -> None:
    # GIVEN Secrets Manager unreachable from the first read
    store = SecretsStore(
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:travelbot",
        lambda: powertools_source(region=REGION, endpoint_url="http://127.0.0.1:9"),
        retry_after_s=60,
    )

    # WHEN it is read twice
    with pytest.raises(ProviderError) as first:
        store.get()
    started = time.monotonic()
    with pytest.raises(ProviderError) as second:
        store.get()

    # THEN both reads fail as "unavailable", the second at once (backing off)
    assert first.value.kind == second.value.kind == "unavailable"
    assert time.monotonic() - started < 0.1


# ------------------------------------------------------------------------------------- factory


@pytest.fixture(scope="module")
def nlu() -> EmbeddedNlu:
    return EmbeddedNlu(default_model())


def test_without_cloud_settings_nothing_is_built(nlu: EmbeddedNlu) -> None:
    settings = Settings()
    secrets = build_secrets(settings)
    assert secrets is None
    assert build_cloud_understander(settings, nlu, EmbeddedSentiment(), secrets) is None
    assert build_weather(settings, secrets) is None


def test_each_provider_is_enabled_only_by_its_own_settings(
    cloud: CloudStack, nlu: EmbeddedNlu
) -> None:
    # GIVEN Lex and Azure configured, Dialogflow's project missing
    env = cloud.env()
    del env["DIALOGFLOW_PROJECT_ID"]
    settings = Settings.from_env(env)

    # WHEN the understander is built
    built = build_cloud_understander(
        settings, nlu, EmbeddedSentiment(), build_secrets(settings), telemetry=InMemoryTelemetry()
    )

    # THEN it has Lex and Azure lanes and no Dialogflow one
    assert built is not None
    names = [lane.name if lane else None for lane in built.lanes]
    assert names == ["lex", None, "azure"]
    built.close()


def test_providers_that_need_the_secret_are_off_without_one(
    cloud: CloudStack, nlu: EmbeddedNlu
) -> None:
    env = cloud.env()
    del env["TRAVELBOT_SECRET_ARN"]
    settings = Settings.from_env(env)
    built = build_cloud_understander(settings, nlu, EmbeddedSentiment(), build_secrets(settings))
    assert built is not None
    assert [lane.name if lane else None for lane in built.lanes] == ["lex", None, None]
    assert build_weather(settings, None) is None
    built.close()


def test_a_secret_without_a_providers_key_leaves_that_provider_out_quietly(
    cloud: CloudStack, nlu: EmbeddedNlu
) -> None:
    # GIVEN a secret with only the OpenWeather key
    arn = cloud.moto.create_secret({"openweather_api_key": cloud.openweather.api_key})
    settings = cloud.settings(TRAVELBOT_SECRET_ARN=arn)
    telemetry = InMemoryTelemetry()
    built = build_cloud_understander(
        settings,
        nlu,
        EmbeddedSentiment(),
        build_secrets(settings),
        telemetry=telemetry,
        config=orchestrator_config(settings),
    )
    assert built is not None

    # WHEN Azure and Dialogflow cannot warm up and a message is understood
    assert built.warm_up() is False
    result = built.understand("What is the weather in Lisbon?", NluContext(session_id="s-1"), 5)

    # THEN Lex answers, the embedded lexicon labels the sentiment, and nothing is degraded
    assert result.nlu.provider == "lex"
    assert result.sentiment.provider == "embedded"
    assert not result.degraded
    assert cloud.azure.requests == []
    built.close()


def test_the_weather_provider_reads_its_key_from_the_secret(cloud: CloudStack) -> None:
    settings = cloud.settings()
    weather = build_weather(settings, build_secrets(settings))
    assert weather is not None
    rome = place("Rome")
    assert rome is not None
    report = weather.report(rome)
    assert report.country == "Italy"
    assert all(
        r.query_value("appid") == cloud.openweather.api_key for r in cloud.openweather.requests
    )
