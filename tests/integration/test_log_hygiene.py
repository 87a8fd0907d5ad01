"""No personal data reaches a log line: a corpus of it sent through the handler, every logger of
the process at DEBUG (the service's Powertools JSON, botocore's request dumps of DynamoDB writes,
urllib3), on a store that works and on one that fails (so warnings and errors are logged too).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from runtime.settings import Settings
from tests.conftest import chat_event, load_event
from tests.support.dynalite import DynaliteServer, unique_table_name
from tests.support.logs import every_log_line as capture_log_lines
from tests.support.pii import CORPUS

pytest_plugins = ["tests.integration.dynamo_fixtures"]
pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")

Invoke = Callable[[dict[str, Any]], tuple[int, dict[str, str], Any]]
LOGGERS = ("", "travelbot", "botocore", "urllib3", "boto3")


@pytest.fixture
def every_log_line() -> Iterator[io.StringIO]:
    """Every record of every logger at DEBUG, as the service's JSON formatter prints it."""
    with capture_log_lines(LOGGERS) as stream:
        yield stream


@pytest.mark.parametrize("store_up", [True, False], ids=["store up", "store down"])
def test_no_piece_of_personal_data_reaches_any_log_line(
    store_up: bool,
    dynalite: DynaliteServer,
    closed_endpoint: str,
    runtime_services: Callable[..., Any],
    invoke: Invoke,
    every_log_line: io.StringIO,
    capfd: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    # GIVEN the handler on DynamoDB (or on an endpoint that refuses, so turns are spooled and
    # warnings logged), with every logger at DEBUG
    endpoint = dynalite.endpoint if store_up else closed_endpoint
    settings = Settings(
        store="dynamodb", dynamodb_endpoint=endpoint, table_name=unique_table_name("logs")
    )
    if store_up:
        from runtime.store.factory import build_store

        store = build_store(settings, data_dir=tmp_path)
    else:
        from runtime.aws import dynamodb_client
        from runtime.store.dynamodb import DynamoDbStore

        store = DynamoDbStore(dynamodb_client(endpoint), settings.table_name)
    from runtime.ratelimit.memory import InMemoryRateLimiter

    runtime_services(settings=settings, store=store, rate_limiter=InMemoryRateLimiter())
    session = invoke(chat_event({"message": "hello"}))[2]["sessionId"]

    # WHEN every phrase of the corpus is sent as a chat turn, a malformed body and an export
    for pii in CORPUS:
        status, _, _ = invoke(chat_event({"message": pii.phrase, "sessionId": session}))
        assert status == 200
    invoke(chat_event(None, raw='{"message": "card 4111 1111 1111 1111", "x": }'))
    invoke(load_event("session_export", path=f"/sessions/{session}"))

    # THEN the logs said plenty, at DEBUG, in the service's JSON and from botocore ...
    printed = capfd.readouterr()
    text = every_log_line.getvalue() + printed.out + printed.err
    assert '"message":"chat turn"' in text and "[CARD]" in text  # redacted excerpts
    assert "DynamoDB_20120810.PutItem" in text or "PutItem" in text  # botocore's dumps
    # ... and not one piece of personal data, in any form
    leaked = sorted(form for pii in CORPUS for form in pii.evidence if form in text)
    assert leaked == []
