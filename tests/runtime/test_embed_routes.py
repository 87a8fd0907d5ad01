"""The routes a browser reaches directly: the page's framing policy, ``/widget.js`` and the
page a dead flight link shows (``/go/{id}``, negotiated on ``Accept``), through the real handler.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from runtime.api.http import prefers_html
from runtime.api.web import csp_hash, widget_script
from runtime.api.web.notice import NOTICE_STYLE, notice_page
from runtime.settings import Settings
from tests.conftest import load_event

Invoke = Callable[[dict[str, Any]], tuple[int, dict[str, str], Any]]
SHOP = "https://shop.example.com"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def with_headers(event: dict[str, Any], **headers: str) -> dict[str, Any]:
    """``event`` with these headers set in both of API Gateway's header maps."""
    for name, value in headers.items():
        name = name.replace("_", "-")
        event["headers"][name] = value
        event.setdefault("multiValueHeaders", {})[name] = [value]
    return event


def directives(policy: str) -> dict[str, str]:
    parts = (d.strip().partition(" ") for d in policy.split(";"))
    return {name: value for name, _, value in parts}


# --- The page's framing policy -------------------------------------------------------------------


def test_by_default_no_site_may_frame_the_page(
    invoke: Invoke, runtime_services: Callable[..., Any]
) -> None:
    # GIVEN a runtime with no allowed origin WHEN the page is served
    runtime_services()
    status, headers, _ = invoke(load_event("chat_page"))
    # THEN both the CSP and the legacy header forbid every frame
    assert status == 200
    assert directives(headers["Content-Security-Policy"])["frame-ancestors"] == "'none'"
    assert headers["X-Frame-Options"] == "DENY"


def test_allowed_origins_and_only_they_may_frame_the_page(
    invoke: Invoke, runtime_services: Callable[..., Any]
) -> None:
    # GIVEN a runtime that allows two sites WHEN the page is served
    runtime_services(settings=Settings(allowed_origins=(SHOP, "http://127.0.0.1:8000")))
    _, headers, _ = invoke(load_event("chat_page"))
    # THEN frame-ancestors names exactly those two (no 'self', no wildcard), the rest of the
    # policy is unchanged, and X-Frame-Options (which cannot name them) is left out
    policy = directives(headers["Content-Security-Policy"])
    assert policy["frame-ancestors"] == f"{SHOP} http://127.0.0.1:8000"
    assert policy["default-src"] == "'none'" and policy["script-src"].startswith("'sha256-")
    assert "X-Frame-Options" not in headers


# --- /widget.js ----------------------------------------------------------------------------------


def test_the_widget_script_is_served_as_cacheable_javascript(
    invoke: Invoke, runtime_services: Callable[..., Any]
) -> None:
    # GIVEN the runtime WHEN a site's page loads /widget.js
    runtime_services()
    status, headers, body = invoke(load_event("health", path="/widget.js"))
    # THEN it is the shipped script, as JavaScript, cacheable for an hour with an ETag
    script, etag = widget_script()
    assert status == 200 and body == script.decode("utf-8")
    assert headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert headers["Cache-Control"] == "public, max-age=3600"
    assert headers["ETag"] == etag and re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_a_current_copy_of_the_widget_script_is_not_sent_again(
    invoke: Invoke, runtime_services: Callable[..., Any]
) -> None:
    # GIVEN a browser holding the current script WHEN it revalidates with If-None-Match
    runtime_services()
    _, etag = widget_script()
    event = with_headers(load_event("health", path="/widget.js"), If_None_Match=f"W/{etag}")
    status, headers, body = invoke(event)
    # THEN the answer is 304 with no body
    assert status == 304 and body == ""
    assert headers["ETag"] == etag


def test_the_widget_script_has_no_inline_style_or_html_parsing() -> None:
    # GIVEN the shipped script WHEN it is searched for what a host's strict CSP would block
    text = widget_script()[0].decode("utf-8")
    # THEN it never writes a style attribute or element, parses HTML, or evaluates strings
    forbidden = (
        "setAttribute('style'",
        "createElement('style')",
        "cssText",
        "innerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "Function(",
        "srcdoc",
    )
    assert [f for f in forbidden if f in text] == []
    assert "document.currentScript" in text


# --- A dead flight link --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status", "title"),
    [
        ("/go/abcdefgh12", 404, "This flight link has expired"),
        ("/go/bad!", 400, "This link is not complete"),
    ],
    ids=["unknown or erased", "malformed"],
)
def test_a_browser_opening_a_dead_link_gets_a_page_that_says_what_happened(
    invoke: Invoke, runtime_services: Callable[..., Any], path: str, status: int, title: str
) -> None:
    # GIVEN a link the store does not know (expired, erased, or never issued)
    runtime_services()
    event = with_headers(load_event("go_link", path=path), Accept=BROWSER_ACCEPT)
    # WHEN a browser opens it
    got, headers, body = invoke(event)
    # THEN it gets a small HTML page with the same status, a sentence and a way back to the chat
    assert got == status
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert f"<h1>{title}</h1>" in body
    assert '<a href="../">Open Travel Bot</a>' in body
    assert headers["Vary"] == "Accept" and headers["Cache-Control"] == "no-store"
    policy = directives(headers["Content-Security-Policy"])
    assert policy == {
        "default-src": "'none'",
        "style-src": csp_hash(NOTICE_STYLE.encode("utf-8")),
        "base-uri": "'none'",
        "form-action": "'none'",
        "frame-ancestors": "'none'",
    }
    assert "<script" not in body


@pytest.mark.parametrize("accept", ["application/json", "*/*", ""], ids=["json", "any", "none"])
def test_an_api_client_still_gets_the_json_error_for_a_dead_link(
    invoke: Invoke, runtime_services: Callable[..., Any], accept: str
) -> None:
    # GIVEN an unknown link WHEN an API client (JSON, anything, or no Accept) follows it
    runtime_services()
    event = with_headers(load_event("go_link"), Accept=accept)
    status, headers, body = invoke(event)
    # THEN the contract's JSON error comes back, varying on Accept
    assert status == 404
    assert body == {
        "error": {"code": "not_found", "message": "this link is unknown or has expired"}
    }
    assert headers["Vary"] == "Accept"


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (BROWSER_ACCEPT, True),
        ("text/html", True),
        ("text/*;q=0.5, application/json;q=0.4", True),
        ("application/json, text/html;q=0.9", False),
        ("text/html;q=0", False),
        ("text/html;q=nonsense", False),
        ("*/*", False),
        ("", False),
    ],
)
def test_html_is_chosen_only_when_accept_ranks_it_above_json(accept: str, html: bool) -> None:
    # GIVEN an Accept header WHEN it is negotiated THEN HTML wins only when ranked higher
    assert prefers_html(accept) is html


def test_the_notice_escapes_what_it_shows() -> None:
    # GIVEN text with markup WHEN a notice page is rendered THEN it shows as text
    page, _ = notice_page(title="<b>x</b>", message="a & b", link_text="<i>go</i>", link_href='"x')
    assert "<b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page and "a &amp; b" in page
    assert 'href="&quot;x"' in page
