"""The handler with recorded API Gateway events: the /chat contract, errors, headers, routes."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from runtime.rich_reply import problems
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


CONTRACT_FIELDS = {
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
RICH_FIELDS = {"quickReplies", "cards"}


def test_chat_answers_with_exactly_the_contract_fields(invoke: Invoke) -> None:
    status, headers, body = invoke(load_event("chat_post"))
    assert status == 200
    assert_json_security_headers(headers)
    # the contract's fields, and a plan's optional card and yes/no buttons, which fit the schema
    assert set(body) == CONTRACT_FIELDS | RICH_FIELDS
    assert problems(body) == []
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


@pytest.mark.parametrize(
    ("message", "rich"),
    [
        ("plan a trip", {"quickReplies"}),
        ("plan 3 days in Rome with 900 euros", {"quickReplies", "cards"}),
        ("flights from London to Rome tomorrow", {"cards"}),
        ("weather in Paris", set()),  # the sources are off here: no forecast, no card
        ("qwerty zxcv", {"quickReplies"}),
        ("bye", {"quickReplies"}),
    ],
)
def test_each_kind_of_answer_fits_the_quick_reply_and_card_schema(
    invoke: Invoke, message: str, rich: set[str]
) -> None:
    status, _, body = invoke(chat_event({"message": message}))
    assert status == 200
    assert set(body) == CONTRACT_FIELDS | rich
    assert problems(body) == []


def issued_session(invoke: Invoke, message: str = "plan a trip") -> str:
    """A session the server issued: the id of a first turn's answer."""
    status, _, body = invoke(chat_event({"message": message}))
    assert status == 200, body
    return str(body["sessionId"])


def followup(session_id: str) -> dict[str, Any]:
    """The recorded follow-up event ("5 days"), sent in ``session_id``."""
    event = load_event("chat_followup")
    event["body"] = json.dumps({**json.loads(event["body"]), "sessionId": session_id})
    return event


def test_an_issued_session_id_is_kept_and_its_history_exported(invoke: Invoke) -> None:
    # GIVEN a session the server issued
    sid = issued_session(invoke)

    # WHEN the recorded follow-up is sent in it, and the session is exported
    status, _, second = invoke(followup(sid))
    status_export, headers, exported = invoke(load_event("session_export", path=f"/sessions/{sid}"))

    # THEN the session is continued and both turns come back
    assert status == 200 and second["sessionId"] == sid
    assert status_export == 200
    assert_json_security_headers(headers)
    assert exported["sessionId"] == sid
    assert [t["message"] for t in exported["turns"]] == ["plan a trip", "5 days"]


@pytest.mark.parametrize(
    "chosen",
    ["johnsmith1", "sess_followup_0001", "AAAAAAAAAAAAAAAAAAAAAA"],
    ids=["a guessable name", "a recorded event's id", "an id of the issued shape"],
)
def test_a_session_id_the_server_never_issued_starts_a_new_session(
    invoke: Invoke, chosen: str
) -> None:
    # WHEN a client sends a well-formed session id the server never issued
    status, _, body = invoke(chat_event({"message": "hello", "sessionId": chosen}))

    # THEN the turn is answered in a new session whose (random) id the response carries
    assert status == 200
    assert body["sessionId"] != chosen and len(body["sessionId"]) == 22
    # AND nothing is stored, readable or erasable under the chosen id
    for method_event in ("session_export", "session_erase"):
        assert invoke(load_event(method_event, path=f"/sessions/{chosen}"))[0] == 404


def test_an_erased_session_is_not_resumed(invoke: Invoke) -> None:
    # GIVEN a session that was erased
    sid = issued_session(invoke)
    assert invoke(load_event("session_erase", path=f"/sessions/{sid}"))[0] == 200

    # WHEN the client writes in it again
    status, _, body = invoke(followup(sid))

    # THEN a new session is started
    assert status == 200 and body["sessionId"] != sid


def test_erase_deletes_the_session_and_a_second_erase_is_404(invoke: Invoke) -> None:
    sid = issued_session(invoke)
    invoke(followup(sid))
    erase = load_event("session_erase", path=f"/sessions/{sid}")
    status, _, body = invoke(erase)
    assert status == 200 and body["erased"] is True and body["itemsDeleted"] >= 2
    assert invoke(load_event("session_export", path=f"/sessions/{sid}"))[0] == 404
    assert_error(invoke, erase, 404, "not_found", "no conversation")


def test_a_client_message_id_sent_twice_gives_one_turn_and_the_same_reply(invoke: Invoke) -> None:
    sid = issued_session(invoke, "hello")
    body = {"message": "weather in Oslo", "sessionId": sid, "clientMessageId": "m-1"}
    first = invoke(chat_event(body))[2]
    again = invoke(chat_event(body))[2]
    assert again["reply"] == first["reply"] and again["intent"] == first["intent"]
    export = invoke(load_event("session_export", path=f"/sessions/{sid}"))[2]
    assert [t["message"] for t in export["turns"]] == ["hello", "weather in Oslo"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sessionId", "probeSIDnl\n"),
        ("sessionId", "AAAAAAAAAAAAAAAAAAAAAA\n"),
        ("clientMessageId", "m-1\n"),
    ],
)
def test_an_id_with_a_trailing_newline_is_refused(invoke: Invoke, field: str, value: str) -> None:
    # GIVEN an id that would match its pattern but for a final newline
    raw = json.dumps({"message": "hi", field: value})

    # WHEN it is sent  THEN it is a 400 naming the field (never stored under an id nobody can use)
    assert_error(invoke, chat_event(None, raw=raw), 400, "invalid_request", f"'{field}'")


