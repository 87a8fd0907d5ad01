"""A thin driver of the web chat page for the browser tests (Playwright, sync API).

It only types, clicks and reads what a user sees; waits go through Playwright locators and
``expect`` (the page's CSP forbids the string evaluation ``wait_for_function`` relies on).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import ConsoleMessage, Dialog, Locator, Page, expect

SESSION_KEY = "travelbot.sessionId"


@dataclass
class ChatPage:
    """The chat page at ``base_url`` in one browser page, with what its scripts reported."""

    page: Page
    base_url: str
    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("dialog", self._on_dialog)
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        self.page.on("console", self._on_console)

    def _on_dialog(self, dialog: Dialog) -> None:
        # alert()/confirm() from an injected script would block the page: record and dismiss.
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def goto(self, query: str = "") -> None:
        """Load the page (``query`` such as ``?debug=1``) and wait until its script runs (it
        enables the Send button)."""
        self.page.goto(self.base_url + "/" + query)
        expect(self.send_button).to_be_enabled()

    def reload(self) -> None:
        """Reload the page as a returning user would."""
        self.page.reload()
        expect(self.send_button).to_be_enabled()

    @property
    def input(self) -> Locator:
        """The message field."""
        return self.page.locator("#message")

    @property
    def send_button(self) -> Locator:
        """The Send button."""
        return self.page.locator("#send")

    @property
    def transcript(self) -> Locator:
        """The conversation log (an ARIA live region)."""
        return self.page.locator("#transcript")

    @property
    def bot_texts(self) -> Locator:
        """The text of every bot message."""
        return self.page.locator("#transcript .msg.bot .text")

    @property
    def user_texts(self) -> Locator:
        """The text of every user message."""
        return self.page.locator("#transcript .msg.user .text")

    @property
    def statuses(self) -> Locator:
        """Status lines (errors, "erased")."""
        return self.page.locator("#transcript .msg.status")

    @property
    def failed_notes(self) -> Locator:
        """The "Not sent" marks under messages that did not reach the server."""
        return self.page.locator("#transcript .note")

    @property
    def quick_replies(self) -> Locator:
        """The buttons of the suggested replies under the bot's last message."""
        return self.page.locator("#transcript .quick button")

    @property
    def counter(self) -> Locator:
        """The live character counter under the message box."""
        return self.page.locator("#counter")

    @property
    def typing(self) -> Locator:
        """The "Travel Bot is typing" indicator."""
        return self.page.locator("#typing")

    def send(self, text: str) -> None:
        """Type ``text`` and press Enter; returns once the bot has answered (or failed)."""
        self.input.fill(text)
        self.submit_and_wait(lambda: self.input.press("Enter"))

    def submit_and_wait(self, act: Callable[[], None]) -> None:
        """Do ``act`` (which sends something) and wait until the bot answered or it failed."""
        answers = self.page.locator("#transcript .msg.bot, #transcript .note")
        answered = answers.count()
        act()
        expect(answers).to_have_count(answered + 1)
        expect(self.typing).to_be_hidden()

    def say(self, text: str) -> str:
        """Send ``text`` and return the bot's reply as shown."""
        self.send(text)
        return self.bot_texts.last.inner_text()

    def settle(self) -> None:
        """Wait (at most 5 s) until the transcript, which scrolls smoothly, stands at its end,
        so that a screenshot shows the newest message."""
        at_end = "el => Math.abs(el.scrollHeight - el.clientHeight - el.scrollTop) < 2"
        for _ in range(50):
            if self.transcript.evaluate(at_end):
                return
            self.page.wait_for_timeout(100)

    def open_more(self) -> None:
        """Open the header's "More" menu."""
        self.page.locator("#more-button").click()
        expect(self.page.locator("#more")).to_be_visible()

    def forget_me(self, *, confirm: bool) -> None:
        """Choose "Forget me…" in the More menu, then confirm or cancel in the dialog."""
        self.open_more()
        self.page.locator("#forget").click()
        expect(self.page.locator("#confirm-forget")).to_be_visible()
        self.page.locator("#confirm-forget-button" if confirm else "#confirm-cancel").click()
        expect(self.page.locator("#confirm-forget")).to_be_hidden()

    def stored_session_id(self) -> str | None:
        """The session id the page keeps in localStorage."""
        value: Any = self.page.evaluate(f"() => localStorage.getItem({json.dumps(SESSION_KEY)})")
        return value if isinstance(value, str) else None

    def active_element_id(self) -> str:
        """The id of the focused element ('' when it has none)."""
        return str(self.page.evaluate("() => document.activeElement && document.activeElement.id"))

    def export_status(self, session_id: str) -> int:
        """The server's status for ``GET /sessions/{id}`` (200 stored, 404 erased)."""
        url = f"{self.base_url}/sessions/{session_id}"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            error.close()
            return int(error.code)
