"""Wikivoyage listings out of an article's wikitext.

Listings are templates such as ``{{see | name=Belém Tower | wikidata=Q... | price=€8 |
content=...}}`` or ``{{listing | type=do | name=...}}``. This module walks the text once,
tracking template and link nesting, so that headings and templates are read only at the top
level (a ``==`` inside a template's text is not a heading, a ``|`` inside a nested template or
link does not split parameters), and returns each listing with its kind, the level-2 section it
sits in ("See", "Do", "Eat", "Sleep") and the sub-heading above it ("Budget", "Mid-range").
A listing without a type takes its kind from its section; ``buy`` and ``go`` are skipped.
Text is reduced to plain words: links keep their label, formatting, comments, references and
unknown templates go.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from runtime.providers.content.base import LISTING_KINDS, Listing

SECTION_KINDS = {"see": "see", "do": "do", "eat": "eat", "drink": "drink", "sleep": "sleep"}
TEMPLATE_KINDS = {"see", "do", "eat", "drink", "sleep", "buy", "go", "listing"}
MAX_DESCRIPTION = 220
_HEADING = re.compile(r"^(={2,6})\s*(.+?)\s*\1\s*$")
_COMMENT = re.compile(r"<!--.*?(-->|$)", re.DOTALL)
_REF = re.compile(r"<ref[^>/]*/>|<ref[^>]*>.*?</ref>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_FILE_LINK = re.compile(r"\[\[(?:File|Image):[^\[\]]*(?:\[\[[^\]]*\]\][^\[\]]*)*\]\]", re.I)
_LINK = re.compile(r"\[\[(?:[^|\]]*\|)?([^\]]*)\]\]([a-z]*)")
_EXTERNAL = re.compile(r"\[(?:https?:)?//\S+\s+([^\]]+)\]|\[(?:https?:)?//\S+\]")
_TEMPLATE = re.compile(r"\{\{([^{}]*)\}\}")


@dataclass(frozen=True)
class _Template:
    name: str
    params: dict[str, str]
    section: str
    subsection: str


def listings(wikitext: str) -> list[Listing]:
    """Every see, do, eat, drink and sleep listing of an article, in the article's order."""
    found: list[Listing] = []
    for template in _templates(_COMMENT.sub("", wikitext)):
        kind = _kind(template)
        name = clean(template.params.get("name", ""))
        if kind is None or not name:
            continue
        description = clean(
            template.params.get("content") or template.params.get("description") or ""
        )
        found.append(
            Listing(
                kind=kind,
                name=name[:120],
                description=shorten(description),
                price=clean(template.params.get("price", ""))[:160],
                section=template.subsection,
                url=template.params.get("url", "").strip()[:300],
                wikidata=template.params.get("wikidata", "").strip().upper()[:20],
            )
        )
    return found


def district_links(wikitext: str, title: str) -> list[str]:
    """Titles of the article's district pages (``[[Title/District|...]]``), in order, unique."""
    prefix = f"{title}/"
    seen: list[str] = []
    for match in re.finditer(r"\[\[([^|\]#]+)", wikitext):
        target = match.group(1).strip().replace("_", " ")
        if target.startswith(prefix) and target not in seen:
            seen.append(target)
    return seen


def clean(text: str) -> str:
    """Wikitext reduced to plain words (one line)."""
    text = _COMMENT.sub("", text)
    text = _REF.sub("", text)
    text = _FILE_LINK.sub("", text)
    for _ in range(5):  # innermost templates first; five levels is more than articles nest
        replaced = _TEMPLATE.sub(_template_text, text)
        if replaced == text:
            break
        text = replaced
    text = _LINK.sub(lambda m: m.group(1) + m.group(2), text)
    text = _EXTERNAL.sub(lambda m: m.group(1) or "", text)
    text = _TAG.sub("", text)
    text = text.replace("'''", "").replace("''", "")
    text = html.unescape(text)
    return re.sub(r"\s+", " ", text).strip()


def shorten(text: str, limit: int = MAX_DESCRIPTION) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters (with "…")."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut}…"


def _template_text(match: re.Match[str]) -> str:
    parts = [part.strip() for part in match.group(1).split("|")]
    name = parts[0].lower()
    if name == "!":
        return "|"
    if name in ("convert", "cvt") and len(parts) >= 3:
        return f"{parts[1]} {parts[2]}"
    if name in ("lang", "lang-x") and len(parts) >= 3:
        return parts[2]
    if name in ("nowrap", "small", "nobr") and len(parts) >= 2:
        return parts[1]
    return ""


def _kind(template: _Template) -> str | None:
    name = template.name
    if name == "listing":
        typed = template.params.get("type", "").strip().lower()
        name = typed or SECTION_KINDS.get(template.section.lower(), "")
    if name not in LISTING_KINDS:
        return None
    return name


def _templates(text: str) -> Iterator[_Template]:
    """Top-level templates whose name is a listing template, with their section path."""
    section = subsection = ""
    depth = 0
    start = 0
    i = 0
    line_start = True
    size = len(text)
    while i < size:
        if depth == 0 and line_start:
            end = text.find("\n", i)
            line = text[i : end if end >= 0 else size]
            heading = _HEADING.match(line)
            if heading:
                level, title = len(heading.group(1)), clean(heading.group(2))
                if level == 2:
                    section, subsection = title, ""
                else:
                    subsection = title
                i = end + 1 if end >= 0 else size
                continue
        pair = text[i : i + 2]
        if pair == "{{":
            if depth == 0:
                start = i
            depth += 1
            i += 2
            line_start = False
            continue
        if pair == "}}" and depth > 0:
            depth -= 1
            i += 2
            if depth == 0:
                template = _parse(text[start + 2 : i - 2], section, subsection)
                if template is not None:
                    yield template
            continue
        line_start = text[i] == "\n"
        i += 1
    if depth > 0:  # an unbalanced last template: read what is there
        template = _parse(text[start + 2 :], section, subsection)
        if template is not None:
            yield template


def _parse(body: str, section: str, subsection: str) -> _Template | None:
    parts = _split(body)
    name = parts[0].strip().lower().replace("_", " ")
    if name not in TEMPLATE_KINDS:
        return None
    params: dict[str, str] = {}
    for part in parts[1:]:
        key, sep, value = part.partition("=")
        if sep:
            params[key.strip().lower()] = value.strip()
    return _Template(name, params, section, subsection)


def _split(body: str) -> list[str]:
    """Split a template's body on the ``|`` that are not inside a nested template or link."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    i = 0
    while i < len(body):
        pair = body[i : i + 2]
        if pair in ("{{", "[["):
            depth += 1
            current.append(pair)
            i += 2
            continue
        if pair in ("}}", "]]") and depth > 0:
            depth -= 1
            current.append(pair)
            i += 2
            continue
        if body[i] == "|" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(body[i])
        i += 1
    parts.append("".join(current))
    return parts
