"""The tests' dynalite survives a client that resets its connection mid-request.

dynalite's own CLI ends node on such a reset (its request handler rethrows the error), which a
durability test that SIGKILLs a server talking to it provokes; the launcher
(``tests/support/dynalite_server.js``) keeps the shared server up for the tests after it.
"""

from __future__ import annotations

import socket
import struct

from tests.support.dynalite import DynaliteServer, local_client

pytest_plugins = ["tests.integration.dynamo_fixtures"]


def reset_mid_request(port: int) -> None:
    """Send half of a request body, then abort the connection with a TCP reset."""
    with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
        conn.sendall(
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
            b'X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 1000\r\n\r\n{"Li'
        )
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def test_a_client_reset_mid_request_does_not_stop_dynalite() -> None:
    # GIVEN a dynalite of its own (not the session's, which other tests share)
    with DynaliteServer() as server:
        # WHEN a client aborts mid-request, three times
        for _ in range(3):
            reset_mid_request(server.port)
        # THEN dynalite is still running and still answers
        assert local_client(server.endpoint).list_tables()["TableNames"] is not None
