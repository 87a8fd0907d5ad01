"""The local server at the socket: framing, timeouts, HEAD, methods, access log, links, hang-ups.

One server process (``python -m runtime serve --timeout 2 --public-url ...``, access log on)
serves the module; every request is written as raw bytes, because the point is what a careful
client library would never send.
"""

from __future__ import annotations

import json
import socket
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.smoke.local_server import LocalServer
from tests.support.raw_http import address, exchange, parse_responses, request

pytestmark = pytest.mark.slow

TIMEOUT_S = 2
PUBLIC_URL = "https://chat.example.com"
CHAT = b'{"message":"hello"}'  # 19 bytes
JSON = "Content-Type: application/json\r\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    directory: Path = tmp_path_factory.mktemp("http-server")
    with LocalServer(
        directory,
        extra_args=("--timeout", str(TIMEOUT_S), "--public-url", PUBLIC_URL),
        extra_env={"TRAVELBOT_RATE_BURST": "100000"},
        quiet=False,
    ) as running:
        yield running


def post_chat(headers: str, body: bytes = CHAT) -> bytes:
    return f"POST /chat HTTP/1.1\r\nHost: 127.0.0.1\r\n{JSON}{headers}\r\n".encode() + body


def assert_json_error(response_status: int, raw: bytes, status: int) -> dict[str, str]:
    (response, *_) = parse_responses(raw)
    assert response.status == response_status == status, raw[:300]
    assert response.header("content-type") == "application/json"
    assert response.header("connection") == "close"
    return dict(json.loads(response.body)["error"])


# --------------------------------------------------------------------------- message framing
def test_content_length_and_transfer_encoding_together_are_refused_and_nothing_is_smuggled(
    server: LocalServer,
) -> None:
    # GIVEN a request framed both ways, with a second request hidden in its chunked reading
    smuggled = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
    body = b"0\r\n\r\n" + smuggled
    raw = post_chat(f"Content-Length: {len(body)}\r\nTransfer-Encoding: chunked\r\n", body)

    # WHEN it is sent
    answer = exchange(server.base_url, raw)

    # THEN one 400 comes back, in JSON, the connection is closed, the hidden request unanswered
    assert len(parse_responses(answer)) == 1
    error = assert_json_error(400, answer, 400)
    assert error["code"] == "bad_request"


@pytest.mark.parametrize(
    "content_length",
    ["Content-Length: 19\r\nContent-Length: 19\r\n", "Content-Length: 19, 19\r\n"]
    + [f"Content-Length: {v}\r\n" for v in ("+19", "1_9", "19x", "-19", "0x13", "9" * 5000)],
    ids=["twice", "a list", "plus", "underscore", "suffix", "negative", "hex", "5000 digits"],
)
def test_a_duplicate_or_malformed_content_length_is_a_400(
    server: LocalServer, content_length: str
) -> None:
    answer = exchange(server.base_url, post_chat(content_length))
    assert_json_error(400, answer, 400)


def test_a_chunked_body_is_parsed_and_answered(server: LocalServer) -> None:
    raw = post_chat("Transfer-Encoding: chunked\r\nConnection: close\r\n", b"")
    raw += b"a\r\n" + CHAT[:10] + b"\r\n9\r\n" + CHAT[10:] + b"\r\n0\r\n\r\n"
    (response,) = parse_responses(exchange(server.base_url, raw))
    assert response.status == 200 and json.loads(response.body)["intent"] == "Greeting"


@pytest.mark.parametrize(
    ("coding", "chunks", "status"),
    [
        ("chunked", b"zz\r\n" + CHAT + b"\r\n0\r\n\r\n", 400),
        ("chunked", b"13;\x00\r\n" + CHAT + b"\r\n0\r\n\r\n", 400),
        ("gzip", b"", 501),
        ("chunked, chunked", b"0\r\n\r\n", 400),
    ],
    ids=["a bad chunk size", "a bad extension", "an unknown coding", "chunked twice"],
)
def test_a_transfer_coding_the_server_cannot_read_is_refused(
    server: LocalServer, coding: str, chunks: bytes, status: int
) -> None:
    answer = exchange(server.base_url, post_chat(f"Transfer-Encoding: {coding}\r\n", chunks))
    assert_json_error(status, answer, status)


def test_transfer_encoding_on_http_1_0_is_refused(server: LocalServer) -> None:
    raw = (
        b"POST /chat HTTP/1.0\r\nTransfer-Encoding: chunked\r\n" + JSON.encode() + b"\r\n0\r\n\r\n"
    )
    assert_json_error(400, exchange(server.base_url, raw), 400)


def test_headers_and_bodies_over_the_limits_get_json_errors(server: LocalServer) -> None:
    big_headers = "".join(f"X-Filler-{i}: {'a' * 100}\r\n" for i in range(200))
    assert_json_error(431, exchange(server.base_url, post_chat(big_headers)), 431)
    huge = b"{" + b" " * (70 * 1024) + b"}"
    raw = post_chat(f"Content-Length: {len(huge)}\r\n", huge)
    assert_json_error(413, exchange(server.base_url, raw), 413)


# --------------------------------------------------------------------------- methods
def test_head_answers_with_gets_headers_and_no_body(server: LocalServer) -> None:
    # GIVEN a HEAD and a GET of the same page on one keep-alive connection
    raw = request("HEAD", "/health", close=False) + request("GET", "/health")

    # WHEN both are answered
    head, get = parse_responses(exchange(server.base_url, raw), head=True)

    # THEN HEAD had GET's status and length but no body (the GET parsed right after it)
    assert head.status == get.status == 200
    assert head.header("content-length") == get.header("content-length") != "0"
    assert head.body == b"" and json.loads(get.body)["status"] == "ok"


