"""Another web site on its own local origin, for the widget tests: one page, one strict CSP.

It serves ``/`` (the page set in :attr:`HostSite.page`) with a Content-Security-Policy as strict
as a careful site's: scripts and frames only from the chat's origin, no inline script or style
at all. Started on a free loopback port in a thread; standard library only.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

PAGE_TEMPLATE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Example Shop</title></head>
<body>
<header><p>Example Shop · Home · Trips · Contact</p></header>
<main><h1>Example Shop</h1><p>Holidays in Portugal, planned with our travel desk.</p></main>
{embed}
</body>
</html>
"""


def embed_tag(chat_url: str, **data: str) -> str:
    """The one line a site adds: ``<script src=.../widget.js data-...>``."""
    attributes = "".join(
        f' data-{name.replace("_", "-")}="{value}"' for name, value in data.items()
    )
    return f'<script src="{chat_url}/widget.js"{attributes} async></script>'


class HostSite:
    """A site at ``origin`` whose home page embeds what :attr:`page` says; a context manager."""

    def __init__(self) -> None:
        self.page = PAGE_TEMPLATE.format(embed="")
        self.chat_origin = "'none'"
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = site.page.encode("utf-8")
                self.send_response(200 if self.path == "/" else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Security-Policy", site.policy())
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def policy(self) -> str:
        """The site's CSP: the chat's origin for scripts, frames and fetches; nothing inline."""
        chat = self.chat_origin
        return (
            f"default-src 'none'; script-src {chat}; frame-src {chat}; connect-src {chat}; "
            "style-src 'none'; img-src 'none'; base-uri 'none'; form-action 'none'"
        )

    def embed(self, chat_url: str, **data: str) -> None:
        """Serve a home page that embeds the chat at ``chat_url`` with one script tag."""
        self.chat_origin = chat_url
        self.page = PAGE_TEMPLATE.format(embed=embed_tag(chat_url, **data))

    def __enter__(self) -> HostSite:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
