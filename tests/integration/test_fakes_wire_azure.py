"""The real azure-ai-textanalytics client against the Azure Language fake."""

from __future__ import annotations

import time
from typing import cast

import pytest
import requests
from azure.ai.textanalytics import AnalyzeSentimentResult, DocumentError
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ServiceResponseError,
)
from azure.core.rest import HttpResponse

from tests.support.fakes.azure_language import AzureLanguageFake
from tests.support.fakes.clients import azure_client
from tests.support.fakes.sentiment import scores


def analyze(fake: AzureLanguageFake, *texts: str) -> list[AnalyzeSentimentResult]:
    results = azure_client(fake).analyze_sentiment(list(texts))
    assert all(isinstance(r, AnalyzeSentimentResult) for r in results)
    return [r for r in results if isinstance(r, AnalyzeSentimentResult)]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("I love Lisbon, what a wonderful city!", "positive"),
        ("The flight was delayed and the staff were rude.", "negative"),
        ("The museum opens at nine.", "neutral"),
        ("The hotel was great. The food was awful.", "mixed"),
    ],
)
def test_analyze_sentiment_labels_documents_with_scores_summing_to_one(
    azure_fake: AzureLanguageFake, text: str, label: str
) -> None:
    [result] = analyze(azure_fake, text)

    assert result.sentiment == label
    c = result.confidence_scores
    assert c.positive + c.neutral + c.negative == pytest.approx(1.0, abs=0.011)


def test_the_request_carries_the_key_header_api_version_and_task(
    azure_fake: AzureLanguageFake,
) -> None:
    analyze(azure_fake, "Hello there.")

    [request] = azure_fake.requests
    assert request.method == "POST"
    assert request.path == "/language/:analyze-text"
    assert request.query_value("api-version") == "2023-04-01"
    assert request.header("Ocp-Apim-Subscription-Key") == azure_fake.key
    assert request.json["kind"] == "SentimentAnalysis"
    assert request.json["analysisInput"]["documents"][0]["text"] == "Hello there."


def test_sentences_are_scored_with_their_offsets(azure_fake: AzureLanguageFake) -> None:
    text = "The hotel was great. The food was awful."

    [result] = analyze(azure_fake, text)

    spans = [(s.sentiment, text[s.offset : s.offset + s.length]) for s in result.sentences]
    assert spans == [("positive", "The hotel was great. "), ("negative", "The food was awful.")]


def test_a_wrong_key_is_rejected_with_401(azure_fake: AzureLanguageFake) -> None:
    with pytest.raises(ClientAuthenticationError) as caught:
        azure_client(azure_fake, key="not-the-key").analyze_sentiment(["hi"])

    assert caught.value.status_code == 401


def test_a_missing_key_is_rejected_with_401(azure_fake: AzureLanguageFake) -> None:
    response = requests.post(
        f"{azure_fake.url}/language/:analyze-text?api-version=2023-04-01",
        json={"kind": "SentimentAnalysis", "analysisInput": {"documents": []}},
        timeout=2,
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "401"


def test_an_empty_document_gets_a_per_document_error(azure_fake: AzureLanguageFake) -> None:
    results = azure_client(azure_fake).analyze_sentiment(["Nice!", " "])

    assert isinstance(results[0], AnalyzeSentimentResult)
    assert isinstance(results[1], DocumentError)
    assert results[1].error.code == "InvalidDocument"


def test_a_pluggable_scorer_decides_the_sentiment(azure_fake: AzureLanguageFake) -> None:
    azure_fake.scorer = lambda sentence: scores("negative", 0.05, 0.9)

    [result] = analyze(azure_fake, "I love it.")

    assert result.sentiment == "negative"
    assert result.confidence_scores.negative == pytest.approx(0.9)


# Faults -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 503])
def test_a_server_error_raises_http_response_error(
    azure_fake: AzureLanguageFake, status: int
) -> None:
    azure_fake.faults.status = status

    with pytest.raises(HttpResponseError) as caught:
        analyze(azure_fake, "hi")

    assert caught.value.status_code == status


def test_a_429_raises_with_retry_after(azure_fake: AzureLanguageFake) -> None:
    azure_fake.faults.status = 429

    with pytest.raises(HttpResponseError) as caught:
        analyze(azure_fake, "hi")

    assert caught.value.status_code == 429
    response = cast(HttpResponse, caught.value.response)  # typed as a narrower protocol
    assert response.headers["Retry-After"] == "1"


def test_a_reset_raises_a_connection_error(azure_fake: AzureLanguageFake) -> None:
    azure_fake.faults.reset = True

    with pytest.raises(ServiceResponseError):
        analyze(azure_fake, "hi")


def test_a_malformed_body_raises_a_decode_error(azure_fake: AzureLanguageFake) -> None:
    azure_fake.faults.malformed = True

    with pytest.raises(HttpResponseError) as caught:
        analyze(azure_fake, "hi")

    assert caught.value.status_code == 200


def test_a_hang_hits_the_read_timeout(azure_fake: AzureLanguageFake) -> None:
    azure_fake.faults.hang = True
    client = azure_client(azure_fake, read_timeout=0.3)

    started = time.monotonic()
    with pytest.raises(ServiceResponseError):
        client.analyze_sentiment(["hi"])

    assert time.monotonic() - started < 5


def test_latency_delays_the_answer(azure_fake: AzureLanguageFake) -> None:
    azure_fake.faults.latency_s = 0.3

    started = time.monotonic()
    [result] = analyze(azure_fake, "Great!")

    assert time.monotonic() - started >= 0.25
    assert result.sentiment == "positive"


def test_one_429_then_success_is_retried_after_retry_after(azure_fake: AzureLanguageFake) -> None:
    # GIVEN one throttled answer that asks the client to wait one second
    azure_fake.faults.fail_next(1, status=429)
    client = azure_client(azure_fake, retry_total=1)

    # WHEN the client (one retry allowed) analyzes a text
    started = time.monotonic()
    [result] = client.analyze_sentiment(["Great!"])

    # THEN it honoured Retry-After and the second attempt succeeded
    assert time.monotonic() - started >= 0.9
    assert isinstance(result, AnalyzeSentimentResult)
    assert result.sentiment == "positive"
    assert len(azure_fake.requests) == 2
