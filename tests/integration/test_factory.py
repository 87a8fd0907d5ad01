"""What the settings build: store, rate limiter and spool for the local server and the cloud."""

from __future__ import annotations

from pathlib import Path

import pytest

from runtime.aws import dynamodb_client
from runtime.errors import ConfigError, StoreError
from runtime.ratelimit.dynamodb import DynamoDbRateLimiter
from runtime.ratelimit.factory import build_rate_limiter
from runtime.ratelimit.memory import InMemoryRateLimiter
from runtime.settings import Settings
from runtime.spool.base import SpooledTurn, SpoolError, spool_failures
from runtime.spool.factory import build_spool
from runtime.spool.file import FileSpool
from runtime.spool.sqs import SqsSpool
from runtime.store.dynamodb import DynamoDbStore
from runtime.store.factory import LOCAL_TABLE, build_store, table_name
from runtime.store.sqlite import SqliteStore
from runtime.types import DialogueState
from tests.integration.store_helpers import DAY_START_MS, make_turn
from tests.support.dynalite import DynaliteServer, unique_table_name

pytest_plugins = ["tests.integration.dynamo_fixtures"]


def test_the_default_settings_build_the_local_trio(tmp_path: Path) -> None:
    # GIVEN the default settings (no environment)
    settings = Settings()

    # WHEN the data plane is built
    # THEN it is SQLite, the in-process bucket and a spool file, all under the data directory
    assert isinstance(build_store(settings, data_dir=tmp_path), SqliteStore)
    assert (tmp_path / "history.sqlite3").exists()
    assert isinstance(build_rate_limiter(settings), InMemoryRateLimiter)
    spool = build_spool(settings, tmp_path)
    assert isinstance(spool, FileSpool) and spool.path == tmp_path / "spool.jsonl"


def test_a_local_endpoint_gets_its_table_created_under_a_default_name(
    dynalite: DynaliteServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN --store dynamodb --dynamodb-endpoint URL and no table name, no AWS credentials
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(store="dynamodb", dynamodb_endpoint=dynalite.endpoint)
    client = dynamodb_client(settings.dynamodb_endpoint)
    if LOCAL_TABLE in client.list_tables()["TableNames"]:
        client.delete_table(TableName=LOCAL_TABLE)

    # WHEN the store and the rate limiter are built
    store = build_store(settings, data_dir=tmp_path)
    limiter = build_rate_limiter(settings, table_name=table_name(settings))

    # THEN both use the local table, which now exists, and the limiter answers from it
    assert isinstance(store, DynamoDbStore) and store.table_name == LOCAL_TABLE
    assert LOCAL_TABLE in client.list_tables()["TableNames"]
    assert isinstance(limiter, DynamoDbRateLimiter) and limiter.table_name == LOCAL_TABLE
    assert limiter.acquire("192.0.2.1").remaining == 199


def test_the_cloud_without_a_table_name_is_a_config_error(tmp_path: Path) -> None:
    # GIVEN TRAVELBOT_STORE=dynamodb with neither table name nor endpoint
    settings = Settings(store="dynamodb")

    # WHEN the store is built
    # THEN the error names the missing variable
    with pytest.raises(ConfigError, match="TRAVELBOT_TABLE_NAME"):
        build_store(settings, data_dir=tmp_path)


def test_a_named_table_is_used_as_is_and_not_created(
    dynalite: DynaliteServer, tmp_path: Path
) -> None:
    # GIVEN a table name that does not exist, and create_table=False (the analytics command)
    name = unique_table_name("absent")
    settings = Settings(store="dynamodb", dynamodb_endpoint=dynalite.endpoint, table_name=name)

    # WHEN the store is built and read
    store = build_store(settings, data_dir=tmp_path, create_table=False)

    # THEN nothing was created and the read fails as a StoreError naming the missing table
    with pytest.raises(StoreError, match="ResourceNotFoundException"):
        store.export_session("someone_12345")


def test_a_queue_url_selects_the_sqs_spool(moto_endpoint: str, tmp_path: Path) -> None:
    # GIVEN TRAVELBOT_SPOOL_QUEUE_URL
    import boto3

    sqs = boto3.session.Session().client(
        "sqs", endpoint_url=moto_endpoint, region_name="us-east-1",
        aws_access_key_id="local", aws_secret_access_key="local",
    )  # fmt: skip
    url = sqs.create_queue(QueueName=unique_table_name("spool"))["QueueUrl"]

    # WHEN the spool is built
    spool = build_spool(Settings(spool_queue_url=url), tmp_path, client=sqs)

    # THEN it is the SQS spool on that queue
    assert isinstance(spool, SqsSpool) and spool.queue_url == url


def test_when_the_spool_fails_too_the_hook_logs_the_loss_without_raising(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN a spool that cannot write (its path is a directory)
    (tmp_path / "spool.jsonl").mkdir()
    spool = FileSpool(tmp_path / "spool.jsonl")
    hook = spool_failures(spool)
    turn = make_turn("lost_session_1", DAY_START_MS)
    with pytest.raises(SpoolError):
        spool.put(SpooledTurn(turn, None, 0))

    # WHEN a failed write is handed to the hook
    hook(turn, DialogueState(), StoreError("down"))

    # THEN it does not raise (the chat answers anyway) and the loss is logged as an error
    lost = [r for r in caplog.records if "turn lost" in r.getMessage()]
    assert len(lost) == 1 and lost[0].levelname == "ERROR"


def test_the_shared_rate_limiter_refuses_to_be_built_without_its_table() -> None:
    # GIVEN the DynamoDB store configured, but no table name handed to the limiter
    settings = Settings(store="dynamodb", table_name="history")

    # WHEN the limiter is built / THEN a clear configuration error, not a limiter on no table
    with pytest.raises(ConfigError, match="table"):
        build_rate_limiter(settings)
