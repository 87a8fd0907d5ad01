"""Kill -9 mid-burst: every acknowledged turn is stored exactly once, on SQLite and on DynamoDB.

Clients burst messages, each with its own ``clientMessageId``, into sessions the server issued.
When enough have been answered the server is SIGKILLed, whatever it was doing (a SQLite commit,
a DynamoDB claim without its turn, a response half-written). It is restarted on the same store;
every message that got no answer is sent again, unchanged. Then each session is exported and
counted: every message must be stored once, and a message answered before the kill must be
stored with the reply the client saw.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.smoke.local_server import LocalServer
from tests.support.dynalite import DynaliteServer, unique_table_name
from tests.support.dynamo_proxy import DynamoFaultProxy

pytestmark = pytest.mark.slow

CLIENTS = 6
MESSAGES = 20  # per client, at most; the kill stops the burst
KILL_AFTER = 36  # answered messages before the kill


def call(base: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=15)
    try:
        payload = json.dumps(body) if body is not None else None
        headers = {"Content-Type": "application/json"} if payload else {}
        connection.request(method, path, payload, headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


class Burst:
    """Clients sending their messages until the server dies; what was answered and what not."""

    def __init__(self, base: str, sessions: list[str]) -> None:
        self.base = base
        self.sessions = sessions
        self.answered: dict[str, str] = {}  # client message id -> the reply the client saw
        self.unanswered: list[tuple[str, dict[str, Any]]] = []
        self.dead = threading.Event()
        self._lock = threading.Lock()

    def message(self, client: int, n: int) -> tuple[str, dict[str, Any]]:
        cmid = f"c{client}-m{n}"
        text = f"what's the weather in Lisbon, note {cmid}"
        return cmid, {"message": text, "sessionId": self.sessions[client], "clientMessageId": cmid}

    def run_client(self, client: int) -> None:
        for n in range(MESSAGES):
            if self.dead.is_set():
                return
            cmid, body = self.message(client, n)
            try:
                status, answer = call(self.base, "POST", "/chat", body)
            except (OSError, http.client.HTTPException, ValueError):
                status, answer = 0, None
            with self._lock:
                if status == 200:
                    self.answered[cmid] = answer["reply"]
                else:
                    self.unanswered.append((cmid, body))


@pytest.mark.parametrize("store", ["sqlite", "dynalite"])
def test_every_acknowledged_turn_is_stored_exactly_once_across_a_kill_9(
    store: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # GIVEN the local server on the store, and one issued session per client
    args: tuple[str, ...] = ()
    env = {"TRAVELBOT_RATE_BURST": "100000", "TRAVELBOT_TABLE_NAME": unique_table_name("kill")}
    proxy = None
    if store == "dynalite":
        dynalite: DynaliteServer = request.getfixturevalue("dynalite")
        # dynalite exits when a client resets a connection mid-request (an unhandled
        # ECONNRESET in node), which is what a SIGKILLed server's sockets do; DynamoDB does not.
        # The pass-through proxy takes the resets and keeps its own connections to dynalite.
        proxy = DynamoFaultProxy(dynalite.endpoint).start()
        args = ("--store", "dynamodb", "--dynamodb-endpoint", proxy.url)
    server = LocalServer(tmp_path, extra_args=args, extra_env=env)
    try:
        base = server.start()
        sessions = [call(base, "POST", "/chat", {"message": "hello"})[1]["sessionId"]]
        sessions += [
            call(base, "POST", "/chat", {"message": "hello"})[1]["sessionId"]
            for _ in range(CLIENTS - 1)
        ]

        # WHEN the clients burst, and the server is SIGKILLed once 36 messages were answered
        burst = Burst(base, sessions)
        threads = [threading.Thread(target=burst.run_client, args=(c,)) for c in range(CLIENTS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while len(burst.answered) < KILL_AFTER and time.monotonic() < deadline:
            time.sleep(0.002)
        burst.dead.set()  # no new message goes out; those in flight meet the kill
        server.kill()
        for thread in threads:
            thread.join(timeout=30)
        before_kill = dict(burst.answered)

        # AND it is restarted on the same store, and every unanswered message is sent again
        base = server.start()
        before_retry = [call(base, "GET", f"/sessions/{sid}")[1]["turns"] for sid in sessions]
        retried = {}
        for cmid, body in burst.unanswered:
            status, answer = call(base, "POST", "/chat", body)
            assert status == 200, (cmid, answer)
            retried[cmid] = answer["reply"]
        exported = [call(base, "GET", f"/sessions/{sid}")[1]["turns"] for sid in sessions]
    finally:
        server.stop()
        if proxy is not None:
            proxy.stop()

    # THEN every message is stored exactly once, each answered one with the reply it got
    stored = Counter(
        turn["message"].rsplit("note ", 1)[1]
        for turns in exported
        for turn in turns
        if "note " in turn["message"]
    )
    unanswered_but_stored = sum(  # the kill took the answer, not the turn: the retry must dedupe
        1
        for turns in before_retry
        for turn in turns
        if "note " in turn["message"] and turn["message"].rsplit("note ", 1)[1] not in before_kill
    )
    replies = {
        turn["message"].rsplit("note ", 1)[1]: turn["reply"]
        for turns in exported
        for turn in turns
        if "note " in turn["message"]
    }
    acknowledged = {**before_kill, **retried}
    duplicates = sum(count - 1 for count in stored.values() if count > 1)
    lost = sorted(cmid for cmid in acknowledged if stored[cmid] == 0)
    print(
        f"\ndurability[{store}]: acknowledged before the kill {len(before_kill)}, "
        f"in flight at the kill and retried {len(retried)} (of which stored before the retry "
        f"{unanswered_but_stored}), acknowledged {len(acknowledged)}, "
        f"stored {sum(stored.values())}, duplicates {duplicates}, lost {len(lost)}"
    )
    assert len(before_kill) >= KILL_AFTER and len(retried) >= 1
    assert lost == [] and duplicates == 0
    assert set(stored) == set(acknowledged)
    assert all(replies[cmid] == reply for cmid, reply in before_kill.items())
