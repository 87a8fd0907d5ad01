"""Smoke: ``POST /chat`` answers per the contract, one shot and over several turns."""

from __future__ import annotations

from tests.smoke.client import Sessions, SmokeClient
from tests.smoke.contract import assert_chat_body

LISBON_PLAN = {
    "destination": "Lisbon",
    "duration": 5,
    "budget": {"amount": 1500, "currency": "USD"},
}


def test_a_chat_answer_has_every_contract_field_with_its_type(
    client: SmokeClient, sessions: Sessions
) -> None:
    # WHEN a first message is sent without a session id
    reply = client.chat("hello there")

    # THEN the answer is JSON with every field of the contract, and a new session id
    assert reply.status == 200, reply.body
    body = reply.json()
    sessions.track(body["sessionId"])
    assert_chat_body(body)
    assert reply.header("content-type").startswith("application/json")
    assert reply.header("x-content-type-options") == "nosniff"
    assert "no-store" in reply.header("cache-control")


def test_one_message_with_every_detail_plans_the_trip(
    client: SmokeClient, sessions: Sessions
) -> None:
    # WHEN a message names destination, duration and budget at once
    reply = client.chat("plan a 5 day trip to Lisbon with $1500")

    # THEN the slots are normalised per the contract and the plan is fulfilled
    assert reply.status == 200, reply.body
    body = reply.json()
    sessions.track(body["sessionId"])
    assert_chat_body(body)
    assert body["intent"] == "PlanTrip"
    assert body["slots"] == LISBON_PLAN
    assert body["dialogState"] == "Fulfilled"


def test_slots_are_filled_over_several_turns_of_one_session(
    client: SmokeClient, sessions: Sessions
) -> None:
    # GIVEN a conversation that starts without any detail
    first = client.chat("plan a trip")
    assert first.status == 200, first.body
    session_id = sessions.track(first.json()["sessionId"])
    states = [first.json()]

    # WHEN each missing detail is given in its own turn
    for message in ("Lisbon", "5 days", "$1500"):
        reply = client.chat(message, session_id)
        assert reply.status == 200, (message, reply.body)
        states.append(reply.json())

    # THEN the bot asks for each slot in turn, keeps the session, and fulfils the plan
    for body in states:
        assert_chat_body(body)
        assert body["sessionId"] == session_id
        assert body["intent"] == "PlanTrip"
    assert [b["dialogState"] for b in states] == ["ElicitSlot"] * 3 + ["Fulfilled"]
    assert states[1]["slots"] == {"destination": "Lisbon"}
    assert states[2]["slots"] == {"destination": "Lisbon", "duration": 5}
    assert states[3]["slots"] == LISBON_PLAN
    assert "Lisbon" in states[3]["reply"]
