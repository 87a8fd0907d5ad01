"""Wikivoyage (English) through the MediaWiki Action API, no key: an article's listings.

One request per article::

    GET {api}?action=parse&page=Lisbon&prop=wikitext&redirects=1&format=json&formatversion=2
    -> {"parse": {"title": "Lisbon", "pageid": 4163, "wikitext": "..."}}

(``formatversion=1`` puts the text under ``wikitext["*"]``; both are read.) A missing article is
``{"error": {"code": "missingtitle", ...}}`` with HTTP 200, which becomes ``NotFoundError``. The
listings are read from the wikitext (:mod:`runtime.providers.content.wikitext`). Big cities keep
their sights in district articles (``Lisbon/Belém``): when the main article lists fewer than
:data:`MIN_SIGHTS`, up to :data:`MAX_DISTRICTS` district articles are read in parallel. The
result is cached in the store for a week (guides change slowly) and kept a month for outages.

Terms: Wikivoyage's text is CC BY-SA; every plan links to the article it used. Wikimedia asks
API clients for a descriptive User-Agent (:func:`runtime.providers.web.user_agent`).
"""

from __future__ import annotations

import functools
import time
from typing import Any
from urllib.parse import quote

from runtime.errors import NotFoundError, ProviderError
from runtime.providers.cached import CachedSource
from runtime.providers.content.base import Guide, Listing
from runtime.providers.content.wikitext import district_links, listings
from runtime.providers.failures import describe, malformed
from runtime.providers.geo import Place
from runtime.providers.parallel import run_all
from runtime.providers.web import JsonSource, Source, expect_object

NAME = "wikivoyage"
SITE = "https://en.wikivoyage.org/wiki/"
MIN_SIGHTS = 5
MAX_DISTRICTS = 3
MAX_LISTINGS = 120
SOURCE_TERMS = "CC BY-SA 4.0"


def article_url(title: str) -> str:
    """The reader's link to an article."""
    return SITE + quote(title.replace(" ", "_"), safe="/_(),'")


def read_article(payload: Any) -> tuple[str, str]:
    """The title and wikitext of a ``parse`` answer.

    Raises:
        NotFoundError: the wiki has no such article.
        ProviderError: kind ``error`` for another API error, ``malformed`` for another shape.
    """
    body = expect_object(NAME, payload, "parse answer")
    error = body.get("error")
    if isinstance(error, dict):
        code = str(error.get("code", ""))
        if code in ("missingtitle", "invalidtitle", "nosuchpageid"):
            raise NotFoundError(f"Wikivoyage has no article ({code})")
        raise ProviderError(NAME, f"API error {code or 'unknown'}", kind="error")
    try:
        parse = body["parse"]
        text = parse["wikitext"]
        if isinstance(text, dict):  # formatversion=1
            text = text["*"]
        return str(parse["title"]), str(text)
    except (KeyError, TypeError) as exc:
        raise malformed(NAME, f"parse answer ({describe(exc)})") from exc


class WikivoyageGuide:
    """:class:`~runtime.providers.content.base.GuideProvider` on English Wikivoyage."""

    def __init__(
        self,
        http: JsonSource,
        *,
        api_url: str = "https://en.wikivoyage.org/w/api.php",
        cache: CachedSource | None = None,
        fresh_s: int = 7 * 86400,
        stale_s: int = 30 * 86400,
        missing_s: int = 86400,
    ) -> None:
        self._http = http
        self._api_url = api_url
        self._cache = cache or CachedSource(None)
        self._fresh_s = fresh_s
        self._stale_s = stale_s
        self._missing_s = missing_s

    def guide(self, place: Place, *, deadline: float | None = None) -> Guide:
        """The article about ``place`` (by its canonical name), with its listings.

        Raises:
            NotFoundError: Wikivoyage has no article of that name.
            ProviderError: Wikivoyage failed and nothing is kept.
        """

        def load() -> dict[str, Any]:
            return self._load(place.name, deadline).to_dict()

        value = self._cache.fetch(
            f"wikivoyage:v1:{place.name.strip().lower()}",
            load,
            fresh_s=self._fresh_s,
            stale_s=self._stale_s,
            missing_s=self._missing_s,
        )
        try:
            return Guide.from_dict(value)
        except (KeyError, TypeError, ValueError) as exc:
            raise malformed(NAME, f"cached value ({describe(exc)})") from exc

    def _article(self, page: str, deadline: float | None) -> tuple[str, str]:
        params = {
            "action": "parse",
            "page": page,
            "prop": "wikitext",
            "redirects": "1",
            "format": "json",
            "formatversion": "2",
        }
        return read_article(self._http.get(self._api_url, params, deadline=deadline))

    def _load(self, name: str, deadline: float | None) -> Guide:
        title, text = self._article(name, deadline)
        found = listings(text)
        if len([item for item in found if item.kind in ("see", "do")]) < MIN_SIGHTS:
            found += self._districts(district_links(text, title)[:MAX_DISTRICTS], deadline)
        return Guide(
            title=title,
            url=article_url(title),
            source=Source(f"Wikivoyage: {title}", article_url(title), SOURCE_TERMS),
            listings=_unique(found)[:MAX_LISTINGS],
        )

    def _districts(self, pages: list[str], deadline: float | None) -> list[Listing]:
        if not pages:
            return []
        limit = deadline if deadline is not None else time.monotonic() + self._http.timeout_s
        outcomes = run_all(
            {page: functools.partial(self._article, page, limit) for page in pages},
            deadline=limit,
        )
        found: list[Listing] = []
        for page in pages:
            outcome = outcomes[page]
            if outcome.ok:
                district = page.split("/", 1)[-1]
                for item in listings(outcome.value[1]):
                    found.append(item if item.section else _in_section(item, district))
        return found


def _in_section(item: Listing, section: str) -> Listing:
    data = item.to_dict() | {"section": section}
    return Listing.from_dict(data)


def _unique(items: list[Listing]) -> list[Listing]:
    seen: set[tuple[str, str]] = set()
    kept: list[Listing] = []
    for item in items:
        key = (item.kind, item.name.casefold())
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept
