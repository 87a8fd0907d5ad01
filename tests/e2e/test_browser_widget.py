"""The embeddable widget on another site, in a real browser: a second local origin.

Two small sites run on their own loopback ports (``tests/e2e/host_site.py``), each with the
one-line embed and a strict Content-Security-Policy (no inline script or style at all). A chat
server is started for this module that allows the first site's origin only
(``TRAVELBOT_ALLOWED_ORIGINS``): there the widget opens the chat and it answers, and that
site's own pages may call ``POST /chat``; the second site gets no chat frame and no CORS.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, ViewportSize, expect

from runtime.contract import ENV
from tests.e2e import axe
from tests.e2e.conftest import DESKTOP, Screenshot
from tests.e2e.host_site import HostSite
from tests.smoke.local_server import LocalServer

PHONE = ViewportSize(width=360, height=740)
TITLE = "Lisbon Travel Desk"
ACCENT = "#0f766e"
ACCENT_RGB = "rgb(15, 118, 110)"

pytestmark = pytest.mark.slow


@dataclass
class Sites:
    """The chat server and the two sites that embed it."""

    chat_url: str
    allowed: HostSite
    other: HostSite


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    """Both sites up first (their ports make their origins), then a chat server allowing one."""
    with HostSite() as allowed, HostSite() as other:
        extra = {ENV["allowed_origins"]: allowed.origin}
        with LocalServer(tmp_path_factory.mktemp("widget-server"), extra_env=extra) as server:
            for site in (allowed, other):
                site.embed(server.base_url, title=TITLE, accent=ACCENT)
            yield Sites(server.base_url, allowed, other)


@dataclass
class HostPage:
    """A site's page in its own browser context, with what its console reported."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@pytest.fixture
