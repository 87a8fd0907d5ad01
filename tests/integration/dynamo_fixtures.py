"""Pytest fixtures for the DynamoDB tests: dynalite, moto's server, fresh tables, a fault proxy.

Register with ``pytest_plugins = ["tests.integration.dynamo_fixtures"]`` (the test modules of
the data plane do so themselves until ``tests/conftest.py`` lists it).

* ``dynalite``: the session's dynalite process on a free 127.0.0.1 port, stopped at the end
  (and restarted if it died: it is in-memory, so each test makes its own tables).
* ``dynamo_table``: a new table (unique name, the production schema) on that dynalite.
* ``moto_endpoint`` (session): moto's threaded server on a free port, for the APIs dynalite
  lacks (TTL settings) and for SQS.
* ``dynamo_proxy``: a :class:`DynamoFaultProxy` in front of dynalite (throttling, 5xx, latency,
  resets, unprocessed batches).
* ``closed_endpoint``: the URL of a port nothing listens on (connection refused).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from moto.server import ThreadedMotoServer

from runtime.store.schema import create_table_if_missing
from tests.support.dynalite import (
    DynaliteServer,
    DynamoTable,
    free_port,
    local_client,
    unique_table_name,
)
from tests.support.dynamo_proxy import DynamoFaultProxy


@pytest.fixture(scope="session")
def dynalite_server() -> Iterator[DynaliteServer]:
    """One dynalite process for the whole test session."""
    with DynaliteServer() as server:
        yield server


@pytest.fixture
def dynalite(dynalite_server: DynaliteServer) -> DynaliteServer:
    """The session's dynalite, restarted first if it died since the last test."""
    dynalite_server.ensure_running()
    return dynalite_server


@pytest.fixture
def dynamo_table(dynalite: DynaliteServer) -> Iterator[DynamoTable]:
    """A fresh table with the production schema (keys, AnalyticsIndex), deleted afterwards."""
    client = local_client(dynalite.endpoint)
    name = unique_table_name()
    create_table_if_missing(client, name)
    yield DynamoTable(client, name, dynalite.endpoint)
    with contextlib.suppress(Exception):
        client.delete_table(TableName=name)


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto's server (every AWS API it emulates) on a free 127.0.0.1 port."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def dynamo_proxy(dynalite: DynaliteServer) -> Iterator[DynamoFaultProxy]:
    """A fault-injecting proxy in front of the session's dynalite."""
    with DynamoFaultProxy(dynalite.endpoint) as proxy:
        yield proxy


@pytest.fixture
def closed_endpoint() -> str:
    """An endpoint that refuses connections."""
    return f"http://127.0.0.1:{free_port()}"
