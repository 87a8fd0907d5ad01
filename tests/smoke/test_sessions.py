"""Smoke: a conversation can be exported (GDPR access) and erased (GDPR erasure)."""

from __future__ import annotations

from tests.smoke.client import Sessions, SmokeClient
from tests.smoke.contract import OPTIONAL_CHAT_FIELDS, assert_error_body

TURN_FIELDS = {
    "timestamp",
    "message",
    "reply",
    "intent",
    "slots",
    "dialogState",
    "nlu",
    "sentiment",
    "variant",
}


def test_export_returns_every_turn_oldest_first(client: SmokeClient, sessions: Sessions) -> None:
    # GIVEN a conversation of two turns
    first = client.chat("plan a trip").json()
    session_id = sessions.track(first["sessionId"])
    second = client.chat("Lisbon", session_id).json()

    # WHEN it is exported
    reply = client.get(f"/sessions/{session_id}")

    # THEN both turns come back in order with what was said and answered
    assert reply.status == 200, reply.body
    body = reply.json()
    assert body["sessionId"] == session_id
    turns = body["turns"]
    assert [t["message"] for t in turns] == ["plan a trip", "Lisbon"]
    assert [t["reply"] for t in turns] == [first["reply"], second["reply"]]
    assert all(TURN_FIELDS <= set(t) <= TURN_FIELDS | OPTIONAL_CHAT_FIELDS for t in turns), turns
    # ... each with the quick replies and cards its answer had
    for turn, answer in zip(turns, (first, second), strict=True):
        assert (turn.get("quickReplies"), turn.get("cards")) == (
            answer.get("quickReplies"),
            answer.get("cards"),
        )
    assert turns[0]["timestamp"] <= turns[1]["timestamp"]
    assert "no-store" in reply.header("cache-control")


def test_erase_deletes_the_conversation_for_good(client: SmokeClient, sessions: Sessions) -> None:
    # GIVEN a stored conversation
    session_id = sessions.track(client.chat("what can you do?").json()["sessionId"])

    # WHEN it is erased
    erased = client.delete(f"/sessions/{session_id}")

    # THEN the erase succeeds, and afterwards there is nothing to export or erase
    assert erased.status == 200, erased.body
    assert erased.json()["erased"] is True
    exported = client.get(f"/sessions/{session_id}")
    assert exported.status == 404, exported.body
    assert_error_body(exported.json())
    again = client.delete(f"/sessions/{session_id}")
    assert again.status == 404, again.body


def test_a_malformed_session_id_is_refused_with_400(client: SmokeClient) -> None:
    # WHEN a session id outside the contract's pattern is exported
    reply = client.get("/sessions/short")

    # THEN the answer is a 400 in the error shape
    assert reply.status == 400, reply.body
    assert_error_body(reply.json())