@pytest.mark.parametrize("method", ["PUT", "PATCH", "TRACE", "FOO"])
def test_a_method_the_route_does_not_take_is_a_json_405_naming_the_allowed_ones(
    server: LocalServer, method: str
) -> None:
    (response,) = parse_responses(exchange(server.base_url, request(method, "/chat")))
    assert response.status == 405 and response.header("allow") == "POST"
    assert response.header("content-type") == "application/json"
    assert json.loads(response.body)["error"]["code"] == "method_not_allowed"


def test_options_on_chat_names_its_methods_for_cors(server: LocalServer) -> None:
    # GIVEN /chat, which browsers may preflight (CORS) WHEN a plain OPTIONS arrives
    (response,) = parse_responses(exchange(server.base_url, request("OPTIONS", "/chat")))
    # THEN it is answered, with no body, naming the methods the route takes
    assert response.status == 204 and response.header("allow") == "OPTIONS, POST"
    assert response.body == b""


# --------------------------------------------------------------------------- links, log
def test_links_use_the_configured_public_url_never_the_clients_host_or_scheme(
    server: LocalServer,
) -> None:
    body = b'{"message":"find flights from London to Rome on 2030-05-14"}'
    headers = {
        "Host": "evil.example",
        "X-Forwarded-Proto": "javascript",
        "X-Forwarded-Host": "evil.example",
        "Content-Type": "application/json",
    }
    raw = request("POST", "/chat", body=body, headers=headers).replace(
        b"Host: 127.0.0.1\r\n", b"", 1
    )
    (response,) = parse_responses(exchange(server.base_url, raw))
    reply = json.loads(response.body)["reply"]
    assert f"{PUBLIC_URL}/go/" in reply
    assert "evil" not in reply and "javascript" not in reply


def test_the_access_log_escapes_what_it_prints_and_hashes_session_ids(
    server: LocalServer,
) -> None:
    # GIVEN requests whose paths carry an encoded line break, a raw escape byte and a session id
    before = server.log_text().count("\n")
    session = "AAAAAAAAAAAAAAAAAAAAAA"
    forged = "/health%0A127.0.0.1%20GET%20/admin%20200%201ms"
    exchange(server.base_url, request("GET", forged))
    exchange(server.base_url, b"GET /he\x1balth HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    exchange(server.base_url, request("GET", f"/sessions/{session}?token=secret-in-query"))
    time.sleep(0.2)

    # THEN each request printed exactly one line, nothing was forged, nothing leaked
    log = server.log_text()
    lines = log.splitlines()[before:]
    assert len(lines) == 3, lines
    assert lines[0].endswith(f"GET {forged} 400 " + lines[0].rsplit(" ", 1)[-1])
    assert "\\x1b" in lines[1] and "\x1b" not in log
    assert session not in log and "/sessions/~" in lines[2]
    assert "secret-in-query" not in log


# --------------------------------------------------------------------------- slow clients
def test_half_sent_requests_neither_block_others_nor_stay_open(server: LocalServer) -> None:
    # GIVEN 300 connections that sent half a request each
    held = []
    for _ in range(300):
        sock = socket.create_connection(address(server.base_url), timeout=5)
        sock.sendall(b'POST /chat HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"mess')
        held.append(sock)
    try:
        # WHEN another client asks for the health page
        (response,) = parse_responses(exchange(server.base_url, request("GET", "/health")))

        # THEN it is answered at once ...
        assert response.status == 200
        # ... and once the timeout has passed the server has closed every half-sent request
        time.sleep(TIMEOUT_S * 2 + 1.5)
        still_open = 0
        for sock in held:
            sock.settimeout(0.05)
            try:
                still_open += sock.recv(1) != b""
            except TimeoutError:
                still_open += 1
            except OSError:
                pass
        assert still_open == 0
    finally:
        for sock in held:
            sock.close()


def test_a_request_dripped_a_byte_at_a_time_is_cut_off(server: LocalServer) -> None:
    # GIVEN a client that sends its headers one byte every 0.2 s (it would need ~12 s)
    drip = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + b"a" * 20
    sock = socket.create_connection(address(server.base_url), timeout=10)
    started, cut = time.monotonic(), None
    try:
        for byte in drip:
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                cut = time.monotonic() - started
                break
            time.sleep(0.2)
    finally:
        sock.close()

    # THEN the server closed it once the request had taken longer than the timeout allows
    assert cut is not None and cut < TIMEOUT_S * 2 + 3


def test_clients_that_hang_up_mid_request_leave_no_traceback(server: LocalServer) -> None:
    # GIVEN clients that reset or close their connection before, during and after a request
    for linger, payload in [
        (True, post_chat("Content-Length: 19\r\n")),  # reset right after sending
        (False, post_chat("Content-Length: 19\r\n")),  # close right after sending
        (True, post_chat("Content-Length: 190\r\n")),  # reset mid-body
        (False, b"POST /chat HTTP/1.1\r\nHost"),  # close mid-headers
    ]:
        sock = socket.create_connection(address(server.base_url), timeout=5)
        if linger:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.sendall(payload)
        sock.close()
    time.sleep(0.5)

    # THEN the server still answers, and its output holds no traceback
    (response,) = parse_responses(exchange(server.base_url, request("GET", "/health")))
    assert response.status == 200
    assert "Traceback" not in server.log_text()
