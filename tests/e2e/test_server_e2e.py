"""End to end over real HTTP: the server as a subprocess, a conversation, a restart, an erase."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.smoke.local_server import LocalServer


@contextmanager
def running_server(data_dir: Path) -> Iterator[str]:
    """``python -m runtime serve`` as a subprocess on ``data_dir``; yields its base URL."""
    with LocalServer(data_dir) as server:
        yield server.base_url


def request(
    method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], Any]:
    data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
    req = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            payload = response.read().decode()
            return response.status, dict(response.headers), json.loads(payload) if payload else None
    except urllib.error.HTTPError as error:
        payload = error.read().decode()
        return error.code, dict(error.headers), json.loads(payload) if payload else None


def test_a_conversation_survives_a_restart_and_erase_removes_it(tmp_path: Path) -> None:
    with running_server(tmp_path) as base:
        status, headers, first = request("POST", f"{base}/chat", {"message": "plan a trip"})
        assert status == 200 and first["dialogState"] == "ElicitSlot"
        assert (
            headers["X-Content-Type-Options"] == "nosniff"
            and headers["Cache-Control"] == "no-store"
        )
        sid = first["sessionId"]
        for message in ("Lisbon", "5 days"):
            assert request("POST", f"{base}/chat", {"message": message, "sessionId": sid})[0] == 200
    with running_server(tmp_path) as base:
        status, _, exported = request("GET", f"{base}/sessions/{sid}")
        assert status == 200
        assert [t["message"] for t in exported["turns"]] == ["plan a trip", "Lisbon", "5 days"]
        status, _, done = request("POST", f"{base}/chat", {"message": "$1500", "sessionId": sid})
        assert status == 200 and done["dialogState"] == "Fulfilled"
        assert done["slots"] == {
            "destination": "Lisbon",
            "duration": 5,
            "budget": {"amount": 1500, "currency": "USD"},
        }
        assert request("DELETE", f"{base}/sessions/{sid}")[0] == 200
        assert request("GET", f"{base}/sessions/{sid}")[0] == 404
    with running_server(tmp_path) as base:
        assert request("GET", f"{base}/sessions/{sid}")[0] == 404


def test_the_server_serves_many_clients_at_once_and_refuses_huge_bodies(tmp_path: Path) -> None:
    import concurrent.futures

    with running_server(tmp_path) as base:
        with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
            results = list(
                pool.map(
                    lambda n: request("POST", f"{base}/chat", {"message": f"weather in Paris {n}"})[
                        0
                    ],
                    range(64),
                )
            )
        assert results == [200] * 64
        status, _, body = request("POST", f"{base}/chat", b"{" + b" " * 100_000 + b"}")
        assert status == 413 and body["error"]["code"] == "payload_too_large"
        status, _, body = request("POST", f"{base}/chat", b'{"message": "caf\xe9"}')
        assert status == 400 and "UTF-8" in body["error"]["message"]
        status, _, body = request(
            "POST", f"{base}/chat", {"message": "hi"}, {"Content-Type": "text/plain"}
        )
        assert status == 415
