"""The chat page's issue-15 behaviour in a real browser, at desktop and phone sizes.

The debug line, the composer's live counter, friendly errors, the "not sent — retry" mark
(across a reload), New chat, the More menu with Forget me behind a confirmation, focus on
load, the page a dead flight link shows, and the rendering of quick replies and cards. Cards
and quick replies are fed through ``page.route`` with the bodies in
``tests/support/rich_replies.py``, which the schema check in ``runtime/rich_reply.py`` accepts,
so the server can be wired to send exactly these.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Route, ViewportSize, expect

from tests.e2e.browser_page import ChatPage
from tests.e2e.conftest import Screenshot
from tests.support.rich_replies import (
    FLIGHT,
    FLIGHT_URL_PATH,
    MONTH_WEATHER,
    PLAN,
    SLOT_QUESTION,
    UNKNOWN_CARD,
    WEATHER,
)

OpenChat = Callable[..., ChatPage]
PHONE = ViewportSize(width=360, height=740)
SIZES: dict[str, dict[str, Any]] = {
    "desktop": {},
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
}
CHAT = re.compile(r".*/chat$")

pytestmark = pytest.mark.slow


def answer_in_turn(chat: ChatPage, *bodies: dict[str, Any]) -> list[dict[str, Any]]:
    """Answer the page's next ``POST /chat`` requests with ``bodies`` in order (the last one
    repeats); returns the request bodies the page sent, as they arrive."""
    sent: list[dict[str, Any]] = []

    def handle(route: Route) -> None:
        sent.append(json.loads(route.request.post_data or "{}"))
        body = bodies[min(len(sent), len(bodies)) - 1]
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    chat.page.route(CHAT, handle)
    return sent


def no_sideways_scroll(chat: ChatPage) -> None:
    overflow = chat.page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


# --- 1. The debug line ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", list(SIZES))
def test_the_debug_line_is_absent_unless_debug_mode_is_asked_for(
    open_chat: OpenChat, size: str
) -> None:
    # GIVEN the page as a visitor opens it
    chat = open_chat(**SIZES[size])
    # WHEN the bot answers
    chat.say("hello")
    # THEN no intent or provider line exists at all, so no screen reader can read it
    expect(chat.page.locator("#transcript .meta")).to_have_count(0)
    assert "embedded" not in chat.transcript.inner_text()

    # AND WHEN the page is opened with ?debug=1, the line is shown under each bot message
    debug = open_chat(query="?debug=1", **SIZES[size])
    debug.say("hello")
    expect(debug.page.locator("#transcript .meta")).to_have_count(1)
    expect(debug.page.locator("#transcript .meta")).to_contain_text("via embedded")


# --- 4. The composer, friendly errors, retry -----------------------------------------------------


@pytest.mark.parametrize("size", list(SIZES))
def test_the_counter_counts_characters_as_the_server_does(open_chat: OpenChat, size: str) -> None:
    # GIVEN the page
    chat = open_chat(**SIZES[size])

    # WHEN 1,001 emoji are pasted (2,002 UTF-16 units; the old box cut them at 500)
    chat.input.fill("😀" * 1001)

    # THEN nothing is cut, the counter says 1,001 / 1,000, and the box explains and refuses
    assert chat.input.evaluate("(box) => box.value.length") == 2002
    expect(chat.counter).to_have_text("1,001 / 1,000")
    expect(chat.input).to_have_attribute("aria-invalid", "true")
    expect(chat.page.locator("#too-long")).to_have_text(
        "Your message is 1 character over the limit of 1,000. Please shorten it."
    )
    chat.input.press("Enter")
    expect(chat.user_texts).to_have_count(0)

    # AND WHEN one emoji is removed, the 1,000 characters are sent and the server accepts them
    chat.input.press("End")
    chat.input.press("Backspace")
    expect(chat.counter).to_have_text("1,000 / 1,000")
    expect(chat.page.locator("#too-long")).to_be_hidden()
    chat.submit_and_wait(lambda: chat.input.press("Enter"))
    expect(chat.bot_texts).to_have_count(1)
    expect(chat.failed_notes).to_have_count(0)
    expect(chat.counter).to_have_text("0 / 1,000")


def test_a_developers_error_message_is_never_shown_to_the_visitor(open_chat: OpenChat) -> None:
    # GIVEN a server that refuses the message with a developer's explanation
    chat = open_chat()
    developer = "'message' contains a control character (U+0007)"
    error = {"error": {"code": "invalid_request", "message": developer}}
    chat.page.route(
        CHAT,
        lambda route: route.fulfill(
            status=400, content_type="application/json", body=json.dumps(error)
        ),
    )
    # WHEN a message is sent
    chat.send("hello")
    # THEN the visitor reads plain words, and the message is marked for a retry
    expect(chat.statuses).to_have_text(
        ["Travel Bot could not accept that message. Please rephrase it and try again."]
    )
    assert developer not in chat.transcript.inner_text()
    expect(chat.failed_notes).to_have_count(1)


@pytest.mark.parametrize("size", list(SIZES))
def test_a_message_that_was_not_sent_survives_a_reload_and_its_retry_works(
    open_chat: OpenChat, size: str
) -> None:
    # GIVEN a conversation, and then a message that fails on the network
    chat = open_chat(**SIZES[size])
    chat.say("plan a trip")
    chat.page.route(CHAT, lambda route: route.abort("connectionrefused"))
    chat.send("Lisbon")
    expect(chat.failed_notes).to_have_count(1)

    # WHEN the page is reloaded (the connection is back)
    chat.page.unroute(CHAT)
    chat.reload()

    # THEN the stored turn is back and the failed message is still there, marked "Not sent"
    expect(chat.user_texts).to_have_text(["plan a trip", "Lisbon"])
    expect(chat.failed_notes).to_have_count(1)
    expect(chat.failed_notes.first).to_contain_text("Not sent")

    # AND WHEN Retry is pressed, it is answered in the same conversation, and stays answered
    chat.failed_notes.get_by_role("button", name="Retry").click()
    expect(chat.bot_texts).to_have_count(2)
    expect(chat.bot_texts.last).to_contain_text("Lisbon")
    expect(chat.failed_notes).to_have_count(0)
    chat.reload()
    expect(chat.user_texts).to_have_text(["plan a trip", "Lisbon"])
    expect(chat.failed_notes).to_have_count(0)


# --- 5. New chat, Forget me ----------------------------------------------------------------------


@pytest.mark.parametrize("size", list(SIZES))
def test_new_chat_starts_afresh_and_the_old_chat_can_still_be_downloaded(
    open_chat: OpenChat, size: str, tmp_path: Path
) -> None:
    # GIVEN a conversation stored on the server
    chat = open_chat(**SIZES[size])
    chat.say("plan a trip")
    chat.say("Lisbon")
    old_id = chat.stored_session_id()
    assert old_id is not None

    # WHEN the visitor presses "New chat" and says something
    chat.page.locator("#new-chat").click()
    expect(chat.page.locator("#intro")).to_be_visible()
    expect(chat.user_texts).to_have_count(0)
    assert chat.stored_session_id() is None
    assert chat.active_element_id() == "message"
    chat.say("hello")

    # THEN a new session is used, the old one is still on the server
    new_id = chat.stored_session_id()
    assert new_id is not None and new_id != old_id
    assert chat.export_status(old_id) == 200

    # AND the More menu offers the old chat as a download holding its two turns
    chat.open_more()
    with chat.page.expect_download() as download:
        chat.page.locator("#earlier button").first.click()
    saved = tmp_path / "old.json"
    download.value.save_as(saved)
    exported = json.loads(saved.read_text())
    assert exported["sessionId"] == old_id
    assert [turn["message"] for turn in exported["turns"]] == ["plan a trip", "Lisbon"]


@pytest.mark.parametrize("size", list(SIZES))
def test_forget_me_asks_first_and_then_erases_every_chat_of_this_browser(
    open_chat: OpenChat, size: str
) -> None:
    # GIVEN two chats of this browser: an earlier one and the current one
    chat = open_chat(**SIZES[size])
    chat.say("plan a trip")
    earlier = chat.stored_session_id()
    chat.page.locator("#new-chat").click()
    chat.say("hello")
    current = chat.stored_session_id()
    assert earlier and current and earlier != current

    # WHEN the visitor chooses Forget me but cancels
    chat.forget_me(confirm=False)

    # THEN nothing is erased and focus is back on the More button
    expect(chat.user_texts).to_have_text(["hello"])
    assert chat.export_status(earlier) == 200 and chat.export_status(current) == 200
    assert chat.active_element_id() == "more-button"

    # AND WHEN they confirm, both chats are erased on the server and in the browser
    chat.forget_me(confirm=True)
    expect(chat.statuses).to_have_text(["Your chats were erased."])
    assert chat.export_status(earlier) == 404 and chat.export_status(current) == 404
    assert chat.stored_session_id() is None
    chat.open_more()
    expect(chat.page.locator("#earlier-chats")).to_be_hidden()


def test_the_more_menu_closes_with_escape_and_gives_focus_back(open_chat: OpenChat) -> None:
    # GIVEN the More menu opened with the keyboard
    chat = open_chat()
    chat.page.locator("#more-button").focus()
    chat.page.keyboard.press("Enter")
    expect(chat.page.locator("#more")).to_be_visible()
    expect(chat.page.locator("#more-button")).to_have_attribute("aria-expanded", "true")
    # WHEN Escape is pressed THEN it closes and focus returns to its button
    chat.page.keyboard.press("Escape")
    expect(chat.page.locator("#more")).to_be_hidden()
    expect(chat.page.locator("#more-button")).to_have_attribute("aria-expanded", "false")
    assert chat.active_element_id() == "more-button"


# --- 6. Focus on load, the dead-link page --------------------------------------------------------


@pytest.mark.parametrize("size", list(SIZES))
def test_the_message_box_has_the_focus_when_the_page_opens(open_chat: OpenChat, size: str) -> None:
    # GIVEN a returning visitor's page (a stored conversation) WHEN it opens
    chat = open_chat(**SIZES[size])
    chat.say("hello")
    chat.reload()
    # THEN they can type at once
    assert chat.active_element_id() == "message"
    chat.page.keyboard.type("plan a trip")
    expect(chat.input).to_have_value("plan a trip")


@pytest.mark.parametrize("size", list(SIZES))
def test_a_dead_flight_link_shows_a_page_that_says_what_happened(
    open_chat: OpenChat, size: str, screenshot: Screenshot
) -> None:
    # GIVEN a flight link that has expired or was erased with its conversation
    chat = open_chat(**SIZES[size])
    # WHEN the visitor opens it in the browser
    response = chat.page.goto(chat.base_url + "/go/ExpiredLink42")
    # THEN they read what happened (no JSON), and the button takes them back to the chat
    assert response is not None and response.status == 404
    expect(chat.page.get_by_role("heading", level=1)).to_have_text("This flight link has expired")
    expect(chat.page.locator("body")).not_to_contain_text('"error"')
    no_sideways_scroll(chat)
    screenshot(chat.page, "notice")
    chat.page.get_by_role("link", name="Open Travel Bot").click()
    expect(chat.send_button).to_be_enabled()
    assert chat.active_element_id() == "message"


# --- 2 and 3, the page's side: cards and quick replies -------------------------------------------


@pytest.mark.parametrize("size", list(SIZES))
def test_a_plan_is_a_day_list_with_the_budget_split_and_yes_no_buttons(
    open_chat: OpenChat, size: str, screenshot: Screenshot
) -> None:
    # GIVEN a server that answers with a plan card and two quick replies
    chat = open_chat(locale="en-GB", **SIZES[size])
    sent = answer_in_turn(chat, PLAN, SLOT_QUESTION)

    # WHEN the plan arrives
    chat.say("plan a 6 day trip to Lisbon with $1500")

    # THEN the days are a list (a stretch of days as one line), the budget is split per day,
    # and the day lines are not repeated in the text above the card
    card = chat.page.locator("#transcript .card.plan")
    expect(card.locator(".title")).to_have_text("6 days in Lisbon")
    expect(card.locator(".days li")).to_have_count(5)
    expect(card.locator(".days li").nth(3)).to_have_text(
        "Days 4–5 free days or a trip to somewhere nearby"
    )
    expect(card).to_contain_text("Budget US$1,500, about US$250 a day")
    expect(card.locator(".split li")).to_have_count(4)
    expect(card.locator(".split li").first).to_contain_text("Stay")
    expect(card.locator(".split li").first).to_contain_text("US$100 a day")
    expect(chat.bot_texts.last).not_to_contain_text("Day 1:")
    expect(chat.bot_texts.last).to_contain_text("Want me to find flights to Lisbon too?")
    no_sideways_scroll(chat)

    # AND the yes/no question offers two buttons in a named group; one click answers it
    group = chat.page.get_by_role("group", name="Suggested replies")
    expect(group.get_by_role("button")).to_have_text(["Yes, find flights", "No thanks"])
    screenshot(chat.page, "plan-card")
    chat.submit_and_wait(lambda: group.get_by_role("button", name="No thanks").click())
    assert sent[-1]["message"] == "No"
    expect(chat.user_texts.last).to_have_text("No")

    # AND the next question brings its own quick replies, the old ones are gone
    expect(chat.quick_replies).to_have_text(["A weekend", "5 days", "A week"])


@pytest.mark.parametrize("size", list(SIZES))
def test_a_flight_search_is_a_button_with_the_dates_in_words(
    open_chat: OpenChat, size: str
) -> None:
    # GIVEN a server that answers with a flight card (ISO dates, a tracked /go/ link)
    chat = open_chat(locale="en-GB", **SIZES[size])
    answer_in_turn(chat, FLIGHT)

    # WHEN the answer arrives
    chat.say("find flights from London to Rome on 14 March 2031")

    # THEN the search is one button in the reader's words, opening the tracked link safely
    card = chat.page.locator("#transcript .card.flight")
    expect(card.locator(".sub")).to_have_text("Fri, 14 Mar 2031, back Fri, 21 Mar 2031")
    button = card.get_by_role("link")
    expect(button).to_have_accessible_name(
        "Search London to Rome, Fri, 14 Mar 2031 (opens in a new tab)"
    )
    expect(button.locator("[aria-hidden=true]")).to_have_text([" → ", " ↗"])
    expect(button).to_have_attribute("href", chat.base_url + FLIGHT_URL_PATH)
    expect(button).to_have_attribute("target", "_blank")
    expect(button).to_have_attribute("rel", "noopener noreferrer")
    # the line with the raw link and the ISO date, which the card replaces, is not repeated
    expect(chat.bot_texts.last).to_have_text("Have a good trip!")
    no_sideways_scroll(chat)


def test_a_forecast_is_a_small_weather_card(open_chat: OpenChat) -> None:
    # GIVEN a server that answers with a weather card
    chat = open_chat(locale="en-GB")
    answer_in_turn(chat, WEATHER)
    # WHEN it arrives
    chat.say("weather in Paris on 14 March 2031")
    # THEN place, day, summary, temperatures and the chance of rain are shown
    card = chat.page.locator("#transcript .card.weather")
    expect(card.locator(".title")).to_have_text("Paris · Fri, 14 Mar 2031")
    expect(card).to_contain_text("Light rain")
    expect(card.locator(".sub")).to_have_text("8–13 °C · 70% chance of rain")


def test_a_months_typical_weather_is_a_card_titled_with_the_month(open_chat: OpenChat) -> None:
    # GIVEN a server that answers with a month's typical weather (no day)
    chat = open_chat(locale="en-GB")
    answer_in_turn(chat, MONTH_WEATHER)
    chat.say("weather in Kyoto in March 2031")
    # THEN the card is titled with the month, not "Today"
    card = chat.page.locator("#transcript .card.weather")
    expect(card.locator(".title")).to_have_text("Kyoto · March 2031")
    expect(card.locator(".sub")).to_have_text("2–14 °C")


def test_unknown_cards_and_fields_are_ignored_and_the_text_stays_whole(
    open_chat: OpenChat,
) -> None:
    # GIVEN a server from the future: a card type and a field this page does not know
    chat = open_chat()
    answer_in_turn(chat, UNKNOWN_CARD)
    # WHEN the answer arrives
    shown = chat.say("book me a hotel")
    # THEN the plain reply is shown in full, nothing else, and nothing broke
    assert shown == UNKNOWN_CARD["reply"]
    expect(chat.page.locator("#transcript .card")).to_have_count(0)
    assert chat.page_errors == []
