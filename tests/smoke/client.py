"""A tiny HTTP client for the smoke suite (standard library urllib only).

Every answer comes back as a :class:`Reply`, errors included (urllib raises on 4xx/5xx; the
suite wants to look at those), so a test reads status, headers and body the same way for all.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

USER_AGENT = "travelbot-smoke/1.0"


@dataclass(frozen=True)
class Reply:
    """One HTTP response: status, headers (lower-case names) and raw body."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def header(self, name: str) -> str:
        """A header's value ('' when absent)."""
        return self.headers.get(name.lower(), "")

    def json(self) -> Any:
        """The body parsed as JSON (AssertionError, with the body, when it is not JSON)."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise AssertionError(f"not a JSON body ({exc}): {self.body[:300]!r}") from None


class SmokeClient:
    """Requests against one base URL, e.g. ``http://127.0.0.1:8080`` or a stage URL ``.../dev``."""

    def __init__(self, base_url: str, *, timeout_s: float = 20.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s

    def url(self, path: str) -> str:
        """The absolute URL of an API path such as ``/chat``."""
        return self.base_url + "/" + path.lstrip("/")

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """Send one request; any HTTP status comes back as a Reply (network errors raise)."""
        request = urllib.request.Request(self.url(path), data=body, method=method)
        request.add_header("User-Agent", USER_AGENT)
        request.add_header("Accept", "application/json, text/html")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                return Reply(response.status, _lower(response.headers.items()), response.read())
        except urllib.error.HTTPError as error:
            with error:
                return Reply(error.code, _lower(error.headers.items()), error.read())

    def get(self, path: str) -> Reply:
        """``GET path``."""
        return self.request("GET", path)

    def delete(self, path: str) -> Reply:
        """``DELETE path``."""
        return self.request("DELETE", path)

    def post_json(self, path: str, payload: Any) -> Reply:
        """``POST path`` with a JSON body."""
        body = json.dumps(payload).encode("utf-8")
        return self.request("POST", path, body=body, headers={"Content-Type": "application/json"})

    def chat(self, message: str, session_id: str | None = None) -> Reply:
        """One ``POST /chat`` turn."""
        payload: dict[str, str] = {"message": message}
        if session_id is not None:
            payload["sessionId"] = session_id
        return self.post_json("/chat", payload)


class Sessions:
    """Remembers the session ids a test created, to erase them afterwards."""

    def __init__(self) -> None:
        self.ids: set[str] = set()

    def track(self, session_id: str) -> str:
        """Remember ``session_id`` and return it."""
        self.ids.add(session_id)
        return session_id


def _lower(items: Any) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in items:
        key = str(name).lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else str(value)
    return headers
