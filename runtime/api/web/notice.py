"""A small HTML page that tells a person in a browser what happened, with a way back to the chat.

Used where a browser lands on an API address directly, such as a flight link (``GET /go/{id}``)
that has expired or was erased with its conversation: a person gets a sentence, not raw JSON.
The page runs no script and loads nothing; its one inline style is allowed by hash, as on the
chat page, and it follows the reader's light or dark colour scheme.
"""

from __future__ import annotations

import functools
import html

from runtime.api.web import csp_hash

__all__ = ["NOTICE_STYLE", "notice_page"]

NOTICE_STYLE = """
:root { color-scheme: light dark; --bg: #f4f6fa; --fg: #16181d; --muted: #4f5866; --card: #fff;
  --line: #d5dae3; --accent: #1d4ed8; --accent-fg: #fff; --focus: #1d4ed8; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0f1115; --fg: #e8eaee; --muted: #a7afbd; --card: #1a1d24; --line: #2e333d;
    --accent: #8ab4ff; --accent-fg: #0b1020; --focus: #8ab4ff; }
}
body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 1rem;
  box-sizing: border-box; background: var(--bg); color: var(--fg);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
main { max-width: 32rem; background: var(--card); border: 1px solid var(--line);
  border-radius: 1rem; padding: 1.5rem; }
h1 { font-size: 1.25rem; margin: 0 0 .5rem; }
p { margin: 0 0 1rem; color: var(--muted); }
a { display: inline-block; background: var(--accent); color: var(--accent-fg); font-weight: 600;
  text-decoration: none; border-radius: .625rem; padding: .625rem 1rem; }
a:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
"""


@functools.cache
def _policy() -> str:
    return "; ".join(
        [
            "default-src 'none'",
            f"style-src {csp_hash(NOTICE_STYLE.encode('utf-8'))}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def notice_page(*, title: str, message: str, link_text: str, link_href: str) -> tuple[str, str]:
    """Return the page (text is escaped here) and its Content-Security-Policy value."""
    page = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{html.escape(title)} · Travel Bot</title>\n"
        f"<style>{NOTICE_STYLE}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{html.escape(title)}</h1>\n<p>{html.escape(message)}</p>\n"
        f'<a href="{html.escape(link_href, quote=True)}">{html.escape(link_text)}</a>\n'
        "</main>\n</body>\n</html>\n"
    )
    return page, _policy()
