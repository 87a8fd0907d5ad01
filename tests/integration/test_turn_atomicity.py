"""A turn and its idempotency claim on DynamoDB: a write killed between the two is repaired.

The store writes the ``client#`` claim (carrying the whole turn) and then the ``turn#`` item.
Here the second write never reaches DynamoDB: the proxy in front of it holds the request, as if
the writer died at that instant; in the last test the writer really is a server process, killed
with SIGKILL while its second write is held. A retry with the same ``clientMessageId`` must then
answer from the claim *and* leave the turn stored, once; an export lists it even before.
Both local DynamoDB servers run the store tests: dynalite and moto.
"""

from __future__ import annotations

import http.client
import json
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from runtime.aws import aws_retry
from runtime.errors import StoreError
from runtime.store.dynamodb import DynamoDbStore
from runtime.store.schema import create_table_if_missing
from tests.integration.store_helpers import DAY_START_MS, Clock, make_turn
from tests.smoke.local_server import LocalServer
from tests.support.dynalite import DynaliteServer, local_client, unique_table_name
from tests.support.dynamo_proxy import DynamoFaultProxy
from tests.support.fakes.base import RecordedRequest

pytest_plugins = ["tests.integration.dynamo_fixtures"]

NOON = DAY_START_MS / 1000 + 12 * 3600
SESSION = "AtomicitySession00000A"  # 22 characters: the issued shape


def turn_write_of(client_message_id: str) -> Any:
    """A predicate for the proxy: the ``turn#`` PutItem of that client message id."""

    def matches(request: RecordedRequest) -> bool:
        if request.header("x-amz-target") != "DynamoDB_20120810.PutItem":
            return False
        item = (request.json or {}).get("Item", {})
        return item.get("sk", {}).get("S", "").startswith("turn#") and item.get(
            "clientMessageId", {}
        ).get("S") == (client_message_id)

    return matches


@pytest.fixture(params=["dynalite", "moto"])
def upstream(request: pytest.FixtureRequest) -> str:
    """The endpoint of a local DynamoDB server: dynalite, or moto's."""
    if request.param == "dynalite":
        return str(request.getfixturevalue("dynalite").endpoint)
    return str(request.getfixturevalue("moto_endpoint"))


@pytest.fixture
def proxied(upstream: str) -> Iterator[tuple[DynamoFaultProxy, str]]:
    """A fresh table on ``upstream`` and a fault proxy in front of that server."""
    name = unique_table_name("atomic")
    create_table_if_missing(local_client(upstream), name)
    with DynamoFaultProxy(upstream) as proxy:
        yield proxy, name


def store_via(endpoint: str, table: str) -> DynamoDbStore:
    client = local_client(endpoint, read_timeout_s=2.0)
    return DynamoDbStore(client, table, retry=aws_retry(1), clock=Clock(NOON))


def dropped_turn_write(proxy: DynamoFaultProxy, table: str) -> Any:
    """Append a turn whose ``turn#`` write is held and dropped; returns the turn."""
    turn = make_turn(SESSION, DAY_START_MS + 12 * 3600_000, client_message_id="c-1")
    proxy.hold(turn_write_of("c-1"))
    releaser = threading.Thread(target=lambda: proxy.held.wait(10) and proxy.release())
    releaser.start()
    with pytest.raises(StoreError):
        store_via(proxy.url, table).append_turn(turn)
    releaser.join()
    return turn


def test_a_turn_whose_write_died_after_its_claim_is_completed_by_the_retry(
    proxied: tuple[DynamoFaultProxy, str],
) -> None:
    # GIVEN the claim written and the turn write lost (the writer "died" between the two)
    proxy, table = proxied
    turn = dropped_turn_write(proxy, table)
    direct = store_via(proxy.url, table)
    raw_key = {"sessionId": {"S": SESSION}, "sk": {"S": f"turn#{turn.turn_key}"}}
    assert "Item" not in local_client(proxy.url).get_item(TableName=table, Key=raw_key)

    # WHEN the client retries with the same message id (the chat service looks it up first)
    found = direct.find_turn_by_client_id(SESSION, "c-1")

    # THEN the retry gets the first turn, and that turn is now stored: once
    assert found == turn
    assert "Item" in local_client(proxy.url).get_item(TableName=table, Key=raw_key)
    assert direct.export_session(SESSION) == [turn]


