"""The web chat page in a real browser (Debian's chromium driven by Playwright).

Each test types into the page the way a person would, against the real local server; a few
replace the server's answer (``page.route``) with a contract-shaped one to show how the page
treats hostile replies, rate limiting and network failures. Every test saves a screenshot under
``test-artifacts/browser/``. What issue 15 added (debug line, counter, retry, New chat, the
More menu, cards, quick replies) is in ``test_browser_page_features.py``, the widget in
``test_browser_widget.py``, axe-core in ``test_browser_accessibility.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Route, ViewportSize, expect

from tests.e2e.browser_page import ChatPage
from tests.support.rich_replies import contract_body

OpenChat = Callable[..., ChatPage]
PHONE = ViewportSize(width=360, height=740)
XSS_IMG = '<img src=x onerror="window.__xss = 1; alert(1)">'
XSS_SCRIPT = "<script>window.__xss = 2; alert(2)</script>"

pytestmark = pytest.mark.slow


def answer_chat_with(chat: ChatPage, status: int, body: Any, headers: dict[str, str]) -> None:
    """Answer every ``POST /chat`` of this page with ``status`` and ``body``, not the server."""

    def handle(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        route.fulfill(
            status=status,
            content_type="application/json",
            headers=headers,
            body=json.dumps(body),
        )

    chat.page.route(re.compile(r".*/chat$"), handle)


def test_a_typed_conversation_plans_a_trip_turn_by_turn(open_chat: OpenChat) -> None:
    # GIVEN the chat page of a new visitor
    chat = open_chat()

    # WHEN they plan a trip one detail at a time
    asked_where = chat.say("plan a trip")
    asked_how_long = chat.say("Lisbon")
    asked_budget = chat.say("5 days")
    plan = chat.say("$1500")

    # THEN the bot asks for each missing detail and then shows the plan
    assert "where" in asked_where.lower()
    assert "how long" in asked_how_long.lower() and "Lisbon" in asked_how_long
    assert "budget" in asked_budget.lower()
    assert "5-day plan for Lisbon" in plan and "$1,500" in plan
    expect(chat.user_texts).to_have_text(["plan a trip", "Lisbon", "5 days", "$1500"])
    expect(chat.page.locator("#intro")).to_be_hidden()
    assert chat.page_errors == [] and chat.console_errors == []


def test_the_bot_is_shown_typing_until_its_reply_arrives(open_chat: OpenChat) -> None:
    # GIVEN a page whose chat requests are held back for a moment
    chat = open_chat()
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    chat.page.route(re.compile(r".*/chat$"), hold)

    # WHEN a message is sent
    chat.input.fill("hello")
    chat.input.press("Enter")

    # THEN the typing indicator shows, Send is disabled and the log is marked busy
    expect(chat.typing).to_be_visible()
    expect(chat.send_button).to_be_disabled()
    expect(chat.transcript).to_have_attribute("aria-busy", "true")
    expect(chat.user_texts).to_have_text(["hello"])
    while not held:
        chat.page.wait_for_timeout(50)

    # AND WHEN the answer comes through, the reply lands in the polite live region
    held[0].continue_()
    expect(chat.bot_texts).to_have_count(1)
    expect(chat.typing).to_be_hidden()
    expect(chat.send_button).to_be_enabled()
    expect(chat.transcript).to_have_attribute("aria-live", "polite")
    expect(chat.transcript).to_have_attribute("aria-busy", "false")


@pytest.mark.parametrize("payload", [XSS_IMG, XSS_SCRIPT], ids=["img-onerror", "script"])
def test_typed_markup_is_shown_as_text_and_never_runs(open_chat: OpenChat, payload: str) -> None:
    # GIVEN a page with its CSP switched off, so only the page's own rendering stands in the way
    chat = open_chat(bypass_csp=True)

    # WHEN a visitor sends markup that would run if it were parsed as HTML
    chat.send(payload)
    chat.reload()

    # THEN it shows as the literal text (also when restored from the server), and nothing ran
    expect(chat.user_texts).to_have_text([payload])
    expect(chat.page.locator("#transcript img, #transcript script")).to_have_count(0)
    assert chat.page.evaluate("() => window.__xss === undefined")
    assert chat.dialogs == []


def test_markup_and_links_in_a_bot_reply_are_shown_safely(open_chat: OpenChat) -> None:
    # GIVEN a server that answers with markup, a javascript: URL and two real links
    chat = open_chat(bypass_csp=True)
    reply = (
        f"{XSS_IMG} javascript:alert(3) Book at https://flights.example.com/search?from=LIS "
        "or see (/go/abc123XYZ)."
    )
    answer_chat_with(chat, 200, contract_body(reply), {})

    # WHEN the reply is shown
    shown = chat.say("find flights to Lisbon")

    # THEN the markup is text, only the http(s) and click-through links are links, opened safely
    assert shown == reply
    links = chat.page.locator("#transcript .msg.bot a")
    expect(links).to_have_count(2)
    hrefs = [links.nth(i).get_attribute("href") for i in range(2)]
    assert hrefs[0] == "https://flights.example.com/search?from=LIS"
    assert hrefs[1] == chat.base_url + "/go/abc123XYZ"
    for i in range(2):
        expect(links.nth(i)).to_have_attribute("rel", "noopener noreferrer")
    expect(chat.page.locator("#transcript img")).to_have_count(0)
    assert chat.page.evaluate("() => window.__xss === undefined") and chat.dialogs == []


def test_the_page_runs_under_its_csp_and_refuses_injected_script(open_chat: OpenChat) -> None:
    # GIVEN the page under its own Content-Security-Policy
    chat = open_chat()

    # WHEN a script element is injected into the document
    ran = chat.page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.__injected = true';
            document.body.append(script);
            return window.__injected === true;
        }"""
    )

    # THEN the browser refused it, reporting one violation
    assert ran is False
    assert len(chat.console_errors) == 1, chat.console_errors
    assert "Content Security Policy" in chat.console_errors[0]

    # AND the page's own script and style work through a whole turn with no other violation
    assert chat.say("hi").strip()
    assert len(chat.console_errors) == 1, chat.console_errors


