"""axe-core finds no violation on the chat page in any of its states: desktop, phone, dark mode.

Each test walks the page through the states a visitor meets (first visit, a conversation with
cards, quick replies, a failed message and the debug line, a message over the limit, the More
menu with an earlier chat, the Forget-me dialog, the page of a dead flight link; and, from a
server with open data, its own plan, flight and weather cards with their quick replies, also as
loaded back after a reload) and runs axe (every default rule, best practices included) in each.
axe is injected, hence ``bypass_csp``.
The widget on a host site is checked in ``test_browser_widget.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Route, ViewportSize, expect

from tests.e2e import axe
from tests.e2e.browser_page import ChatPage
from tests.e2e.conftest import Screenshot
from tests.support.rich_replies import FLIGHT, PLAN, WEATHER

OpenChat = Callable[..., ChatPage]
PHONE = ViewportSize(width=360, height=740)
MODES: dict[str, dict[str, Any]] = {
    "desktop": {},
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
    "dark": {"color_scheme": "dark"},
    "dark-phone": {"color_scheme": "dark", "viewport": PHONE, "is_mobile": True, "has_touch": True},
}

pytestmark = pytest.mark.slow


def script_answers(chat: ChatPage) -> None:
    """Answer /chat with a plan, a flight, a forecast, then fail on the network."""
    answers = [PLAN, FLIGHT, WEATHER]

    def handle(route: Route) -> None:
        if not answers:
            route.abort("connectionrefused")
            return
        body = answers.pop(0)
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    chat.page.route(re.compile(r".*/chat$"), handle)


@pytest.mark.parametrize("mode", list(MODES))
def test_axe_finds_no_violation_in_any_state_of_the_page(
    open_chat: OpenChat, mode: str, screenshot: Screenshot
) -> None:
    found: dict[str, list[dict[str, Any]]] = {}

    # GIVEN a first visit
    chat = open_chat(bypass_csp=True, query="?debug=1", **MODES[mode])
    found["first visit"] = axe.violations(chat.page)

    # WHEN a conversation brings cards, quick replies and a message that could not be sent
    chat.say("hello")
    chat.page.locator("#new-chat").click()
    script_answers(chat)
    for text in ("plan a trip to Lisbon", "find flights", "weather in Paris", "thanks"):
        chat.send(text)
    expect(chat.failed_notes).to_have_count(1)
    found["conversation"] = axe.violations(chat.page)
    screenshot(chat.page, "conversation")

    # AND a message over the limit is typed
    chat.input.fill("x" * 1001)
    expect(chat.page.locator("#too-long")).to_be_visible()
    found["too long"] = axe.violations(chat.page)
    chat.input.fill("")

    # AND the More menu (with an earlier chat) and then the Forget-me dialog are open
    chat.open_more()
    expect(chat.page.locator("#earlier button")).to_have_count(1)
    found["more menu"] = axe.violations(chat.page)
    chat.page.locator("#forget").click()
    expect(chat.page.locator("#confirm-forget")).to_be_visible()
    found["forget dialog"] = axe.violations(chat.page)
    screenshot(chat.page, "forget-dialog")
    chat.page.keyboard.press("Escape")

    # AND a dead flight link is opened
    chat.page.goto(chat.base_url + "/go/ExpiredLink42")
    found["dead link page"] = axe.violations(chat.page)

    # THEN axe reports nothing in any of them
    assert {state: v for state, v in found.items() if v} == {}


@pytest.mark.parametrize("mode", list(MODES))
def test_axe_finds_no_violation_with_the_servers_own_cards_and_quick_replies(
    open_sourced_chat: OpenChat, mode: str, screenshot: Screenshot
) -> None:
    found: dict[str, list[dict[str, Any]]] = {}
    # GIVEN the page on a server with open data, which answers with its own cards and buttons
    chat = open_sourced_chat(bypass_csp=True, **MODES[mode])
    group = chat.page.get_by_role("group", name="Suggested replies")

    # WHEN a plan arrives with its Yes/No, then Yes leads to a date question with its days
    chat.send("plan 4 days in Lisbon with $1500")
    expect(chat.page.locator("#transcript .card.plan")).to_be_visible()
    found["plan with yes and no"] = axe.violations(chat.page)
    chat.submit_and_wait(lambda: group.get_by_role("button", name="Yes, find flights").click())
    chat.send("London")
    expect(chat.quick_replies).to_have_count(3)
    found["date question with days"] = axe.violations(chat.page)

    # AND the flight search and a forecast arrive as cards
    chat.submit_and_wait(lambda: group.get_by_role("button", name="Tomorrow").click())
    chat.send("what's the weather in Lisbon tomorrow?")
    cards = chat.page.locator("#transcript .card.flight, #transcript .card.weather")
    expect(cards).to_have_count(2)
    found["flight and weather cards"] = axe.violations(chat.page)

    # AND the conversation is loaded back after a reload, after a misunderstanding's buttons
    chat.send("qwerty zxcv")
    chat.reload()
    expect(chat.page.locator("#transcript .card")).to_have_count(3)
    expect(chat.quick_replies).to_have_count(3)
    found["restored after a reload"] = axe.violations(chat.page)
    chat.settle()
    screenshot(chat.page, "restored")

    # THEN axe reports nothing in any of them
    assert {state: v for state, v in found.items() if v} == {}


def test_the_check_would_catch_a_real_violation(open_chat: OpenChat) -> None:
    # GIVEN the page with a deliberately broken control: a button with no accessible name
    chat = open_chat(bypass_csp=True)
    chat.page.evaluate(
        "() => document.querySelector('main').append(document.createElement('button'))"
    )
    # WHEN axe runs THEN it reports exactly that rule, so a clean run above means something
    assert [v["id"] for v in axe.violations(chat.page)] == ["button-name"]
