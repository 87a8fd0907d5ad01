"""DynamoDB specifics beyond the shared contract: schema, item layout, retries and faults.

Faults come from a proxy in front of dynalite that answers as DynamoDB does (throttling is a
400 ``ProvisionedThroughputExceededException``), so botocore and our retry loop see the real
wire protocol.
"""

from __future__ import annotations

import time

import pytest

from runtime.aws import aws_retry
from runtime.errors import StoreError
from runtime.store.dynamodb import DynamoDbStore
from runtime.store.schema import create_table_if_missing, enable_ttl
from runtime.types import DialogueState
from tests.integration.store_helpers import (
    DAY,
    DAY_START_MS,
    Clock,
    make_link,
    make_turn,
    session_id,
)
from tests.support.dynalite import DynaliteServer, DynamoTable, local_client, unique_table_name
from tests.support.dynamo_proxy import DynamoFaultProxy

pytest_plugins = ["tests.integration.dynamo_fixtures"]

RETENTION_DAYS = 30


class Sleeps:
    """Records back-off sleeps instead of sleeping."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def store_via(
    proxy: DynamoFaultProxy, table: DynamoTable, sleeps: Sleeps, *, read_timeout_s: float = 5.0
) -> DynamoDbStore:
    client = local_client(proxy.url, read_timeout_s=read_timeout_s)
    retry = aws_retry(4, sleep=sleeps, rand=lambda: 1.0)
    return DynamoDbStore(client, table.name, retry=retry, clock=Clock(DAY_START_MS / 1000))


# ---------------------------------------------------------------------- schema
def test_the_table_has_the_documented_keys_and_analytics_index(dynalite: DynaliteServer) -> None:
    # GIVEN no table yet
    client = local_client(dynalite.endpoint)
    name = unique_table_name()

    # WHEN it is created twice
    first = create_table_if_missing(client, name)
    second = create_table_if_missing(client, name)

    # THEN the first call created it, the second found it, and the schema is the documented one
    assert (first, second) == (True, False)
    table = client.describe_table(TableName=name)["Table"]
    assert {k["AttributeName"]: k["KeyType"] for k in table["KeySchema"]} == {
        "sessionId": "HASH",
        "sk": "RANGE",
    }
    (index,) = table["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "AnalyticsIndex"
    assert {k["AttributeName"]: k["KeyType"] for k in index["KeySchema"]} == {
        "date": "HASH",
        "timestamp": "RANGE",
    }
    assert index["Projection"]["ProjectionType"] == "ALL"
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_ttl_is_enabled_on_the_ttl_attribute_where_the_server_has_the_api(
    moto_endpoint: str,
) -> None:
    # GIVEN moto's DynamoDB, which implements the TTL API
    client = local_client(moto_endpoint)
    name = unique_table_name()

    # WHEN the table is created
    create_table_if_missing(client, name)

    # THEN TTL is on, on the attribute "ttl"
    ttl = client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "ENABLED"
    assert ttl["AttributeName"] == "ttl"


def test_a_server_without_the_ttl_api_is_tolerated(dynamo_table: DynamoTable) -> None:
    # GIVEN dynalite, which has no UpdateTimeToLive
    # WHEN TTL is enabled
    # THEN it reports "not supported" instead of failing (reads filter expired items anyway)
    assert enable_ttl(dynamo_table.client, dynamo_table.name) is False


# ---------------------------------------------------------------------- item layout
def test_items_follow_the_data_model_handed_to_infra(dynamo_table: DynamoTable) -> None:
    # GIVEN a turn with a client id, a state and a link stored for one session
    clock = Clock(DAY_START_MS / 1000 + 100)
    store = DynamoDbStore(
        dynamo_table.client, dynamo_table.name, retention_days=RETENTION_DAYS, clock=clock
    )
    sid = session_id()
    turn = make_turn(sid, DAY_START_MS + 5000, client_message_id="m1")
    store.append_turn(turn)
    store.put_state(sid, DialogueState(intent="PlanTrip"))
    link = make_link(sid, DAY_START_MS + 6000)
    store.save_link(link)
    retention_s = RETENTION_DAYS * 86400

    def item(pk: str, sk: str) -> dict[str, dict[str, str]]:
        got = dynamo_table.client.get_item(
            TableName=dynamo_table.name, Key={"sessionId": {"S": pk}, "sk": {"S": sk}}
        )
        return got["Item"]  # type: ignore[return-value]

    # WHEN the raw items are read
    turn_item = item(sid, f"turn#{turn.turn_key}")
    state_item = item(sid, "state")
    link_item = item(f"link#{link.link_id}", "link")
    pointer = item(sid, f"link#{link.link_id}")
    claim = item(sid, "client#m1")

    # THEN keys, ttl and the analytics-index attributes are where the docstring says
    assert turn_item["sk"]["S"].startswith(f"turn#{DAY_START_MS + 5000:013d}#")
    assert turn_item["date"] == {"S": DAY}
    assert turn_item["timestamp"] == {"N": str(DAY_START_MS + 5000)}
    assert int(turn_item["ttl"]["N"]) == (DAY_START_MS + 5000) // 1000 + retention_s
    assert turn_item["clientMessageId"] == {"S": "m1"}
    assert int(state_item["ttl"]["N"]) == int(clock.now) + retention_s
    assert "date" not in state_item and "timestamp" not in state_item
    assert link_item["date"] == {"S": DAY}
    assert link_item["timestamp"] == {"N": str(DAY_START_MS + 6000)}
    assert int(link_item["ttl"]["N"]) == (DAY_START_MS + 6000) // 1000 + retention_s
    assert int(pointer["ttl"]["N"]) == int(link_item["ttl"]["N"])
    assert claim["turnKey"] == {"S": turn.turn_key}
    assert "date" not in claim and "date" not in pointer  # not in the analytics index


# ---------------------------------------------------------------------- retries and faults
def test_throttled_writes_are_retried_with_backoff_and_then_succeed(
    dynamo_table: DynamoTable, dynamo_proxy: DynamoFaultProxy
) -> None:
    # GIVEN DynamoDB throttles the next two requests
    sleeps = Sleeps()
    store = store_via(dynamo_proxy, dynamo_table, sleeps)
    dynamo_proxy.faults.fail_next(2, status=400)
    turn = make_turn(session_id(), DAY_START_MS)

    # WHEN a turn is appended
    store.append_turn(turn)

    # THEN the write was tried three times, backing off (growing, capped) between tries
    assert dynamo_proxy.operations("PutItem") == 3
    assert sleeps.calls == [0.025, 0.05]
    assert store.export_session(turn.session_id) == [turn]


def test_persistent_throttling_becomes_a_store_error_after_bounded_attempts(
    dynamo_table: DynamoTable, dynamo_proxy: DynamoFaultProxy
) -> None:
    # GIVEN DynamoDB throttles everything
    sleeps = Sleeps()
    store = store_via(dynamo_proxy, dynamo_table, sleeps)
    dynamo_proxy.faults.status = 400

    # WHEN a turn is appended
    # THEN a StoreError naming the throttling comes after exactly four attempts
    with pytest.raises(StoreError, match="ProvisionedThroughputExceeded"):
        store.append_turn(make_turn(session_id(), DAY_START_MS))
    assert dynamo_proxy.operations("PutItem") == 4
    assert len(sleeps.calls) == 3


def test_server_errors_are_retried_like_throttling(
    dynamo_table: DynamoTable, dynamo_proxy: DynamoFaultProxy
) -> None:
    # GIVEN one 500 InternalServerError
    store = store_via(dynamo_proxy, dynamo_table, Sleeps())
    dynamo_proxy.faults.fail_next(1, status=500)

    # WHEN the state is read
    # THEN the second attempt answers
    assert store.get_state(session_id()) is None
    assert dynamo_proxy.operations("GetItem") == 2


@pytest.mark.parametrize(
    "operation",
    [
        "append_turn",
        "get_state",
        "put_state",
        "export_session",
        "erase_session",
        "turns_on",
        "save_link",
        "record_click",
    ],
)
def test_an_unreachable_endpoint_is_a_store_error(closed_endpoint: str, operation: str) -> None:
    # GIVEN a store whose endpoint refuses connections
    store = DynamoDbStore(
        local_client(closed_endpoint), "history", retry=aws_retry(2, sleep=Sleeps())
    )
    sid = session_id()
    calls = {
        "append_turn": lambda: store.append_turn(make_turn(sid, DAY_START_MS)),
        "get_state": lambda: store.get_state(sid),
        "put_state": lambda: store.put_state(sid, DialogueState()),
        "export_session": lambda: store.export_session(sid),
        "erase_session": lambda: store.erase_session(sid),
        "turns_on": lambda: list(store.turns_on(DAY)),
        "save_link": lambda: store.save_link(make_link(sid, DAY_START_MS)),
        "record_click": lambda: store.record_click("abcdefgh", DAY_START_MS),
    }

    # WHEN the operation runs
    # THEN it fails with StoreError (never an SDK exception), naming DynamoDB
    with pytest.raises(StoreError, match="DynamoDB"):
        calls[operation]()


def test_a_slow_store_fails_at_the_read_timeout_instead_of_waiting(
    dynamo_table: DynamoTable, dynamo_proxy: DynamoFaultProxy
) -> None:
    # GIVEN DynamoDB answers only after 5 s and the client waits 0.5 s
    store = store_via(dynamo_proxy, dynamo_table, Sleeps(), read_timeout_s=0.5)
    dynamo_proxy.faults.latency_s = 5.0

    # WHEN a turn is appended
    started = time.monotonic()
    with pytest.raises(StoreError):
        store.append_turn(make_turn(session_id(), DAY_START_MS))

    # THEN it fails without waiting for the slow answer (a timeout is not retried)
    assert time.monotonic() - started < 4.0
    assert dynamo_proxy.operations("PutItem") == 1


def test_erase_retries_unprocessed_batch_items_until_all_are_deleted(
    dynamo_table: DynamoTable, dynamo_proxy: DynamoFaultProxy
) -> None:
    # GIVEN a session of 30 turns and DynamoDB leaving the next two batches unprocessed
    sleeps = Sleeps()
    store = store_via(dynamo_proxy, dynamo_table, sleeps)
    sid = session_id()
    for i in range(30):
        store.append_turn(make_turn(sid, DAY_START_MS + i))
    dynamo_proxy.unprocessed_next(2)

    # WHEN the session is erased
    deleted = store.erase_session(sid)

    # THEN the unprocessed items were sent again and everything is gone
    assert deleted == 30
    assert dynamo_proxy.operations("BatchWriteItem") == 4  # 2 batches + 2 resends
    assert store.export_session(sid) == []


def test_erase_fails_loudly_when_items_stay_unprocessed(
    dynamo_table: DynamoTable, dynamo_proxy: DynamoFaultProxy
) -> None:
    # GIVEN DynamoDB never processes a batch
    store = store_via(dynamo_proxy, dynamo_table, Sleeps())
    sid = session_id()
    store.append_turn(make_turn(sid, DAY_START_MS))
    dynamo_proxy.unprocessed_next(1000)

    # WHEN the session is erased
    # THEN the caller learns that the erase is incomplete (a GDPR erase must not fail silently)
    with pytest.raises(StoreError, match="unprocessed"):
        store.erase_session(sid)
