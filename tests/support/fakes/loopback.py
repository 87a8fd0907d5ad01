"""The smallest wire-level fake: a loopback JSON server that hands every request to one method.

For fakes that check requests themselves and need neither the recording nor the fault injection
of :class:`tests.support.fakes.base.FakeServer` (Google's token federation, the management APIs
the preflight reads). Standard library only, so those fakes stay free of the test stack.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class LoopbackJsonServer:
    """Serves :meth:`answer` on ``127.0.0.1`` on a free port while used as a context manager.

    Subclasses may be dataclasses: the server lives in an attribute set on entry.
    """

    #: The HTTP methods served; any other gets the standard library's 501.
    methods: tuple[str, ...] = ("GET", "POST")
    _server: ThreadingHTTPServer | None = None

    def answer(
        self, method: str, path: str, headers: Mapping[str, str], raw: str
    ) -> tuple[int, Any]:
        """The (status, JSON body) for one request; ``path`` keeps its query string, ``headers``
        their names as sent, ``raw`` is the decoded body ("" when there is none)."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        fake = self

        def serve(handler: BaseHTTPRequestHandler) -> None:
            length = int(handler.headers.get("Content-Length") or 0)
            raw = handler.rfile.read(length).decode() if length else ""
            status, body = fake.answer(
                handler.command, handler.path, dict(handler.headers.items()), raw
            )
            payload = json.dumps(body).encode()
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

        for method in self.methods:
            setattr(Handler, f"do_{method}", serve)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        assert self._server is not None, "use the fake as a context manager"
        return f"http://127.0.0.1:{self._server.server_address[1]}"
