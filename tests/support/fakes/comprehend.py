"""Wire-level fake of Amazon Comprehend ``DetectPiiEntities`` (the AWS JSON 1.1 protocol).

The real boto3 client talks to it::

    client = comprehend_client(fake.url)            # runtime.aws: dummy keys, short timeouts
    client.detect_pii_entities(Text="...", LanguageCode="en")

which sends ``POST /`` with ``X-Amz-Target: Comprehend_20171127.DetectPiiEntities``,
``Content-Type: application/x-amz-json-1.1`` and ``{"Text": ..., "LanguageCode": "en"}``. The
answer follows the API reference and the developer guide's example
(``samples/comprehend_detect_pii_entities.json``): ``{"Entities": [{"Score", "Type",
"BeginOffset", "EndOffset"}]}``, offsets in code points, the end exclusive.

Detection is deliberately simple and independent of the runtime's patterns: configured names
(``NAME``), "<number> <Word> Street, <City>, <ST> <zip>" (``ADDRESS``), four groups of four digits
(``CREDIT_DEBIT_NUMBER``), emails, a letter and eight digits (``PASSPORT_NUMBER``, which the local
redactor cannot see without the word "passport") and ISO dates (``DATE_TIME``). Errors use the
JSON 1.1 shape ``{"__type": "<Code>", "Message": ...}`` so botocore raises the same
``ClientError`` codes as against AWS: ``UnsupportedLanguageException`` and
``TextSizeLimitExceededException`` (400), ``TooManyRequestsException`` (400) and
``InternalServerException`` (500) through the shared fault switches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tests.support.fakes.base import FakeServer, RecordedRequest, Response, json_response

TARGET = "Comprehend_20171127.DetectPiiEntities"
AMZ_JSON = "application/x-amz-json-1.1"
MAX_TEXT_BYTES = 100 * 1024
LANGUAGES = frozenset({"en", "es"})
ERRORS = {
    400: "TooManyRequestsException",
    429: "TooManyRequestsException",
    500: "InternalServerException",
}
_PATTERNS: tuple[tuple[str, re.Pattern[str], float], ...] = (
    ("ADDRESS", re.compile(r"\d+ [A-Z][a-z]+ Street, [A-Z][a-z]+, [A-Z]{2} \d{5}"), 0.9999889),
    ("CREDIT_DEBIT_NUMBER", re.compile(r"\b\d{4}(?:[- ]?\d{4}){3}\b"), 0.8905550),
    ("EMAIL", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), 0.9999),
    ("PASSPORT_NUMBER", re.compile(r"\b[A-Z]\d{8}\b"), 0.9876),
    ("DATE_TIME", re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), 0.9990),
)


def error(status: int, code: str, message: str) -> Response:
    """Comprehend's JSON 1.1 error answer."""
    answer = json_response(status, {"__type": code, "Message": message})
    return Response(status, answer.body, {"Content-Type": AMZ_JSON})


class ComprehendFake(FakeServer):
    """Answers ``DetectPiiEntities``; ``names`` are the people it recognises (``NAME``)."""

    name = "comprehend"

    def __init__(self, names: Iterable[str] = ("Paulo Santos",)) -> None:
        super().__init__()
        self.names = tuple(names)

    def error_response(self, status: int, message: str | None = None) -> Response:
        """Comprehend's error for a status fault (400 is throttling)."""
        code = ERRORS.get(status, "InternalServerException")
        return error(status, code, message or "The fake failed on purpose")

    def handle(self, request: RecordedRequest) -> Response:
        """Detect entities, or answer with the API's own validation errors."""
        if request.header("x-amz-target") != TARGET or not isinstance(request.json, dict):
            return error(400, "InvalidRequestException", "Unknown operation or body")
        text, language = request.json.get("Text"), request.json.get("LanguageCode")
        if language not in LANGUAGES:
            return error(400, "UnsupportedLanguageException", f"Unsupported {language!r}")
        if not isinstance(text, str) or not text:
            return error(400, "InvalidRequestException", "Text must be 1 character or more")
        if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
            return error(400, "TextSizeLimitExceededException", "Input text size exceeds limit")
        answer = json_response(200, {"Entities": self.entities(text)})
        return Response(200, answer.body, {"Content-Type": AMZ_JSON})

    def entities(self, text: str) -> list[dict[str, object]]:
        """The entities of ``text`` in order of their offset."""
        found: list[dict[str, object]] = []
        for name in self.names:
            for match in re.finditer(re.escape(name), text):
                found.append(_entity("NAME", match.start(), match.end(), 0.9999670))
        for kind, pattern, score in _PATTERNS:
            for match in pattern.finditer(text):
                found.append(_entity(kind, match.start(), match.end(), score))
        return sorted(found, key=lambda entity: int(str(entity["BeginOffset"])))


def _entity(kind: str, start: int, end: int, score: float) -> dict[str, object]:
    return {"Score": score, "Type": kind, "BeginOffset": start, "EndOffset": end}
