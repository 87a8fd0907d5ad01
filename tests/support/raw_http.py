"""Raw HTTP/1.1 over a socket, for tests that must send what well-behaved clients never do.

``http.client`` and ``requests`` normalise requests (one ``Content-Length``, no bare framing
conflicts, encoded paths), which is exactly what these tests must not do. :func:`exchange`
writes bytes as given and reads every response the server sends before it closes or goes quiet.
"""

from __future__ import annotations

import socket
import time
import urllib.parse
from dataclasses import dataclass, field


@dataclass
class RawResponse:
    """One parsed HTTP response: status, lower-cased headers, body."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str:
        """A header value ("" when absent)."""
        return self.headers.get(name.lower(), "")


def address(base_url: str) -> tuple[str, int]:
    """``(host, port)`` of ``http://host:port``."""
    parts = urllib.parse.urlsplit(base_url)
    return parts.hostname or "127.0.0.1", parts.port or 80


def exchange(base_url: str, data: bytes, *, timeout_s: float = 5.0, quiet_s: float = 1.0) -> bytes:
    """Send ``data``, then read until the server closes or sends nothing for ``quiet_s``."""
    with socket.create_connection(address(base_url), timeout=timeout_s) as sock:
        sock.sendall(data)
        sock.settimeout(quiet_s)
        received = b""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
        return received


def parse_responses(raw: bytes, *, head: bool = False) -> list[RawResponse]:
    """Every complete response in ``raw`` (``head``: the first one has no body, as for HEAD)."""
    responses: list[RawResponse] = []
    rest = raw
    while rest:
        end = rest.find(b"\r\n\r\n")
        if end < 0:
            break
        lines = rest[:end].decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = 0 if head and not responses else int(headers.get("content-length", "0"))
        body = rest[end + 4 : end + 4 + length]
        responses.append(RawResponse(status, headers, body))
        rest = rest[end + 4 + length :]
    return responses


def request(
    method: str,
    path: str,
    *,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    close: bool = True,
) -> bytes:
    """A well-formed request's bytes (for the hostile parts, build bytes by hand)."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body:
        lines.append(f"Content-Length: {len(body)}")
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace") + body
