"""The local server end to end on DynamoDB (dynalite): chat, a tracked link, export, erase, 429.

The server is wired exactly as ``python -m runtime serve --store dynamodb --dynamodb-endpoint
URL`` wires it (``runtime.store.factory``): the table is created on first start, history and
rate limits live in DynamoDB, failed writes go to the spool file.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from runtime import services
from runtime.analytics.report import analyse
from runtime.api.server import serve_in_thread
from runtime.aws import dynamodb_client
from runtime.ratelimit.factory import build_rate_limiter
from runtime.settings import Settings
from runtime.spool.base import spool_failures
from runtime.spool.factory import build_spool
from runtime.store.factory import build_store, table_name
from tests.support.dynalite import DynaliteServer, unique_table_name

pytest_plugins = ["tests.integration.dynamo_fixtures"]
# The handler flushes its (empty) metric set after each request; pytest re-enables the warning
# the handler silences at import.
pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")

Request = Callable[..., tuple[int, dict[str, str], Any]]


@pytest.fixture
def server(
    dynalite: DynaliteServer, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[Request, Settings]]:
    """A server on a new DynamoDB table; yields a request function and the settings."""
    overrides: dict[str, Any] = getattr(request, "param", {})
    settings = Settings(
        store="dynamodb",
        dynamodb_endpoint=dynalite.endpoint,
        table_name=unique_table_name("server"),
        sources_enabled=False,
        **overrides,
    )
    client = dynamodb_client(settings.dynamodb_endpoint)
    store = build_store(settings, data_dir=tmp_path, client=client)  # creates the table
    built = services.build_services(
        settings,
        store=store,
        rate_limiter=build_rate_limiter(settings, table_name=table_name(settings)),
        data_dir=tmp_path,
    )
    built.chat.on_store_failure = spool_failures(build_spool(settings, tmp_path))
    services.configure(built)
    http_server, thread = serve_in_thread()
    port = int(http_server.server_address[1])

    def call(
        method: str, path: str, body: Any = None, ip: str = ""
    ) -> tuple[int, dict[str, str], Any]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            payload = json.dumps(body) if body is not None else None
            headers = {"Content-Type": "application/json"} if payload else {}
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            raw = response.read().decode()
            parsed = (
                json.loads(raw)
                if raw and response.getheader("Content-Type", "").startswith("application/json")
                else raw
            )
            return response.status, dict(response.getheaders()), parsed
        finally:
            connection.close()

    try:
        yield call, settings
    finally:
        http_server.shutdown()
        http_server.server_close()
        thread.join(timeout=5)
        services.configure(None)


def test_a_conversation_is_kept_in_dynamodb_exported_and_erased(
    server: tuple[Request, Settings],
) -> None:
    call, _ = server
    flight_day = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=30)).isoformat()

    # GIVEN a user who asks for flights and opens the link in the reply
    status, _, first = call(
        "POST", "/chat", {"message": f"Find flights from London to Paris on {flight_day}"}
    )
    assert status == 200 and first["intent"] == "FindFlights"
    sid = first["sessionId"]
    link_path = urllib.parse.urlsplit(first["reply"].split()[-1]).path
    status, headers, _ = call("GET", link_path)
    assert status == 302 and headers["Location"].startswith("https://www.google.com/travel/flights")

    # AND who sends one more message twice with the same clientMessageId
    body = {"message": "thanks, bye", "sessionId": sid, "clientMessageId": "bye-1"}
    _, _, bye = call("POST", "/chat", body)
    _, _, bye_again = call("POST", "/chat", body)
    assert bye["reply"] == bye_again["reply"]

    # WHEN the history is exported
    status, _, export = call("GET", f"/sessions/{sid}")

    # THEN it holds the two turns, oldest first, and the click counts as a conversion
    assert status == 200
    assert [t["intent"] for t in export["turns"]] == ["FindFlights", "Goodbye"]
    today = dt.datetime.now(dt.UTC).date().isoformat()
    report = analyse(services.current().store, today)
    assert (report.inquiry_sessions, report.converted_sessions) == (1, 1)

    # WHEN the session is erased, and erased again
    status, _, erased = call("DELETE", f"/sessions/{sid}")
    again, _, _ = call("DELETE", f"/sessions/{sid}")

    # THEN two turns, the state and the link were deleted; then there is nothing left to erase
    assert status == 200 and erased["itemsDeleted"] == 4
    assert again == 404
    assert call("GET", f"/sessions/{sid}")[0] == 404
    assert call("GET", link_path)[0] == 404


def test_erasing_an_unknown_session_is_a_404(server: tuple[Request, Settings]) -> None:
    call, _ = server

    # GIVEN a session id nobody used
    # WHEN it is erased
    status, _, body = call("DELETE", "/sessions/never_used_session_01")

    # THEN 404 with the contract's error body
    assert status == 404 and body["error"]["code"] == "not_found"


@pytest.mark.parametrize("server", [{"rate_burst": 3, "rate_per_minute": 1}], indirect=True)
def test_the_shared_rate_limit_answers_429_with_retry_after(
    server: tuple[Request, Settings],
) -> None:
    call, settings = server

    # GIVEN a burst of 3 per IP (one more a minute) kept in DynamoDB
    # WHEN one IP sends 4 requests
    statuses = [call("POST", "/chat", {"message": "hello"})[0] for _ in range(3)]
    status, headers, body = call("POST", "/chat", {"message": "hello"})

    # THEN the first three pass and the fourth is told when to come back
    assert statuses == [200, 200, 200]
    assert status == 429 and body["error"]["code"] == "rate_limited"
    assert int(headers["Retry-After"]) >= 1
    assert settings.rate_burst == 3
