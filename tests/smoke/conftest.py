"""Fixtures of the smoke suite: the base URL (a deployment, or a local server we start).

``TRAVELBOT_BASE_URL`` selects a deployed stack, e.g.
``TRAVELBOT_BASE_URL=$(pulumi stack output apiUrl) pytest tests/smoke``; without it the suite
starts ``python -m runtime serve`` on a free loopback port with a temporary data directory.
Sessions the tests create are erased when each test ends, so a deployment keeps no smoke data.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.smoke.client import Sessions, SmokeClient
from tests.smoke.local_server import LocalServer

BASE_URL_ENV = "TRAVELBOT_BASE_URL"


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The API's base URL: ``$TRAVELBOT_BASE_URL``, or a local server started for the session."""
    configured = os.environ.get(BASE_URL_ENV, "").strip()
    if configured:
        yield configured.rstrip("/")
        return
    with LocalServer(tmp_path_factory.mktemp("smoke-server")) as server:
        yield server.base_url


@pytest.fixture(scope="session")
def deployed() -> bool:
    """True when the suite checks a deployment (behind WAF and API Gateway), not a local server."""
    return bool(os.environ.get(BASE_URL_ENV, "").strip())


@pytest.fixture(scope="session")
def client(base_url: str) -> SmokeClient:
    """A urllib client bound to the base URL."""
    return SmokeClient(base_url)


@pytest.fixture
def sessions(client: SmokeClient) -> Iterator[Sessions]:
    """Track created sessions; each is erased (``DELETE /sessions/{id}``) after the test."""
    tracker = Sessions()
    yield tracker
    for session_id in tracker.ids:
        reply = client.delete(f"/sessions/{session_id}")
        assert reply.status in (200, 404), f"erasing {session_id}: {reply.status} {reply.body!r}"
