"""Stored-turn redaction with Amazon Comprehend: the real boto3 client against a wire fake.

Comprehend adds what patterns cannot see, never removes what they found, answers within its
deadline or is replaced by the local patterns (counted, then skipped for a cool-down), and the
chat service stores the redacted turn while the user still gets the reply as computed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from runtime.aws import comprehend_client
from runtime.chat import TurnContext
from runtime.redaction.comprehend import ComprehendRedactor
from runtime.redaction.factory import build_redactor
from runtime.services import build_services
from runtime.settings import Settings
from runtime.types import ChatRequest
from tests.integration.store_helpers import Clock
from tests.support.fakes.comprehend import TARGET, ComprehendFake
from tests.support.fakes.shape import load_sample, missing_keys

GUIDE_INPUT = (
    "Hello Paulo Santos. The latest statement for your credit card account "
    "1111-0000-1111-0000 was mailed to 123 Any Street, Seattle, WA 98109."
)
READ_TIMEOUT_S = 0.3


class MetricRecorder:
    """Collects ``add_metric`` calls like Powertools' ``Metrics`` would receive them."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def add_metric(self, name: str, unit: Any, value: float) -> None:
        self.names.append(name)


@pytest.fixture
def comprehend() -> Iterator[ComprehendFake]:
    with ComprehendFake() as fake:
        yield fake


def redactor(fake: ComprehendFake, **kwargs: Any) -> ComprehendRedactor:
    client = comprehend_client(fake.url, connect_timeout_s=0.5, read_timeout_s=READ_TIMEOUT_S)
    kwargs.setdefault("metrics", MetricRecorder())
    return ComprehendRedactor(client, **kwargs)


def test_the_fake_answers_the_guides_example_with_its_keys_and_types(
    comprehend: ComprehendFake,
) -> None:
    # WHEN the developer guide's input is sent through the real client
    client = comprehend_client(comprehend.url)
    answer = client.detect_pii_entities(Text=GUIDE_INPUT, LanguageCode="en")

    # THEN the answer has the published sample's keys and entity types, in order, and offsets
    # that cut the input at the entities (code points, end exclusive)
    sample = load_sample("comprehend_detect_pii_entities.json")
    assert missing_keys(sample, {"Entities": answer["Entities"]}) == []
    assert [e["Type"] for e in answer["Entities"]] == [e["Type"] for e in sample["Entities"]]
    cut = [GUIDE_INPUT[e["BeginOffset"] : e["EndOffset"]] for e in answer["Entities"]]
    assert cut == ["Paulo Santos", "1111-0000-1111-0000", "123 Any Street, Seattle, WA 98109"]
    assert comprehend.requests[0].header("x-amz-target") == TARGET


def test_comprehend_adds_what_the_patterns_miss_and_travel_entities_are_kept(
    comprehend: ComprehendFake,
) -> None:
    # GIVEN a message with a bare passport number (no word "passport"), a name and a date
    text = "Paulo Santos flies 2027-05-04, document X12345678"

    # WHEN it is redacted
    redacted = redactor(comprehend).redact(text)

    # THEN the document number is gone; the traveller's name and the date stay (not redacted
    # by design: they are what a trip is made of)
    assert redacted == "Paulo Santos flies 2027-05-04, document [NATIONAL_ID]"
    (request,) = comprehend.requests
    assert request.json == {"Text": text, "LanguageCode": "en"}


def test_the_local_patterns_still_apply_to_what_comprehend_did_not_report(
    comprehend: ComprehendFake,
) -> None:
    text = "refund to GB82 WEST 1234 5698 7654 32, mail jane@example.com"
    assert redactor(comprehend).redact(text) == "refund to [IBAN], mail [EMAIL]"


def test_offsets_are_code_points_so_text_around_emoji_and_accents_survives(
    comprehend: ComprehendFake,
) -> None:
    text = "José 😀 in Zürich, doc X12345678 🙂 ok"
    assert redactor(comprehend).redact(text) == "José 😀 in Zürich, doc [NATIONAL_ID] 🙂 ok"


def test_a_failing_comprehend_falls_back_to_the_patterns_counts_it_and_cools_down(
    comprehend: ComprehendFake,
) -> None:
    # GIVEN Comprehend failing with its 500, and a redactor that cools down for 30 s
    monotonic = Clock(100.0)
    metrics = MetricRecorder()
    pii = redactor(comprehend, metrics=metrics, monotonic=monotonic, cooldown_s=30.0)
    comprehend.faults.status = 500

    # WHEN two texts are redacted, then a third after the cool-down with Comprehend back
    first = pii.redact("card 4111 1111 1111 1111, doc X12345678")
    second = pii.redact("mail jane@example.com")
    calls_during = len(comprehend.requests)
    monotonic.advance(31)
    comprehend.faults.clear()
    third = pii.redact("doc X12345678")

    # THEN the patterns redacted what they know, each fallback was counted, Comprehend was not
    # asked while cooling down, and afterwards it is asked again
    assert first == "card [CARD], doc X12345678" and second == "mail [EMAIL]"
    assert metrics.names == ["PiiRedactionFallback"] * 2
    assert calls_during == 1
    assert third == "doc [NATIONAL_ID]"


def test_a_hanging_comprehend_costs_at_most_its_deadline(comprehend: ComprehendFake) -> None:
    # GIVEN Comprehend answering after 5 s, and a client that reads for 0.3 s
    comprehend.faults.latency_s = 5.0
    metrics = MetricRecorder()

    # WHEN a text is redacted
    started = time.monotonic()
    redacted = redactor(comprehend, metrics=metrics).redact("call +1 415-555-0123")

    # THEN the patterns answered within the deadline (bounded generously for a busy machine)
    assert time.monotonic() - started < 3.0
    assert redacted == "call [PHONE]"
    assert metrics.names == ["PiiRedactionFallback"]


def test_with_redact_stored_pii_the_stored_turn_is_redacted_and_the_reply_is_not(
    comprehend: ComprehendFake, tmp_path: Path
) -> None:
    # GIVEN the stack option set to comprehend, Comprehend served by the fake
    settings = Settings(redact_stored_pii="comprehend", comprehend_endpoint=comprehend.url)
    services = build_services(settings, data_dir=tmp_path)
    ctx = TurnContext(base_url="http://localhost", budget_s=5.0)

    # WHEN a user writes personal data into a message
    body = services.chat.chat(
        ChatRequest(
            "plan a trip to Lisbon, my email is jane@example.com, doc X12345678", None, None
        ),
        ctx,
    )

    # THEN the answer is the normal one, and the stored message holds placeholders only
    assert body["intent"] == "PlanTrip"
    (turn,) = services.store.export_session(body["sessionId"])
    assert turn.message == "plan a trip to Lisbon, my email is [EMAIL], doc [NATIONAL_ID]"
    assert turn.reply == body["reply"]


def test_the_factory_builds_what_the_option_names() -> None:
    assert build_redactor(Settings()) is None
    assert type(build_redactor(Settings(redact_stored_pii="local"))).__name__ == "LocalRedactor"
