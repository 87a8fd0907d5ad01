"""Wire-level fake of Azure AI Language ``:analyze-text`` (sentiment analysis).

The real azure-ai-textanalytics client talks to it::

    client = TextAnalyticsClient(endpoint=fake.url, credential=AzureKeyCredential(fake.key),
                                 retry_total=0, connection_timeout=1, read_timeout=2)
    client.analyze_sentiment(["I love Lisbon"])

which sends ``POST /language/:analyze-text?api-version=2023-04-01`` with the key in header
``Ocp-Apim-Subscription-Key`` and a body ``{"kind": "SentimentAnalysis", "analysisInput":
{"documents": [{"id", "text", "language"}]}, "parameters": {...}}``. The answer follows the
service (``samples/azure_sentiment.json``): ``{"kind": "SentimentAnalysisResults", "results":
{"documents": [{id, sentiment, confidenceScores{positive, neutral, negative}, sentences[{text,
sentiment, confidenceScores, offset, length}], warnings}], "errors": [...], "modelVersion"}}``.

Scoring is per sentence by a pluggable :data:`~tests.support.fakes.sentiment.SentimentScorer`; the
document label follows the service's rule (all neutral -> neutral; positive and neutral ->
positive; negative and neutral -> negative; positive and negative -> mixed). A sentence the scorer
calls ``mixed`` counts as both for the document and is sent as its larger side, since sentences
are never ``mixed`` on the wire. An empty document gets a per-document ``InvalidDocument`` error.

A missing or wrong key gets 401 with the gateway's error body (the SDK raises
``ClientAuthenticationError``); error statuses use ``{"error": {"code", "message"}}`` and a 429
carries ``Retry-After`` (seconds, :attr:`AzureLanguageFake.retry_after_s`), which azure-core's
retry policy honours.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from tests.support.fakes.base import FakeServer, RecordedRequest, Response, json_response
from tests.support.fakes.sentiment import (
    Label,
    SentimentScore,
    SentimentScorer,
    scores,
    word_list_scorer,
)

DEFAULT_KEY = "fake-azure-language-key"
MODEL_VERSION = "2022-11-01"
MAX_DOCUMENTS = 10
_PATHS = frozenset({"/language/:analyze-text", "/language/%3Aanalyze-text"})
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+|$)\s*")
_ACCESS_DENIED = (
    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide "
    "a valid key for an active subscription and use a correct regional API endpoint for your "
    "resource."
)
_ERROR_CODES: Mapping[int, str] = {
    400: "InvalidRequest",
    401: "401",
    403: "403",
    404: "404",
    429: "429",
    500: "InternalServerError",
    503: "ServiceUnavailable",
}


class AzureLanguageFake(FakeServer):
    """Local Azure Language endpoint answering ``SentimentAnalysis`` tasks."""

    name = "azure-language"

    def __init__(self, key: str = DEFAULT_KEY, scorer: SentimentScorer = word_list_scorer):
        super().__init__()
        self.key = key
        self.scorer = scorer
        self.retry_after_s = 1

    def error_response(self, status: int, message: str | None = None) -> Response:
        """``{"error": {"code", "message"}}``; 429 adds ``Retry-After``."""
        code = _ERROR_CODES.get(
            status, "InternalServerError" if status >= 500 else "InvalidRequest"
        )
        headers = {"apim-request-id": str(uuid.uuid4())}
        if status == 429:
            headers["Retry-After"] = str(self.retry_after_s)
            message = message or (
                "Requests to the Analyze Text Operation have exceeded the rate limit of your "
                f"pricing tier. Please retry after {self.retry_after_s} second."
            )
        body = {"error": {"code": code, "message": message or f"{code} (injected by the fake)"}}
        return json_response(status, body, headers)

    def handle(self, request: RecordedRequest) -> Response:
        """Check the key, then answer a ``SentimentAnalysis`` task."""
        if request.method != "POST" or request.path not in _PATHS:
            return self.error_response(404, "Resource not found")
        if request.header("ocp-apim-subscription-key") != self.key:
            return self.error_response(401, _ACCESS_DENIED)
        if not request.query_value("api-version"):
            return self.error_response(404, "Resource not found")
        body = request.json if isinstance(request.json, dict) else {}
        if body.get("kind") != "SentimentAnalysis":
            return self._invalid("InvalidParameterValue", f"Unsupported kind {body.get('kind')!r}.")
        documents = (body.get("analysisInput") or {}).get("documents")
        if not isinstance(documents, list) or not documents:
            return self._invalid("InvalidDocumentBatch", "Request contains no documents.")
        if len(documents) > MAX_DOCUMENTS:
            return self._invalid(
                "InvalidDocumentBatch",
                f"Batch request contains too many records. Max {MAX_DOCUMENTS} records are "
                "permitted.",
            )
        results: dict[str, Any] = {"documents": [], "errors": [], "modelVersion": MODEL_VERSION}
        for document in documents:
            doc_id = str(document.get("id", ""))
            text = document.get("text")
            if not isinstance(text, str) or not text.strip():
                results["errors"].append(_document_error(doc_id))
            else:
                results["documents"].append(self._document(doc_id, text))
        headers = {"apim-request-id": str(uuid.uuid4())}
        return json_response(200, {"kind": "SentimentAnalysisResults", "results": results}, headers)

    def _document(self, doc_id: str, text: str) -> dict[str, Any]:
        sentences: list[dict[str, Any]] = []
        labels: set[str] = set()
        scored: list[SentimentScore] = []
        for match in _SENTENCE.finditer(text):
            if not match.group().strip():
                continue
            score = self.scorer(match.group())
            scored.append(score)
            labels.update(("positive", "negative") if score.label == "mixed" else (score.label,))
            sentences.append(
                {
                    "text": match.group(),
                    "sentiment": _wire_label(score),
                    "confidenceScores": _confidence(score),
                    "offset": match.start(),
                    "length": len(match.group()),
                }
            )
        overall = _average(scored, _document_label(labels))
        return {
            "id": doc_id,
            "sentiment": overall.label,
            "confidenceScores": _confidence(overall),
            "sentences": sentences,
            "warnings": [],
        }

    def _invalid(self, inner_code: str, message: str) -> Response:
        body = {
            "error": {
                "code": "InvalidRequest",
                "message": "Invalid Request.",
                "innererror": {"code": inner_code, "message": message},
            }
        }
        return json_response(400, body, {"apim-request-id": str(uuid.uuid4())})


def _document_error(doc_id: str) -> dict[str, Any]:
    return {
        "id": doc_id,
        "error": {
            "code": "InvalidArgument",
            "message": "Invalid document in request.",
            "innererror": {"code": "InvalidDocument", "message": "Document text is empty."},
        },
    }


def _wire_label(score: SentimentScore) -> str:
    if score.label != "mixed":
        return score.label
    return "positive" if score.positive >= score.negative else "negative"


def _document_label(labels: set[str]) -> Label:
    if {"positive", "negative"} <= labels:
        return "mixed"
    if "positive" in labels:
        return "positive"
    if "negative" in labels:
        return "negative"
    return "neutral"


def _average(scored: list[SentimentScore], label: Label) -> SentimentScore:
    count = max(1, len(scored))
    positive = sum(s.positive for s in scored) / count
    negative = sum(s.negative for s in scored) / count
    result = scores("neutral", positive, negative)
    return SentimentScore(label, result.positive, result.neutral, result.negative)


def _confidence(score: SentimentScore) -> dict[str, float]:
    return {"positive": score.positive, "neutral": score.neutral, "negative": score.negative}
