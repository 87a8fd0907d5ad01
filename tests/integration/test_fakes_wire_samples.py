"""Each fake's raw JSON answer has the keys of the published response sample it follows.

Keys the references document as optional and the fakes leave out are listed per API, with the
reason; anything else missing fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.support.fakes.azure_language import AzureLanguageFake
from tests.support.fakes.dialogflow import DialogflowFake
from tests.support.fakes.lex import LexFake
from tests.support.fakes.openweather import OpenWeatherFake
from tests.support.fakes.shape import load_sample, missing_keys

TIMEOUT = 2.0


@pytest.fixture
def unsigned_lex() -> Iterator[LexFake]:
    """A Lex fake that accepts unsigned requests, so the raw body can be fetched with requests."""
    with LexFake(require_signature=False) as fake:
        yield fake


def test_missing_keys_reports_nested_paths_and_compares_data_maps() -> None:
    sample = {"a": {"b": 1, "c": [{"d": 1}]}, "m": {"x": {"k": 1}}}
    actual = {"a": {"c": [{"e": 1}]}, "m": {"y": {"j": 2}, "z": None}}

    assert missing_keys(sample, actual, maps=frozenset({"$.m"})) == [
        "$.a.b",
        "$.a.c[].d",
        "$.m.*.k",
    ]


def test_lex_answer_has_the_keys_of_the_api_reference(unsigned_lex: LexFake) -> None:
    unsigned_lex.respond("PlanTrip", 0.9, {"destination": "Rome"})
    body = {
        "text": "Plan a trip to Rome",
        "requestAttributes": {"channel": "web"},
        "sessionState": {"sessionAttributes": {"user": "u-1"}},
    }
    path = "/bots/B1/botAliases/A1/botLocales/en_US/sessions/s-1/text"

    answer = requests.post(f"{unsigned_lex.url}{path}", json=body, timeout=TIMEOUT).json()

    maps = frozenset(
        {
            "$.interpretations[].intent.slots",
            "$.sessionState.intent.slots",
            "$.requestAttributes",
            "$.sessionState.sessionAttributes",
        }
    )
    optional = {
        "$.interpretations[].sentimentResponse",  # only when the bot enables sentiment
        "$.messages[].imageResponseCard",  # only for card messages
        "$.sessionState.activeContexts",  # only when contexts are active
    }
    assert set(missing_keys(load_sample("lex_recognize_text.json"), answer, maps)) <= optional


def test_dialogflow_answer_has_the_keys_of_the_quickstart_sample(
    dialogflow_fake: DialogflowFake,
) -> None:
    path = "/v2/projects/p/agent/sessions/s-1:detectIntent"
    body = {"queryInput": {"text": {"text": "Plan a trip to Lisbon", "languageCode": "en"}}}

    answer = requests.post(f"{dialogflow_fake.url}{path}", json=body, timeout=TIMEOUT).json()

    maps = frozenset({"$.queryResult.parameters", "$.queryResult.outputContexts[].parameters"})
    assert missing_keys(load_sample("dialogflow_detect_intent.json"), answer, maps) == []


def test_azure_answer_has_the_keys_of_the_learn_sample(azure_fake: AzureLanguageFake) -> None:
    body = {
        "kind": "SentimentAnalysis",
        "analysisInput": {"documents": [{"id": "1", "language": "en", "text": "Good morning!"}]},
    }

    answer = requests.post(
        f"{azure_fake.url}/language/:analyze-text?api-version=2023-04-01",
        json=body,
        headers={"Ocp-Apim-Subscription-Key": azure_fake.key},
        timeout=TIMEOUT,
    ).json()

    assert missing_keys(load_sample("azure_sentiment.json"), answer) == []


@pytest.mark.parametrize(
    ("sample", "path", "params", "maps", "optional"),
    [
        (
            "openweather_current.json",
            "/data/2.5/weather",
            {"lat": "48.85", "lon": "2.35"},
            frozenset[str](),
            {"$.rain"},  # only while it rains
        ),
        (
            "openweather_forecast.json",
            "/data/2.5/forecast",
            {"lat": "48.85", "lon": "2.35"},
            frozenset[str](),
            {"$.list[].rain"},  # only for rainy steps
        ),
        (
            "openweather_geocoding.json",
            "/geo/1.0/direct",
            {"q": "London", "limit": "5"},
            frozenset({"$[].local_names"}),
            set(),
        ),
    ],
)
def test_openweather_answers_have_the_keys_of_the_api_examples(
    openweather_fake: OpenWeatherFake,
    sample: str,
    path: str,
    params: dict[str, str],
    maps: frozenset[str],
    optional: set[str],
) -> None:
    query: dict[str, Any] = {**params, "appid": openweather_fake.api_key}

    answer = requests.get(f"{openweather_fake.url}{path}", params=query, timeout=TIMEOUT).json()

    assert set(missing_keys(load_sample(sample), answer, maps)) <= optional


def test_a_rainy_place_reports_rain_like_the_sample(openweather_fake: OpenWeatherFake) -> None:
    query = {"lat": "41.89", "lon": "12.48", "appid": openweather_fake.api_key}  # Rome

    answer = requests.get(
        f"{openweather_fake.url}/data/2.5/weather", params=query, timeout=TIMEOUT
    ).json()

    assert answer["weather"][0]["main"] == "Rain"
    assert missing_keys(load_sample("openweather_current.json"), answer) == []