def test_an_export_lists_a_claimed_turn_before_anything_repaired_it(
    proxied: tuple[DynamoFaultProxy, str],
) -> None:
    # GIVEN the claim written and the turn write lost
    proxy, table = proxied
    turn = dropped_turn_write(proxy, table)

    # WHEN the session is exported (GDPR access), no retry having come
    exported = store_via(proxy.url, table).export_session(SESSION)

    # THEN the message the store holds (in the claim) is in the export
    assert exported == [turn]


def test_a_competing_append_or_a_replay_of_the_same_message_completes_it_too(
    proxied: tuple[DynamoFaultProxy, str],
) -> None:
    # GIVEN the claim written and the turn write lost
    proxy, table = proxied
    turn = dropped_turn_write(proxy, table)

    # WHEN another copy of the message is appended (a replay, a concurrent resend)
    copy = make_turn(SESSION, turn.timestamp_ms + 5_000, client_message_id="c-1")
    stored = store_via(proxy.url, table).append_turn(copy)

    # THEN the first turn wins and is stored once; the copy is not stored
    assert stored == turn
    assert store_via(proxy.url, table).export_session(SESSION) == [turn]


# ------------------------------------------------------------------------- a real SIGKILL
def post(base: str, body: dict[str, Any], timeout: float = 15.0) -> tuple[int, dict[str, Any]]:
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    try:
        payload = json.dumps(body)
        connection.request("POST", "/chat", payload, {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def get(base: str, path: str) -> tuple[int, dict[str, Any]]:
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=15)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


@pytest.mark.slow
def test_a_server_killed_between_claim_and_turn_answers_the_retry_and_stores_it_once(
    dynalite: DynaliteServer, tmp_path: Path
) -> None:
    # GIVEN the local server on DynamoDB (dynalite behind the proxy), and an issued session
    table = unique_table_name("kill")
    with DynamoFaultProxy(dynalite.endpoint) as proxy:
        server = LocalServer(
            tmp_path,
            extra_args=("--store", "dynamodb", "--dynamodb-endpoint", proxy.url),
            extra_env={"TRAVELBOT_TABLE_NAME": table},
        )
        try:
            base = server.start()
            status, first = post(base, {"message": "plan a trip"})
            assert status == 200
            sid = first["sessionId"]

            # WHEN the server is SIGKILLed while the turn write of a message is on its way
            # (the claim is in DynamoDB), and restarted
            proxy.hold(turn_write_of("kill-1"))
            body = {"message": "Lisbon", "sessionId": sid, "clientMessageId": "kill-1"}
            answer: dict[str, Any] = {}
            sender = threading.Thread(
                target=lambda: answer.update(outcome=_try_post(base, body)), daemon=True
            )
            sender.start()
            assert proxy.held.wait(30), "the turn write never reached the proxy"
            server.kill()
            proxy.release()
            sender.join(timeout=20)
            base = server.start()

            # AND the client, which got no answer, retries
            status, retried = post(base, body)
            _, exported = get(base, f"/sessions/{sid}")
        finally:
            server.stop()

    # THEN the first attempt went unanswered, the retry is answered, and the turn is stored once
    assert answer["outcome"] is None
    assert status == 200 and retried["sessionId"] == sid
    messages = [turn["message"] for turn in exported["turns"]]
    assert messages == ["plan a trip", "Lisbon"]
    assert exported["turns"][-1]["reply"] == retried["reply"]


def _try_post(base: str, body: dict[str, Any]) -> dict[str, Any] | None:
    """The answer, or ``None`` when the server died before giving one."""
    try:
        return post(base, body)[1]
    except (OSError, http.client.HTTPException):
        return None
