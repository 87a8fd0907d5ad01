"""Wire-level fake of the MediaWiki Action API as English Wikivoyage serves it (no key).

``GET /w/api.php?action=parse&page=Lisbon&prop=wikitext&redirects=1&format=json&formatversion=2``
answers ``{"parse": {"title": "Lisbon", "pageid": N, "wikitext": "..."}}``; with ``redirects``
set, a redirect is followed and listed (``"redirects": [{"from": "Lisboa", "to": "Lisbon"}]``);
``formatversion=1`` puts the text under ``{"*": ...}``. A missing page answers HTTP 200 with
``{"error": {"code": "missingtitle", "info": "The page you specified doesn't exist.", "docref":
...}, "servedby": ...}``, another action or format ``badvalue``, as MediaWiki does
(``samples/wikivoyage_parse.json``, ``samples/wikivoyage_missing.json``). Articles come from
:mod:`tests.support.fakes.wikivoyage_pages`; tests may add their own to :attr:`pages`.
"""

from __future__ import annotations

import zlib
from typing import Any

from tests.support.fakes.base import FakeServer, RecordedRequest, Response, json_response
from tests.support.fakes.wikivoyage_pages import PAGES, REDIRECTS

API_PATH = "/w/api.php"
DOCREF = (
    "See https://en.wikivoyage.org/w/api.php for API usage. Subscribe to the "
    "mediawiki-api-announce mailing list at &lt;https://lists.wikimedia.org/postorius/lists/"
    "mediawiki-api-announce.lists.wikimedia.org/&gt; for notice of API deprecations and "
    "breaking changes."
)
SERVED_BY = "mw-api-ext.eqiad.main-fake"


def _error(code: str, info: str) -> dict[str, Any]:
    return {"error": {"code": code, "info": info, "docref": DOCREF}, "servedby": SERVED_BY}


class WikivoyageFake(FakeServer):
    """Local Wikivoyage API answering ``action=parse`` for the fake's articles."""

    name = "wikivoyage"

    def __init__(self) -> None:
        super().__init__()
        self.pages: dict[str, str] = dict(PAGES)
        self.redirects: dict[str, str] = dict(REDIRECTS)

    def error_response(self, status: int, message: str | None = None) -> Response:
        """Wikimedia's front end answers errors with a short text body."""
        body = (message or f"HTTP {status}").encode()
        return Response(status, body, {"Content-Type": "text/plain; charset=utf-8"})

    def handle(self, request: RecordedRequest) -> Response:
        """Answer ``action=parse`` with ``prop=wikitext``."""
        if request.path != API_PATH:
            return self.error_response(404, "Not Found")
        if request.query_value("format") != "json":
            return json_response(200, _error("badvalue", 'Only format "json" is faked.'))
        if request.query_value("action") != "parse":
            action = request.query_value("action")
            return json_response(
                200, _error("badvalue", f'Unrecognized value for parameter "action": {action}.')
            )
        page = (request.query_value("page") or "").replace("_", " ").strip()
        if not page:
            return json_response(200, _error("missingparam", 'The "page" parameter must be set.'))
        redirects = []
        if request.query_value("redirects") in ("1", "true", "") and page in self.redirects:
            redirects.append({"from": page, "to": self.redirects[page]})
            page = self.redirects[page]
        text = self.pages.get(page)
        if text is None:
            return json_response(
                200, _error("missingtitle", "The page you specified doesn't exist.")
            )
        version2 = request.query_value("formatversion") == "2"
        parse: dict[str, Any] = {
            "title": page,
            "pageid": zlib.crc32(page.encode()) % 1_000_000,
        }
        if redirects:
            parse["redirects"] = redirects
        parse["wikitext"] = text if version2 else {"*": text}
        return json_response(200, {"parse": parse})
