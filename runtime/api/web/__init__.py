"""The web chat page served at ``GET /``, the Content-Security-Policy that lets it run, and the
embed script served at ``GET /widget.js``.

The page (``index.html`` next to this module) is one self-contained file with exactly one inline
``<script>`` and one inline ``<style>``. The policy allows those two by their SHA-256 hashes, never
by ``'unsafe-inline'``, so an injected script or style would not run even if one got in. The Lambda
handler and the local server both serve ``page()``, so the same bytes and policy ship everywhere.
Its ``frame-ancestors`` is ``'none'`` unless the deployment names the origins that may embed it.

``widget.js`` (next to this module too) is what another site's one ``<script src>`` tag loads: a
launcher bubble that opens this page in an iframe (see the file's own header).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections.abc import Sequence
from importlib import resources

from runtime.errors import ConfigError

__all__ = [
    "PAGE_FILE",
    "WIDGET_FILE",
    "content_security_policy",
    "csp_hash",
    "load_page",
    "page",
    "widget_script",
]

PAGE_FILE = "index.html"
WIDGET_FILE = "widget.js"


def _patterns(tag: str) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """Return a pattern for the element's opening tags and one capturing its text."""
    name = tag.encode("ascii")
    flags = re.IGNORECASE | re.DOTALL
    return (
        re.compile(rb"<" + name + rb"\b", flags),
        re.compile(rb"<" + name + rb"\b[^>]*>(.*?)</" + name + rb"\s*>", flags),
    )


def csp_hash(content: bytes) -> str:
    """Return the CSP source expression (``'sha256-<base64>'``) for an inline element's text.

    The hash covers the exact bytes between the opening and the closing tag, as browsers compute it.
    """
    digest = hashlib.sha256(content).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _only_content(html: bytes, tag: str) -> bytes:
    """Return the text of the page's single ``tag`` element; ConfigError unless exactly one."""
    opening, element = _patterns(tag)
    found = len(opening.findall(html))
    match = element.search(html)
    if found != 1 or match is None:
        raise ConfigError(
            f"runtime/api/web/{PAGE_FILE}: expected exactly one inline <{tag}> element, "
            f"found {found}"
        )
    return match.group(1)


def content_security_policy(html: bytes, frame_ancestors: Sequence[str] = ()) -> str:
    """Build the page's Content-Security-Policy header value from its inline script and style.

    ``frame_ancestors`` are the origins that may show the page in a frame (the embed widget on
    their sites); none by default, so no site can frame it.

    Raises:
        ConfigError: the page does not hold exactly one ``<script>`` and one ``<style>``.
    """
    script = _only_content(html, "script")
    style = _only_content(html, "style")
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {csp_hash(script)}",
            f"style-src {csp_hash(style)}",
            "connect-src 'self'",
            "img-src 'self' data:",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors " + (" ".join(frame_ancestors) or "'none'"),
        ]
    )


def load_page(html: bytes, frame_ancestors: Sequence[str] = ()) -> tuple[bytes, str]:
    """Return ``html`` with line breaks normalised to LF, and the policy for those exact bytes.

    Browsers turn CRLF and lone CR into LF before hashing inline code, so a checkout with Windows
    line endings would otherwise serve hashes that no longer match.

    Raises:
        ConfigError: the page does not hold exactly one ``<script>`` and one ``<style>``.
    """
    normalised = html.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return normalised, content_security_policy(normalised, frame_ancestors)


def _read(name: str) -> bytes:
    try:
        return resources.files(__name__).joinpath(name).read_bytes()
    except OSError as exc:
        raise ConfigError(f"runtime/api/web/{name} cannot be read: {exc}") from exc


@functools.cache
def page(frame_ancestors: tuple[str, ...] = ()) -> tuple[bytes, str]:
    """Return the shipped page's bytes and its Content-Security-Policy value (read once, cached).

    Raises:
        ConfigError: the page is missing or does not hold exactly one script and one style.
    """
    return load_page(_read(PAGE_FILE), frame_ancestors)


@functools.cache
def widget_script() -> tuple[bytes, str]:
    """Return the embed script's bytes and their strong ETag (read once, cached).

    Raises:
        ConfigError: the script is missing.
    """
    script = _read(WIDGET_FILE)
    return script, '"' + hashlib.sha256(script).hexdigest()[:32] + '"'