def test_a_session_path_with_a_trailing_newline_is_refused(invoke: Invoke) -> None:
    sid = issued_session(invoke)
    event = load_event("session_export", path=f"/sessions/{sid}\n")
    assert_error(invoke, event, 400, "invalid_request", "control character")


@pytest.mark.parametrize(
    "raw",
    [
        '{"message": "hi", "n": ' + "1" * 4301 + "}",
        '{"message": ' + "9" * 5000 + "}",
        '{"message": "hi", "sessionId": -' + "7" * 8000 + "}",
        "[" + "1" * 4400 + "]",
    ],
    ids=["an unknown field", "the message", "a negative session id", "a bare array"],
)
def test_an_integer_over_4300_digits_in_any_field_is_a_400_not_a_500(
    invoke: Invoke, raw: str
) -> None:
    assert_error(invoke, chat_event(None, raw=raw), 400, "invalid_request", "4300 digits")


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


def test_each_turn_is_logged_without_the_session_id_or_any_message_text(
    invoke: Invoke, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN the service logging at INFO (the default)
    sid = issued_session(invoke)
    body = {"message": "weather in Paris, call me on +44 20 7946 0958", "sessionId": sid}

    # WHEN a turn is served
    with caplog.at_level("INFO", logger="travelbot.runtime.api.routes.chat"):
        status, _, reply = invoke(chat_event(body))

    # THEN its one log line carries the session as a hash and no text of the message
    assert status == 200
    [record] = [r for r in caplog.records if r.getMessage() == "chat turn"]
    assert not hasattr(record, "excerpt")
    fields = {k: getattr(record, k) for k in ("session", "intent", "nlu_provider")}
    assert sid not in json.dumps(fields) and len(fields["session"]) == 16
    assert fields["intent"] == reply["intent"]


def test_at_debug_the_turn_line_has_a_short_redacted_excerpt_that_cannot_forge_a_line(
    invoke: Invoke, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN the service logging at DEBUG
    sid = issued_session(invoke)
    message = "weather in Paris\r\nFAKE LOG LINE card 4111 1111 1111 1111 " + "x" * 300

    # WHEN a turn with a line break and a card number is served
    with caplog.at_level("DEBUG", logger="travelbot.runtime.api.routes.chat"):
        status, _, _ = invoke(chat_event({"message": message, "sessionId": sid}))

    # THEN the excerpt is capped, escaped and redacted
    assert status == 200
    [record] = [r for r in caplog.records if r.getMessage() == "chat turn"]
    excerpt = record.excerpt
    assert "\r" not in excerpt and "\n" not in excerpt and len(excerpt) < 100
    assert excerpt.startswith("weather in Paris\\r\\nFAKE LOG LINE card [CARD]")
    assert "4111" not in excerpt


def test_a_route_called_with_a_method_it_does_not_take_is_405_naming_the_allowed_ones(
    invoke: Invoke,
) -> None:
    status, headers, body = invoke(load_event("health", path="/chat", httpMethod="GET"))
    assert status == 405 and headers["Allow"] == "POST"
    assert body["error"]["code"] == "method_not_allowed"
    status, headers, _ = invoke(load_event("health", httpMethod="PROPFIND"))
    assert status == 405 and headers["Allow"] == "GET, HEAD"
    sid = issued_session(invoke)
    status, headers, _ = invoke(
        load_event("session_export", path=f"/sessions/{sid}", httpMethod="PUT")
    )
    assert status == 405 and headers["Allow"] == "DELETE, GET, HEAD"


def test_head_is_answered_like_get(invoke: Invoke) -> None:
    status, headers, body = invoke(load_event("health", httpMethod="HEAD"))
    assert status == 200 and body["status"] == "ok"
    assert headers["Content-Type"].startswith("application/json")


def test_links_in_replies_never_take_the_clients_host_or_scheme(invoke: Invoke) -> None:
    # GIVEN a flight search whose request forges Host and X-Forwarded-Proto
    event = chat_event(
        {"message": "find flights from London to Rome on 2030-05-14"},
        Host="evil.example",
        **{"X-Forwarded-Proto": "javascript"},
    )

    # WHEN it is answered
    status, _, body = invoke(event)

    # THEN the tracked link is on API Gateway's domain and stage, over https
    assert status == 200, body
    assert "https://abcdef1234.execute-api.us-east-1.amazonaws.com/prod/go/" in body["reply"]
    assert "evil.example" not in body["reply"] and "javascript" not in body["reply"]


def test_a_configured_public_base_url_is_the_one_links_use(
    runtime_services: Any, invoke: Invoke
) -> None:
    from runtime.settings import Settings

    runtime_services(settings=Settings(public_base_url="https://chat.example.com"))
    status, _, body = invoke(
        chat_event({"message": "find flights from London to Rome on 2030-05-14"})
    )
    assert status == 200
    assert "https://chat.example.com/go/" in body["reply"]