def visit(browser: Browser) -> Iterator[Any]:
    """Open a site's home page: ``visit(url, viewport=..., is_mobile=...)``."""
    contexts: list[BrowserContext] = []

    def open_site(url: str, **options: Any) -> HostPage:
        context = browser.new_context(viewport=options.pop("viewport", DESKTOP), **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        host = HostPage(context.new_page())

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                host.console_errors.append(message.text)

        host.page.on("console", on_console)
        host.page.on("pageerror", lambda error: host.page_errors.append(str(error)))
        host.page.goto(url)
        return host

    yield open_site
    for context in contexts:
        context.close()


def launcher(page: Page) -> Any:
    return page.get_by_role("button", name=f"Chat with {TITLE}")


def panel(page: Page) -> Any:
    return page.get_by_role("dialog", name=TITLE)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_on_an_allowed_site_the_launcher_opens_the_chat_and_it_answers(
    visit: Any, sites: Sites, size: str, screenshot: Screenshot
) -> None:
    # GIVEN the allowed site's page, under its strict CSP, with the one-line embed
    phone = {"viewport": PHONE, "is_mobile": True, "has_touch": True} if size == "phone" else {}
    host = visit(sites.allowed.origin + "/", **phone)
    page = host.page

    # THEN a launcher in the site's colour is there, closed, and no chat is loaded yet
    expect(launcher(page)).to_be_visible()
    expect(launcher(page)).to_have_attribute("aria-expanded", "false")
    expect(launcher(page)).to_have_css("background-color", ACCENT_RGB)
    expect(page.locator("iframe")).to_have_count(0)

    # WHEN the visitor opens it
    launcher(page).click()

    # THEN a panel titled for the site shows the chat page in a frame, in the site's colour,
    # with the message box focused
    expect(panel(page)).to_be_visible()
    frame = page.frame_locator("iframe")
    expect(frame.locator("#message")).to_be_focused()
    expect(frame.locator("#send")).to_have_css("background-color", ACCENT_RGB)
    expect(page.locator("iframe")).to_have_attribute("title", f"{TITLE} chat")

    # AND WHEN they type a question, the bot answers inside the frame
    page.keyboard.type("plan a 5 day trip to Lisbon with $1500")
    page.keyboard.press("Enter")
    expect(frame.locator("#transcript .msg.bot .text")).to_contain_text("5-day plan for Lisbon")
    if size == "phone":
        box = panel(page).bounding_box()
        assert box is not None and (box["width"], box["height"]) == (
            PHONE["width"],
            PHONE["height"],
        )
        expect(launcher(page)).to_be_hidden()
    screenshot(page, "open")

    # AND Escape in the chat closes the panel and gives the focus back to the launcher
    page.keyboard.press("Escape")
    expect(panel(page)).to_be_hidden()
    expect(launcher(page)).to_be_focused()
    expect(launcher(page)).to_have_attribute("aria-expanded", "false")

    # AND nothing broke the host's CSP: no violation, no error, on the site or in the widget
    assert host.console_errors == [] and host.page_errors == []


def test_on_a_site_not_on_the_list_there_is_no_chat_frame(
    visit: Any, sites: Sites, screenshot: Screenshot
) -> None:
    # GIVEN a site whose origin the deployment does not list, with the same embed
    host = visit(sites.other.origin + "/")
    page = host.page

    # WHEN the visitor opens the launcher
    launcher(page).click()

    # THEN the browser refuses to frame the chat (frame-ancestors), the widget removes the
    # empty frame and says so, offering the chat in a tab of its own instead
    expect(panel(page).get_by_role("alert")).to_contain_text(
        "The chat cannot be shown on this site."
    )
    expect(page.locator("iframe")).to_have_count(0)
    link = panel(page).get_by_role("link", name=f"Open {TITLE} in a new tab")
    expect(link).to_have_attribute("href", sites.chat_url + "/")
    assert not [f for f in page.frames if f.url.startswith(sites.chat_url)]
    assert any("frame-ancestors" in message for message in host.console_errors)
    screenshot(page, "refused")


FETCH_CHAT = """async (url) => {
    try {
        const res = await fetch(url, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ message: 'hello' }),
        });
        return { status: res.status, body: await res.json() };
    } catch (err) {
        return { error: err.name + ': ' + err.message };
    }
}"""


def test_an_allowed_site_may_call_the_api_from_its_own_page_and_another_may_not(
    visit: Any, sites: Sites
) -> None:
    # GIVEN a page of the allowed site and a page of the other site
    allowed = visit(sites.allowed.origin + "/")
    other = visit(sites.other.origin + "/")

    # WHEN each calls POST /chat with JSON from its own script (a preflighted request)
    granted = allowed.page.evaluate(FETCH_CHAT, sites.chat_url + "/chat")
    refused = other.page.evaluate(FETCH_CHAT, sites.chat_url + "/chat")

    # THEN the allowed site reads the reply; the other site's browser blocks the call
    assert granted["status"] == 200 and granted["body"]["reply"], granted
    assert refused == {"error": "TypeError: Failed to fetch"}
    assert any(re.search(r"CORS policy", m) for m in other.console_errors), other.console_errors


def test_the_embed_script_is_loaded_once_even_if_the_tag_is_repeated(
    visit: Any, sites: Sites, tmp_path: Path
) -> None:
    # GIVEN the allowed site's page WHEN the widget script is added a second time
    host = visit(sites.allowed.origin + "/")
    expect(launcher(host.page)).to_be_visible()
    host.page.add_script_tag(url=sites.chat_url + "/widget.js")
    # THEN there is still one launcher
    expect(host.page.locator("[data-travelbot-widget]")).to_have_count(1)


@pytest.mark.parametrize(
    "mode",
    [
        {},
        {"viewport": PHONE, "is_mobile": True, "has_touch": True},
        {"color_scheme": "dark"},
    ],
    ids=["desktop", "phone", "dark"],
)
def test_axe_finds_no_violation_in_the_widget_and_its_chat(
    visit: Any, sites: Sites, mode: dict[str, Any]
) -> None:
    # GIVEN the allowed site with the widget closed, then open with a conversation in its frame
    host = visit(sites.allowed.origin + "/", bypass_csp=True, **mode)
    page = host.page
    expect(launcher(page)).to_be_visible()
    closed = axe.violations(page)
    launcher(page).click()
    frame = page.frame_locator("iframe")
    expect(frame.locator("#message")).to_be_focused()
    page.keyboard.type("hello")
    page.keyboard.press("Enter")
    expect(frame.locator("#transcript .msg.bot")).to_have_count(1)
    opened = axe.violations(page)
    # AND a site whose origin is not allowed, showing its notice
    other = visit(sites.other.origin + "/", bypass_csp=True, **mode).page
    launcher(other).click()
    expect(panel(other).get_by_role("alert")).to_be_visible()
    refused = axe.violations(other)
    # WHEN axe checks each (the chat's frame included) THEN it finds nothing
    assert {"closed": closed, "open": opened, "refused": refused} == {
        "closed": [],
        "open": [],
        "refused": [],
    }
