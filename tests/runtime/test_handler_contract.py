"""The handler with recorded API Gateway events: the /chat contract, errors, headers, routes."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import chat_event, load_event

Invoke = Callable[[dict[str, Any]], tuple[int, dict[str, str], Any]]
SESSION_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@pytest.fixture(autouse=True)
def _services(runtime_services: Any) -> None:
    runtime_services()


def assert_json_security_headers(headers: dict[str, str]) -> None:
    assert headers["Content-Type"].startswith("application/json")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"


def assert_error(invoke: Invoke, event: dict[str, Any], status: int, code: str, says: str) -> None:
    got, headers, body = invoke(event)
    assert got == status, body
    assert_json_security_headers(headers)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert says in body["error"]["message"]


def test_chat_answers_with_exactly_the_contract_fields(invoke: Invoke) -> None:
    status, headers, body = invoke(load_event("chat_post"))
    assert status == 200
    assert_json_security_headers(headers)
    assert set(body) == {
        "sessionId",
        "reply",
        "intent",
        "slots",
        "dialogState",
        "nlu",
        "sentiment",
        "variant",
        "latencyMs",
    }
    assert SESSION_RE.match(body["sessionId"]) and len(body["sessionId"]) >= 22  # 128 random bits
    assert body["intent"] == "PlanTrip"
    assert body["slots"] == {
        "destination": "Lisbon",
        "duration": 5,
        "budget": {"amount": 1500, "currency": "USD"},
    }
    assert body["dialogState"] == "Fulfilled"
    assert body["nlu"]["provider"] == "embedded" and 0 <= body["nlu"]["confidence"] <= 1
    assert (
        body["sentiment"]["label"] in {"positive", "neutral", "negative", "mixed"}
        and 0 <= body["sentiment"]["score"] <= 1
    )
    assert body["variant"] in {"concise", "detailed"}
    assert isinstance(body["latencyMs"], int) and body["latencyMs"] >= 0


def test_a_given_session_id_is_kept_and_its_history_exported(invoke: Invoke) -> None:
    status, _, first = invoke(load_event("chat_followup"))
    assert status == 200 and first["sessionId"] == "sess_followup_0001"
    status, headers, exported = invoke(load_event("session_export"))
    assert status == 200
    assert_json_security_headers(headers)
    assert exported["sessionId"] == "sess_followup_0001"
    assert [t["message"] for t in exported["turns"]] == ["5 days"]


def test_erase_deletes_the_session_and_a_second_erase_is_404(invoke: Invoke) -> None:
    invoke(load_event("chat_followup"))
    status, _, body = invoke(load_event("session_erase"))
    assert status == 200 and body["erased"] is True and body["itemsDeleted"] >= 2
    assert invoke(load_event("session_export"))[0] == 404
    assert_error(invoke, load_event("session_erase"), 404, "not_found", "no conversation")


def test_a_client_message_id_sent_twice_gives_one_turn_and_the_same_reply(invoke: Invoke) -> None:
    body = {"message": "weather in Oslo", "sessionId": "idempotent-01", "clientMessageId": "m-1"}
    first = invoke(chat_event(body))[2]
    again = invoke(chat_event(body))[2]
    assert again["reply"] == first["reply"] and again["intent"] == first["intent"]
    export = invoke(load_event("session_export", path="/sessions/idempotent-01"))[2]
    assert len(export["turns"]) == 1


@pytest.mark.parametrize(
    ("body", "raw", "status", "code", "says"),
    [
        (None, '{"message": "hi",', 400, "invalid_request", "not valid JSON"),
        (None, "[1, 2]", 400, "invalid_request", "must be a JSON object"),
        (None, '"just a string"', 400, "invalid_request", "must be a JSON object"),
        (None, "", 400, "invalid_request", "body is empty"),
        ({}, None, 400, "invalid_request", "'message' is required"),
        ({"message": ""}, None, 400, "invalid_request", "must not be empty or blank"),
        ({"message": "   \n\t "}, None, 400, "invalid_request", "must not be empty or blank"),
        ({"message": 42}, None, 400, "invalid_request", "'message' must be a string"),
        ({"message": ["hi"]}, None, 400, "invalid_request", "'message' must be a string"),
        ({"message": "x" * 1001}, None, 400, "invalid_request", "at most 1000 characters"),
        ({"message": "hi\u0000there"}, None, 400, "invalid_request", "control character (U+0000)"),
        ({"message": "bell\u0007"}, None, 400, "invalid_request", "control character (U+0007)"),
        (
            {"message": "hi", "sessionId": "short"},
            None,
            400,
            "invalid_request",
            "'sessionId' must be 8-64",
        ),
        (
            {"message": "hi", "sessionId": "../../etc/passwd"},
            None,
            400,
            "invalid_request",
            "'sessionId'",
        ),
        ({"message": "hi", "sessionId": 12345678}, None, 400, "invalid_request", "'sessionId'"),
        (
            {"message": "hi", "admin": True},
            None,
            400,
            "invalid_request",
            "unknown field(s) 'admin'",
        ),
        (
            None,
            '{"message": "a", "message": "b"}',
            400,
            "invalid_request",
            "appears more than once",
        ),
        (None, '{"message": "' + "[" * 5 + '"}', 200, "", ""),
        (
            None,
            '{"message": "hi", "x": ' + "[" * 3000 + "]" * 3000 + "}",
            400,
            "invalid_request",
            "",
        ),
        (None, '{"message": "\\ud800"}', 400, "invalid_request", "surrogate"),
    ],
)
def test_bad_input_gets_a_4xx_that_says_what_is_wrong(
    invoke: Invoke, body: Any, raw: str | None, status: int, code: str, says: str
) -> None:
    event = chat_event(body, raw=raw)
    if status == 200:
        assert invoke(event)[0] == 200
    else:
        assert_error(invoke, event, status, code, says)


def test_a_message_of_1000_characters_counts_characters_not_bytes(invoke: Invoke) -> None:
    assert (
        invoke(chat_event({"message": "é" * 1000}))[0] == 200
    )  # 2000 bytes in UTF-8, 1000 characters


def test_a_body_over_8_kb_is_413(invoke: Invoke) -> None:
    assert_error(
        invoke,
        chat_event(None, raw=json.dumps({"message": "x" * 9000})),
        413,
        "payload_too_large",
        "8192 bytes",
    )


def test_a_non_json_content_type_is_415(invoke: Invoke) -> None:
    assert_error(
        invoke, load_event("chat_form_encoded"), 415, "unsupported_media_type", "application/json"
    )


def test_invalid_utf8_is_400(invoke: Invoke) -> None:
    event = chat_event(None, raw=base64.b64encode(b'{"message": "caf\xe9"}').decode())
    event["isBase64Encoded"] = True
    assert_error(invoke, event, 400, "invalid_request", "not valid UTF-8")


def test_hostile_text_never_comes_back_as_live_html(invoke: Invoke) -> None:
    status, headers, body = invoke(load_event("chat_xss"))
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "<script" not in body["reply"] and "onerror" not in body["reply"]


def test_health_page_and_unknown_routes(invoke: Invoke) -> None:
    status, headers, body = invoke(load_event("health"))
    assert (status, body["status"]) == (200, "ok")
    status, headers, page = invoke(load_event("chat_page"))
    assert "<title>" in page
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert (
        "script-src 'sha256-" in headers["Content-Security-Policy"]
        and "unsafe-inline" not in headers["Content-Security-Policy"]
    )
    assert headers["X-Frame-Options"] == "DENY"
    assert_error(invoke, load_event("health", path="/nope"), 404, "not_found", "no such route")
    assert_error(invoke, load_event("go_link"), 404, "not_found", "unknown or has expired")
    assert_error(
        invoke, load_event("go_link", path="/go/%3Cx%3E"), 400, "invalid_request", "malformed"
    )
    assert_error(
        invoke,
        load_event("session_export", path="/sessions/bad!id"),
        400,
        "invalid_request",
        "session id",
    )


def test_the_rate_limit_keys_on_the_source_ip_not_x_forwarded_for(
    runtime_services: Any, invoke: Invoke
) -> None:
    from runtime.ratelimit.memory import InMemoryRateLimiter

    runtime_services(rate_limiter=InMemoryRateLimiter(clock=lambda: 1000.0))  # no refill mid-test
    statuses = []
    for n in range(205):
        event = chat_event(
            {"message": "hi"}, ip="198.51.100.7", **{"X-Forwarded-For": f"10.0.0.{n % 250}"}
        )
        statuses.append(invoke(event))
    assert [s for s, _, _ in statuses[:200]] == [200] * 200
    status, headers, body = statuses[200]
    assert status == 429 and body["error"]["code"] == "rate_limited"
    assert int(headers["Retry-After"]) >= 1
    assert (
        invoke(chat_event({"message": "hi"}, ip="198.51.100.8"))[0] == 200
    )  # another client is unaffected
    assert (
        invoke(load_event("health", requestContext={"identity": {"sourceIp": "198.51.100.7"}}))[0]
        == 200
    )


def test_each_turn_is_logged_without_the_session_id_or_the_full_message(
    invoke: Invoke, caplog: pytest.LogCaptureFixture
) -> None:
    long_message = "weather in Paris\r\nFAKE LOG LINE " + "x" * 300
    body = {"message": long_message, "sessionId": "secret-session-42"}
    with caplog.at_level("INFO", logger="travelbot.runtime.api.routes.chat"):
        status, _, reply = invoke(chat_event(body))
    assert status == 200
    [record] = [r for r in caplog.records if r.getMessage() == "chat turn"]
    fields = {k: getattr(record, k) for k in ("session", "excerpt", "intent", "nlu_provider")}
    assert "secret-session-42" not in json.dumps(fields)
    assert len(fields["session"]) == 16
    assert "\r" not in fields["excerpt"] and "\n" not in fields["excerpt"]
    assert len(fields["excerpt"]) < 100
    assert fields["excerpt"].startswith("weather in Paris\\r\\n")
    assert fields["intent"] == reply["intent"]
