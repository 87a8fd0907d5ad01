"""Smoke: bad requests get a 4xx in the contract's error shape, never a 5xx or a stack trace."""

from __future__ import annotations

import json

import pytest

from tests.smoke.client import Reply, SmokeClient
from tests.smoke.contract import assert_error_body

JSON = {"Content-Type": "application/json"}


def assert_client_error(reply: Reply, status: int) -> str:
    """The reply is ``status`` with a JSON error body and the JSON security headers; its code."""
    assert reply.status == status, f"expected {status}, got {reply.status}: {reply.body[:300]!r}"
    assert reply.header("content-type").startswith("application/json"), reply.headers
    assert reply.header("x-content-type-options") == "nosniff"
    body = reply.json()
    assert_error_body(body)
    return str(body["error"]["code"])


@pytest.mark.parametrize(
    ("case", "body"),
    [
        ("invalid JSON", b"{not json"),
        ("a JSON array", b'["hello"]'),
        ("no message", b"{}"),
        ("a blank message", b'{"message": "   "}'),
        ("a message that is not a string", b'{"message": 42}'),
        ("an unknown field", b'{"message": "hi", "admin": true}'),
        ("a malformed session id", b'{"message": "hi", "sessionId": "no spaces allowed"}'),
        ("a control character", b'{"message": "hi\\u0000there"}'),
        ("invalid UTF-8", b'{"message": "caf\xe9"}'),
    ],
)
def test_a_bad_chat_body_gets_400_that_says_what_is_wrong(
    client: SmokeClient, case: str, body: bytes
) -> None:
    # WHEN the chat endpoint receives a bad body
    reply = client.request("POST", "/chat", body=body, headers=JSON)

    # THEN it answers 400 in the contract's error shape
    assert_client_error(reply, 400)


def test_a_message_over_1000_characters_gets_400_counting_characters(
    client: SmokeClient, deployed: bool
) -> None:
    # GIVEN 1001 two-byte characters (2002 bytes: under the body limit, over the message limit)
    body = json.dumps({"message": "é" * 1001}, ensure_ascii=False).encode("utf-8")

    # WHEN it is sent
    reply = client.request("POST", "/chat", body=body, headers=JSON)

    # THEN it is refused as too long (the API names the limit; API Gateway's schema check,
    # which answers first on a deployment, does not)
    assert_client_error(reply, 400)
    if not deployed:
        assert "1000" in reply.json()["error"]["message"]


def test_a_message_of_exactly_1000_multibyte_characters_is_accepted(client: SmokeClient) -> None:
    # GIVEN a message at the limit, 1000 characters but 2000 bytes
    body = json.dumps({"message": "é" * 1000}, ensure_ascii=False).encode("utf-8")

    # WHEN it is sent
    reply = client.request("POST", "/chat", body=body, headers=JSON)

    # THEN it is a normal turn (its session is erased right away)
    assert reply.status == 200, reply.body[:300]
    assert client.delete(f"/sessions/{reply.json()['sessionId']}").status == 200


def test_a_body_over_8_kb_gets_413(client: SmokeClient) -> None:
    # GIVEN a JSON body of about 9 KB
    body = json.dumps({"message": "a" * 9000}).encode("utf-8")

    # WHEN it is sent
    reply = client.request("POST", "/chat", body=body, headers=JSON)

    # THEN it is refused as too large
    assert assert_client_error(reply, 413) == "payload_too_large"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_json_gets_415(client: SmokeClient, content_type: str) -> None:
    # WHEN the chat endpoint receives a non-JSON content type
    reply = client.request(
        "POST", "/chat", body=b"message=hello", headers={"Content-Type": content_type}
    )

    # THEN it answers 415 in the error shape
    assert assert_client_error(reply, 415) == "unsupported_media_type"


def test_hostile_markup_never_comes_back_as_markup(client: SmokeClient, deployed: bool) -> None:
    # WHEN a bad request carries markup in its field names and values
    body = b'{"message": "<script>alert(1)</script>", "<img src=x onerror=alert(1)>": 1}'
    reply = client.request("POST", "/chat", body=body, headers=JSON)

    # THEN the markup is not echoed: the API refuses the field (400, nosniff JSON), or, on a
    # deployment, the WAF's cross-site-scripting rule blocks the request before it (403)
    if not (deployed and reply.status == 403):
        assert_client_error(reply, 400)
    assert b"<script" not in reply.body and b"<img" not in reply.body
