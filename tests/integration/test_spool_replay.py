"""Nothing lost: with the store down, throttled or slow, the user still gets the reply, the turn
is spooled, and replay stores it exactly once (file spool locally, SQS + Lambda in the cloud)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from runtime.aws import aws_retry
from runtime.chat import TurnContext
from runtime.services import Services, build_services
from runtime.settings import Settings
from runtime.spool import job as jobs
from runtime.spool.base import SpooledTurn, replay
from runtime.spool.file import FileSpool, ReplayWorker
from runtime.spool.sqs import SqsSpool
from runtime.store.base import HistoryStore
from runtime.store.dynamodb import DynamoDbStore
from runtime.types import ChatRequest, DialogueState
from tests.conftest import EVENTS, FakeContext
from tests.integration.store_helpers import DAY_START_MS, Clock, make_turn, session_id
from tests.support.dynalite import DynamoTable, local_client
from tests.support.dynamo_proxy import DynamoFaultProxy

pytest_plugins = ["tests.integration.dynamo_fixtures"]

NOON = DAY_START_MS / 1000 + 12 * 3600
CTX = TurnContext(base_url="http://127.0.0.1:8080", budget_s=5.0)
NO_WAIT = aws_retry(2, sleep=lambda _: None)


class TickingClock(Clock):
    """A clock one second later at every reading: turns of a conversation get distinct times."""

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def chat_services(store: HistoryStore, spool: FileSpool, tmp_path: Path) -> Services:
    """The real chat service (embedded NLU) over ``store``, spooling failed writes."""
    clock = TickingClock(NOON)
    services = build_services(
        Settings(sources_enabled=False), store=store, data_dir=tmp_path, clock=clock
    )
    services.chat.use_spool(spool, clock=Clock(NOON))
    return services


def say(
    services: Services, text: str, sid: str | None, client_id: str | None = None
) -> dict[str, Any]:
    return services.chat.chat(ChatRequest(text, sid, client_id), CTX)


def open_session(services: Services, text: str = "hello") -> str:
    """A session the server issued (its first turn stored)."""
    return str(say(services, text, None)["sessionId"])


def same_answer(first: dict[str, Any], second: dict[str, Any]) -> bool:
    """Whether two /chat bodies are the same answer (the time taken aside)."""
    return {k: v for k, v in first.items() if k != "latencyMs"} == {
        k: v for k, v in second.items() if k != "latencyMs"
    }


def dynamo_store(table: DynamoTable, endpoint: str | None = None, **kwargs: Any) -> DynamoDbStore:
    client = local_client(endpoint or table.endpoint, read_timeout_s=kwargs.pop("timeout", 5.0))
    return DynamoDbStore(client, table.name, retry=NO_WAIT, clock=Clock(NOON), **kwargs)


# ---------------------------------------------------------------------- store down → spool
def test_the_reply_arrives_and_the_turn_is_spooled_when_dynamodb_is_unreachable(
    dynamo_table: DynamoTable, closed_endpoint: str, tmp_path: Path
) -> None:
    # GIVEN a chat whose DynamoDB endpoint refuses connections
    spool = FileSpool(tmp_path / "spool.jsonl")
    services = chat_services(dynamo_store(dynamo_table, closed_endpoint), spool, tmp_path)
    sid = session_id()

    # WHEN the user writes
    body = say(services, "I want to plan a trip to Lisbon", sid)

    # THEN the reply is the normal one and the turn with its new state waits in the spool
    assert body["intent"] == "PlanTrip" and "Lisbon" in json.dumps(body["slots"])
    (entry,) = spool.pending()
    assert entry.turn.session_id == sid and entry.turn.reply == body["reply"]
    assert entry.state is not None and entry.state.intent == "PlanTrip"
    assert "DynamoDB" in entry.reason


def test_a_throttled_then_recovered_store_gets_the_spooled_turns_exactly_once(
    dynamo_table: DynamoTable, dynamo_proxy: DynamoFaultProxy, tmp_path: Path
) -> None:
    # GIVEN a conversation of two messages while DynamoDB throttles every write
    spool = FileSpool(tmp_path / "spool.jsonl")
    services = chat_services(dynamo_store(dynamo_table, dynamo_proxy.url), spool, tmp_path)
    sid = session_id()
    dynamo_proxy.faults.status = 400
    first = say(services, "Plan a trip to Lisbon", sid)
    second = say(services, "5 days", sid)
    assert first["reply"] and second["reply"]
    assert len(spool.pending()) == 2

    # WHEN DynamoDB recovers and the spool is replayed, twice (a crash before compaction)
    dynamo_proxy.faults.clear()
    store = dynamo_store(dynamo_table)
    entries = spool.pending()
    report = spool.replay_into(store)
    again = replay(entries, store)

    # THEN both turns are stored once, in order, and the state is the newest turn's
    assert (report.replayed, report.failed, again.replayed) == (2, 0, 2)
    assert [t.reply for t in store.export_session(sid)] == [first["reply"], second["reply"]]
    assert spool.pending() == []
    assert store.get_state(sid) == entries[1].state


def test_a_slow_store_still_answers_and_spools(
    dynamo_table: DynamoTable, dynamo_proxy: DynamoFaultProxy, tmp_path: Path
) -> None:
    # GIVEN DynamoDB answering after 5 s, and a client that waits 0.5 s
    spool = FileSpool(tmp_path / "spool.jsonl")
    store = dynamo_store(dynamo_table, dynamo_proxy.url, timeout=0.5)
    services = chat_services(store, spool, tmp_path)
    dynamo_proxy.faults.latency_s = 5.0

    # WHEN the user writes
    started = time.monotonic()
    body = say(services, "hello", session_id())

    # THEN the reply comes before the slow store would have answered, and the turn is spooled
    assert body["intent"] == "Greeting"
    assert time.monotonic() - started < 5.0
    assert len(spool.pending()) == 1


def test_replay_keeps_messages_while_the_store_still_fails(
    closed_endpoint: str, dynamo_table: DynamoTable, tmp_path: Path
) -> None:
    # GIVEN a spooled turn and a store that is still down
    spool = FileSpool(tmp_path / "spool.jsonl")
    spool.put(SpooledTurn(make_turn(session_id(), DAY_START_MS), DialogueState(), DAY_START_MS))

    # WHEN the spool is replayed
    report = spool.replay_into(dynamo_store(dynamo_table, closed_endpoint))

    # THEN the message stays for the next attempt
    assert (report.replayed, report.failed) == (0, 1)
    assert len(spool.pending()) == 1


def test_replay_never_puts_an_older_state_over_a_newer_one(
    dynamo_table: DynamoTable, tmp_path: Path
) -> None:
    # GIVEN turn 1 spooled, then turn 2 stored normally with its newer state
    store = dynamo_store(dynamo_table)
    sid = session_id()
    spool = FileSpool(tmp_path / "spool.jsonl")
    spool.put(SpooledTurn(make_turn(sid, DAY_START_MS), DialogueState(turn_count=1), DAY_START_MS))
    store.append_turn(make_turn(sid, DAY_START_MS + 60_000))
    store.put_state(sid, DialogueState(intent="CheckWeather", turn_count=2))

    # WHEN turn 1 is replayed
    spool.replay_into(store)

    # THEN the history has both turns and the state is still turn 2's
    assert len(store.export_session(sid)) == 2
    assert store.get_state(sid) == DialogueState(intent="CheckWeather", turn_count=2)


# ---------------------------------------------------------------------- clientMessageId
def test_the_same_client_message_id_twice_gives_one_stored_turn_and_the_same_reply(
    dynamo_table: DynamoTable, tmp_path: Path
) -> None:
    # GIVEN a working DynamoDB store and an issued session
    store = dynamo_store(dynamo_table)
    services = chat_services(store, FileSpool(tmp_path / "spool.jsonl"), tmp_path)
    sid = open_session(services)

    # WHEN the client sends the same message id twice (a retry after a lost response)
    first = say(services, "What's the weather in Paris?", sid, "msg-1")
    second = say(services, "What's the weather in Paris?", sid, "msg-1")

    # THEN one turn is stored for it and both answers are the same
    assert same_answer(first, second)
    assert [t.client_message_id for t in store.export_session(sid)] == [None, "msg-1"]


def test_a_resend_during_an_outage_gets_the_spooled_answer_and_is_spooled_once(
    dynamo_table: DynamoTable, dynamo_proxy: DynamoFaultProxy, tmp_path: Path
) -> None:
    # GIVEN an issued session, then DynamoDB failing every call
    spool = FileSpool(tmp_path / "spool.jsonl")
    services = chat_services(dynamo_store(dynamo_table, dynamo_proxy.url), spool, tmp_path)
    sid = open_session(services)
    dynamo_proxy.faults.status = 500

    # WHEN the client sends one message id twice
    first = say(services, "What's the weather in Paris?", sid, "retry-1")
    second = say(services, "What's the weather in Paris?", sid, "retry-1")

    # THEN the resend is answered from the spool, which holds the turn once
    assert first["sessionId"] == second["sessionId"] == sid
    assert same_answer(first, second)
    assert [e.turn.client_message_id for e in spool.pending()] == ["retry-1"]

    # AND after DynamoDB recovers and the spool is replayed, the message id has one turn
    dynamo_proxy.faults.clear()
    store = dynamo_store(dynamo_table)
    spool.replay_into(store)
    assert [t.client_message_id for t in store.export_session(sid)] == [None, "retry-1"]


def test_a_resend_after_recovery_but_before_the_replay_gets_and_stores_the_first_answer(
    dynamo_table: DynamoTable, dynamo_proxy: DynamoFaultProxy, tmp_path: Path
) -> None:
    # GIVEN a turn answered (reply A) and spooled while DynamoDB was down
    spool = FileSpool(tmp_path / "spool.jsonl")
    services = chat_services(dynamo_store(dynamo_table, dynamo_proxy.url), spool, tmp_path)
    sid = open_session(services, "plan a trip")
    dynamo_proxy.faults.status = 500
    answer_a = say(services, "Lisbon", sid, "outage-1")
    (spooled,) = spool.pending()

    # WHEN DynamoDB is back and the client resends before any replay ran
    dynamo_proxy.faults.clear()
    resent = say(services, "Lisbon", sid, "outage-1")

    # THEN the resend gets A, and A (not a second computation) is the turn stored, with its state
    assert same_answer(answer_a, resent)
    store = dynamo_store(dynamo_table)
    stored = store.export_session(sid)
    assert [t.turn_key for t in stored if t.client_message_id == "outage-1"] == [
        spooled.turn.turn_key
    ]
    assert store.get_state(sid) == spooled.state
    # AND the replay that runs later changes nothing
    report = spool.replay_into(store)
    assert (report.replayed, report.failed) == (1, 0)
    assert store.export_session(sid) == stored


def test_a_conversation_continues_from_its_spooled_state_while_the_store_is_down(
    dynamo_table: DynamoTable, dynamo_proxy: DynamoFaultProxy, tmp_path: Path
) -> None:
    # GIVEN an issued session, then DynamoDB down for the next two answers
    spool = FileSpool(tmp_path / "spool.jsonl")
    services = chat_services(dynamo_store(dynamo_table, dynamo_proxy.url), spool, tmp_path)
    sid = open_session(services)
    dynamo_proxy.faults.status = 500

    # WHEN the user starts a trip plan, then gives the duration
    say(services, "plan a trip to Lisbon", sid)
    body = say(services, "5 days", sid)

    # THEN the second answer knows the first: the session and its slots carried on
    assert body["sessionId"] == sid
    assert body["slots"] == {"destination": "Lisbon", "duration": 5}


# ---------------------------------------------------------------------- the spool file
def test_a_torn_line_is_set_aside_and_later_turns_still_replay(
    dynamo_table: DynamoTable, tmp_path: Path
) -> None:
    # GIVEN a spool whose last write was torn by a crash, then a good entry after it
    spool = FileSpool(tmp_path / "spool.jsonl")
    spool.path.write_bytes(b'{"format":1,"turn":{"session_id":"abc')
    turn = make_turn(session_id(), DAY_START_MS)
    spool.put(SpooledTurn(turn, None, DAY_START_MS))

    # WHEN it is replayed
    report = spool.replay_into(dynamo_store(dynamo_table))

    # THEN the good turn is stored, the torn line kept aside for a human, the spool empty
    assert (report.replayed, report.rejected) == (1, 1)
    assert dynamo_store(dynamo_table).export_session(turn.session_id) == [turn]
    assert spool.rejected_path.read_bytes().startswith(b'{"format":1,"turn":{"session_id":"abc')
    assert spool.path.read_bytes() == b""


def test_concurrent_writers_never_interleave_lines(tmp_path: Path) -> None:
    # GIVEN one spool file and eight writer threads
    spool = FileSpool(tmp_path / "spool.jsonl")
    long_message = "x" * 900  # long lines make interleaving visible if it happened

    def write(worker: int) -> None:
        for i in range(20):
            turn = make_turn(f"writer-{worker}", DAY_START_MS + i, message=long_message)
            spool.put(SpooledTurn(turn, None, 0))

    # WHEN they all append at once
    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # THEN every line is one whole entry
    lines = spool.path.read_bytes().splitlines()
    assert len(lines) == 160
    assert len(spool.pending()) == 160


def test_the_replay_worker_drains_the_spool_in_the_background(
    dynamo_table: DynamoTable, tmp_path: Path
) -> None:
    # GIVEN a running replay worker
    store = dynamo_store(dynamo_table)
    spool = FileSpool(tmp_path / "spool.jsonl")
    worker = ReplayWorker(spool, store, interval_s=0.05)
    worker.start()
    turn = make_turn(session_id(), DAY_START_MS)

    # WHEN a turn is spooled
    try:
        spool.put(SpooledTurn(turn, None, DAY_START_MS))
        deadline = time.monotonic() + 10
        while not store.export_session(turn.session_id) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()

    # THEN it reaches the store without anyone asking
    assert store.export_session(turn.session_id) == [turn]


# ---------------------------------------------------------------------- SQS and the Lambda
def test_the_sqs_spool_and_the_replay_lambda_store_a_turn_once(
    moto_endpoint: str, dynamo_table: DynamoTable
) -> None:
    # GIVEN a spool queue on moto's SQS and a turn spooled to it
    import boto3

    sqs = boto3.session.Session().client(
        "sqs",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    queue_url = sqs.create_queue(QueueName=f"spool-{session_id()[:8]}")["QueueUrl"]
    turn = make_turn(session_id(), DAY_START_MS, client_message_id="sqs-1")
    SqsSpool(sqs, queue_url).put(SpooledTurn(turn, DialogueState(turn_count=1), DAY_START_MS))
    received = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]

    # WHEN the Lambda gets the message, delivered twice (SQS is at-least-once)
    record = {
        "messageId": received[0]["MessageId"],
        "receiptHandle": received[0]["ReceiptHandle"],
        "body": received[0]["Body"],
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": received[0]["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:spool",
        "awsRegion": "us-east-1",
    }
    store = dynamo_store(dynamo_table)
    jobs.configure(store)
    try:
        result = jobs.replay_handler({"Records": [record, dict(record)]}, FakeContext())
    finally:
        jobs.configure(None)

    # THEN no record failed and the turn is stored once, with its state
    assert result == {"batchItemFailures": []}
    assert store.export_session(turn.session_id) == [turn]
    assert store.get_state(turn.session_id) == DialogueState(turn_count=1)


def test_the_replay_lambda_reports_only_the_records_that_failed(
    dynamo_table: DynamoTable,
) -> None:
    # GIVEN an SQS batch of two spooled turns and one malformed message (tests/events)
    event = json.loads((EVENTS / "sqs_spool_batch.json").read_text())
    store = dynamo_store(dynamo_table)
    jobs.configure(store)

    # WHEN the replay Lambda handles it
    try:
        result = jobs.replay_handler(event, FakeContext())
    finally:
        jobs.configure(None)

    # THEN only the malformed record is reported (it will reach the DLQ), the two turns stored
    assert result == {
        "batchItemFailures": [{"itemIdentifier": "9b1d6a1e-3c5f-4e0a-a1f4-7d2c5b8e9f01"}]
    }
    stored = store.export_session("sess_spool_0001")
    assert [t.client_message_id for t in stored] == ["web-0", "web-1"]
    state = store.get_state("sess_spool_0001")
    assert state is not None and state.turn_count == 2


def test_the_replay_lambda_reports_every_record_when_the_store_is_down(
    dynamo_table: DynamoTable, closed_endpoint: str
) -> None:
    # GIVEN the same batch and a store that refuses connections
    event = json.loads((EVENTS / "sqs_spool_batch.json").read_text())
    jobs.configure(dynamo_store(dynamo_table, closed_endpoint))

    # WHEN the replay Lambda handles it
    try:
        result = jobs.replay_handler(event, FakeContext())
    finally:
        jobs.configure(None)

    # THEN every record is reported as failed (so SQS retries them), without raising
    failed = {item["itemIdentifier"] for item in result["batchItemFailures"]}
    assert failed == {record["messageId"] for record in event["Records"]}


def test_the_sqs_spool_remembers_what_this_process_sent_for_a_session(moto_endpoint: str) -> None:
    # GIVEN an SQS spool on moto and two turns of one session spooled, newest first
    import boto3

    sqs = boto3.session.Session().client(
        "sqs",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    queue_url = sqs.create_queue(QueueName=f"spool-{session_id()[:8]}")["QueueUrl"]
    spool = SqsSpool(sqs, queue_url)
    sid = session_id()
    later = make_turn(sid, DAY_START_MS + 60_000, client_message_id="b")
    earlier = make_turn(sid, DAY_START_MS, client_message_id="a")
    for turn in (later, earlier):
        spool.put(SpooledTurn(turn, DialogueState(), DAY_START_MS))

    # WHEN the chat service asks what is spooled for the session (a queue cannot be searched)
    entries = spool.session_entries(sid)

    # THEN it gets both, oldest turn first, and nothing for another session
    assert [e.turn.client_message_id for e in entries] == ["a", "b"]
    assert spool.session_entries(session_id()) == []