def test_forget_me_erases_the_conversation_here_and_on_the_server(open_chat: OpenChat) -> None:
    # GIVEN a conversation stored on the server
    chat = open_chat()
    chat.say("plan a trip")
    chat.say("Lisbon")
    session_id = chat.stored_session_id()
    assert session_id is not None and chat.export_status(session_id) == 200

    # WHEN the visitor chooses "Forget me" and confirms
    chat.forget_me(confirm=True)

    # THEN the page is emptied and forgets the id, and the server has nothing left
    expect(chat.statuses).to_have_text(["Your chats were erased."])
    expect(chat.page.locator("#transcript .msg.user, #transcript .msg.bot")).to_have_count(0)
    expect(chat.page.locator("#intro")).to_be_visible()
    assert chat.stored_session_id() is None
    assert chat.export_status(session_id) == 404

    # AND a new message starts a new session
    chat.say("hello")
    new_id = chat.stored_session_id()
    assert new_id is not None and new_id != session_id


def test_a_reload_brings_the_conversation_back_and_it_continues(open_chat: OpenChat) -> None:
    # GIVEN a conversation halfway through planning a trip
    chat = open_chat()
    first_reply = chat.say("plan a trip")
    second_reply = chat.say("Lisbon")
    session_id = chat.stored_session_id()

    # WHEN the page is reloaded
    chat.reload()

    # THEN the same turns are back, from the server's export, under the same session
    expect(chat.user_texts).to_have_text(["plan a trip", "Lisbon"])
    expect(chat.bot_texts).to_have_text([first_reply, second_reply])
    assert chat.stored_session_id() == session_id

    # AND the dialogue carries on where it stopped
    assert "budget" in chat.say("5 days").lower()
    assert chat.stored_session_id() == session_id


