"""The server's own quick replies and cards in the chat page, end to end, at desktop and phone
sizes: no hand-made bodies, a real local server (``sourced_server_url``) whose open-data sources
are the loopback fakes, so a plan names the fake guide's sights, a forecast is the fake's.

A plan renders as a day list with the budget split and offers Yes/No; Yes starts the flight
search, whose date question offers days; the search renders as a flight card with its tracked
link; a forecast as a weather card. After a reload the cards and the last answer's buttons come
back from the export. Screenshots of each state go to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Locator, ViewportSize, expect

from tests.e2e.browser_page import ChatPage
from tests.e2e.conftest import Screenshot

OpenChat = Callable[..., ChatPage]
PHONE = ViewportSize(width=360, height=740)
SIZES: dict[str, dict[str, Any]] = {
    "desktop": {},
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
}

pytestmark = pytest.mark.slow


def press(chat: ChatPage, label: str) -> None:
    """Press the quick reply ``label`` under the bot's last answer and wait for the next one."""
    group = chat.page.get_by_role("group", name="Suggested replies")
    chat.submit_and_wait(lambda: group.get_by_role("button", name=label).click())


def go_link(base_url: str) -> re.Pattern[str]:
    """A tracked flight link of the server at ``base_url``: ``<base>/go/<id>``."""
    return re.compile("^" + re.escape(base_url) + r"/go/[A-Za-z0-9_-]+$")


def shoot(chat: ChatPage, screenshot: Screenshot, shown: Locator, label: str) -> None:
    """A screenshot with ``shown`` (the newest card or buttons) in view."""
    expect(shown).to_be_visible()
    chat.settle()
    screenshot(chat.page, label)


def no_sideways_scroll(chat: ChatPage) -> None:
    overflow = chat.page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


@pytest.mark.parametrize("size", list(SIZES))
def test_a_plan_a_flight_search_and_a_forecast_are_cards_and_yes_starts_the_search(
    open_sourced_chat: OpenChat, size: str, screenshot: Screenshot
) -> None:
    # GIVEN the page on a server with open data
    chat = open_sourced_chat(locale="en-GB", **SIZES[size])

    # WHEN a plan is asked for
    chat.send("plan 4 days in Lisbon with $1500")

    # THEN it is a day list naming the guide's sights, with the budget split in dollars, the
    # day lines are not repeated in the text, and the offer of flights has Yes and No
    plan = chat.page.locator("#transcript .card.plan")
    expect(plan.locator(".title")).to_have_text("4 days in Lisbon")
    expect(plan.locator(".days li")).to_have_count(4)
    expect(plan.locator(".days li").first).to_contain_text("Castelo de São Jorge")
    expect(plan).to_contain_text("Budget US$1,500, about US$375 a day")
    expect(plan.locator(".split li").first).to_contain_text("Stay")
    expect(chat.bot_texts.last).not_to_contain_text("Day 1:")
    expect(chat.bot_texts.last).to_contain_text("Want me to find flights to Lisbon too?")
    expect(chat.quick_replies).to_have_text(["Yes, find flights", "No thanks"])
    no_sideways_scroll(chat)
    shoot(chat, screenshot, plan, "plan")

    # AND WHEN Yes is pressed, the flight search starts for Lisbon and asks where from
    press(chat, "Yes, find flights")
    expect(chat.user_texts.last).to_have_text("Yes please")
    expect(chat.bot_texts.last).to_have_text("Which city are you flying from?")
    chat.send("London")
    expect(chat.bot_texts.last).to_have_text("What date do you want to fly?")
    expect(chat.quick_replies).to_have_text(["Tomorrow", "Next Friday", "In two weeks"])
    press(chat, "Tomorrow")

    # THEN the search is a flight card: one button to the tracked link, the raw link not shown
    flight = chat.page.locator("#transcript .card.flight")
    button = flight.get_by_role("link")
    expect(button).to_contain_text("Search London")
    expect(button).to_contain_text("Lisbon")
    expect(button).to_have_attribute("href", go_link(chat.base_url))
    expect(chat.page.locator("#transcript .msg.bot").last).not_to_contain_text("/go/")
    no_sideways_scroll(chat)
    shoot(chat, screenshot, flight, "flight")

    # AND WHEN the weather there tomorrow is asked, it is a weather card from the fake's forecast
    chat.send("what's the weather in Lisbon tomorrow?")
    weather = chat.page.locator("#transcript .card.weather")
    expect(weather.locator(".title")).to_contain_text("Lisbon · ")
    expect(weather.locator(".sub")).to_contain_text("°C")
    expect(chat.bot_texts.last).to_contain_text("Source: Open-Meteo")
    no_sideways_scroll(chat)
    shoot(chat, screenshot, weather, "weather")
    assert chat.page_errors == [] and chat.console_errors == []


@pytest.mark.parametrize("size", list(SIZES))
def test_after_a_reload_the_cards_and_the_last_quick_replies_come_back(
    open_sourced_chat: OpenChat, size: str, screenshot: Screenshot
) -> None:
    # GIVEN a conversation with a forecast and then a plan with its Yes/No
    chat = open_sourced_chat(locale="en-GB", **SIZES[size])
    chat.send("what's the weather in Lisbon tomorrow?")
    chat.send("plan 4 days in Lisbon with $1500")
    expect(chat.quick_replies).to_have_count(2)

    # WHEN the page is reloaded
    chat.reload()

    # THEN both cards are rendered again from the export, the plan's days still shown once,
    # and the last answer's buttons are back and still work
    expect(chat.page.locator("#transcript .card.weather")).to_have_count(1)
    expect(chat.page.locator("#transcript .card.plan .days li")).to_have_count(4)
    expect(chat.bot_texts.last).not_to_contain_text("Day 1:")
    expect(chat.quick_replies).to_have_text(["Yes, find flights", "No thanks"])
    shoot(chat, screenshot, chat.page.locator("#transcript .quick"), "restored")
    press(chat, "No thanks")
    expect(chat.bot_texts.last).to_contain_text("No problem.")
    expect(chat.quick_replies).to_have_text(["Plan a trip", "Check the weather", "Find flights"])