def test_the_page_works_on_a_phone_sized_screen(open_chat: OpenChat) -> None:
    # GIVEN the page on a 360x740 touch screen
    chat = open_chat(viewport=PHONE, is_mobile=True, has_touch=True)

    # WHEN the visitor taps a suggestion
    chat.page.locator(".chip", has_text="Plan a 5 day trip to Lisbon").tap()

    # THEN the plan arrives, nothing scrolls sideways, and the composer stays on screen
    expect(chat.bot_texts).to_have_count(1)
    expect(chat.bot_texts.first).to_contain_text("5-day plan for Lisbon")
    overflow = chat.page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    for locator in (chat.input, chat.send_button, chat.bot_texts.first):
        box = locator.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    send_box = chat.send_button.bounding_box()
    assert send_box is not None and send_box["y"] + send_box["height"] <= PHONE["height"]
    assert send_box["height"] >= 40, "the Send button is too small to tap"

    # AND typing and tapping Send works too
    chat.input.fill("what's the weather there?")
    chat.send_button.tap()
    expect(chat.bot_texts).to_have_count(2)


def test_the_chat_works_with_the_keyboard_alone(open_chat: OpenChat) -> None:
    # GIVEN the page just loaded
    chat = open_chat()
    keyboard = chat.page.keyboard

    # THEN the message box already has the focus
    assert chat.active_element_id() == "message"

    # WHEN the visitor types, with Shift+Enter for a new line, and presses Enter
    keyboard.type("plan a trip")
    keyboard.press("Shift+Enter")
    keyboard.type("to Lisbon")
    expect(chat.input).to_have_value("plan a trip\nto Lisbon")
    keyboard.press("Enter")

    # THEN the two lines go as one message and focus stays in the box
    expect(chat.bot_texts).to_have_count(1)
    expect(chat.user_texts).to_have_text(["plan a trip\nto Lisbon"])
    assert chat.active_element_id() == "message"
    keyboard.type("5 days")
    keyboard.press("Enter")
    expect(chat.bot_texts).to_have_count(2)

    # AND from the top of the page (a click on the title), Tab reaches "New chat" first and
    # never "Forget me", which waits inside the closed More menu
    chat.page.locator("h1").click()
    keyboard.press("Tab")
    assert chat.active_element_id() == "new-chat"
    assert chat.page.evaluate("() => document.activeElement.matches(':focus-visible')")
    visited = []
    for _ in range(12):
        keyboard.press("Tab")
        visited.append(chat.active_element_id())
        if visited[-1] == "message":
            break
    assert visited[-1] == "message" and "forget" not in visited, visited


def test_a_rate_limited_answer_says_how_long_to_wait(open_chat: OpenChat) -> None:
    # GIVEN a server that answers 429 with Retry-After: 7 (and a developer's message)
    chat = open_chat()
    error = {"error": {"code": "rate_limited", "message": "too many requests; retry after 7 s"}}
    answer_chat_with(chat, 429, error, {"Retry-After": "7"})

    # WHEN a message is sent
    chat.send("plan a trip")

    # THEN the visitor is told, in plain words, to wait 7 seconds; the message is marked
    # "Not sent" with a retry, and the box is free for something else
    expect(chat.statuses).to_have_count(1)
    expect(chat.statuses.first).to_have_text(
        "You are sending messages too quickly. Please wait 7 seconds and try again."
    )
    expect(chat.failed_notes).to_have_count(1)
    expect(chat.failed_notes.first).to_contain_text("Not sent")
    expect(chat.input).to_have_value("")
    expect(chat.send_button).to_be_enabled()


def test_a_network_failure_marks_the_message_and_retry_sends_it(open_chat: OpenChat) -> None:
    # GIVEN a connection that fails
    chat = open_chat()
    chat.page.route(re.compile(r".*/chat$"), lambda route: route.abort("connectionrefused"))

    # WHEN a message is sent
    chat.send("hello")

    # THEN the visitor learns the bot could not be reached, and the message waits for a retry
    expect(chat.statuses.first).to_contain_text("Could not reach Travel Bot")
    expect(chat.failed_notes).to_have_count(1)

    # AND WHEN the connection is back and they press Retry, it is sent and answered once
    chat.page.unroute(re.compile(r".*/chat$"))
    chat.failed_notes.get_by_role("button", name="Retry").click()
    expect(chat.bot_texts).to_have_count(1)
    expect(chat.failed_notes).to_have_count(0)
    expect(chat.statuses).to_have_count(0)
    expect(chat.user_texts).to_have_text(["hello"])
