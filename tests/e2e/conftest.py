"""Fixtures for the end-to-end tests: the real local server, and Debian's chromium via Playwright.

- ``server_url``: ``python -m runtime serve`` started once per session as a subprocess on a free
  loopback port with a temporary data directory, stopped at the end; ``sourced_server_url``: a
  second one whose open-data sources are the loopback fakes (real plans, forecasts, cards).
- ``browser``: one headless chromium per test module (``$CHROMIUM_PATH`` or ``/usr/bin/chromium``;
  Playwright's own browser download cannot be fetched here). A missing chromium fails the browser
  tests with a message saying how to install it, unless ``TRAVELBOT_SKIP_BROWSER=1``.
- ``open_chat``: opens the chat page in a fresh browser context (its own localStorage) and
  saves a screenshot under ``test-artifacts/browser/`` when the test ends; the paths are listed
  at the end of the run. ``open_sourced_chat`` does the same on the server with open data.
- ``screenshot``: saves a screenshot of any page (a host site with the widget, a notice page)
  under the same folder, listed the same way.
"""

from __future__ import annotations

import os
import re
import shutil
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Error,
    Page,
    Playwright,
    ViewportSize,
    expect,
    sync_playwright,
)

from tests.e2e.browser_page import ChatPage
from tests.smoke.local_server import LocalServer
from tests.support.sources import source_stack

SKIP_ENV = "TRAVELBOT_SKIP_BROWSER"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root in containers
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = ViewportSize(width=1280, height=800)
SCREENSHOTS = pytest.StashKey[list[Path]]()
# A noisy 2-core machine: generous waits, which only cost time when something is wrong.
expect.set_options(timeout=15_000)

OpenChat = Callable[..., ChatPage]
Screenshot = Callable[[Page, str], Path]


def chromium_path() -> str | None:
    """The chromium executable to drive: ``$CHROMIUM_PATH``, Debian's, or one on PATH."""
    configured = os.environ.get("CHROMIUM_PATH", "").strip()
    candidates = [configured] if configured else [*CHROMIUM_CANDIDATES, shutil.which("chromium")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a local chat server (subprocess, free port, temporary data directory)."""
    with LocalServer(tmp_path_factory.mktemp("e2e-server")) as server:
        yield server.base_url


@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[Playwright]:
    """The Playwright driver (sync API), for one test module.

    Module scope on purpose: while the sync driver runs, its event loop counts as running in
    this thread, so a later test's ``asyncio.run`` would fail; it is stopped after the module.
    """
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    """Headless chromium for one test module; fails clearly when chromium is missing."""
    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(f"{SKIP_ENV}=1: browser tests skipped on request")
    executable = chromium_path()
    if executable is None:
        pytest.fail(
            "chromium was not found (CHROMIUM_PATH, /usr/bin/chromium, PATH), so the browser "
            "tests cannot run: install Debian's chromium ('make system-deps' or 'apt-get install "
            "chromium') or point CHROMIUM_PATH at a chromium binary; set "
            f"{SKIP_ENV}=1 to skip these tests on purpose",
            pytrace=False,
        )
    try:
        launched = playwright_driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    except Error as exc:
        pytest.fail(f"chromium at {executable} did not start: {exc}", pytrace=False)
    yield launched
    launched.close()


def _artifact_path(config: pytest.Config, node_name: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", node_name).strip("_")[:120]
    return config.rootpath / "test-artifacts" / "browser" / f"{safe}.png"


def _save(config: pytest.Config, page: Page, name: str) -> Path:
    path = _artifact_path(config, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    config.stash.setdefault(SCREENSHOTS, []).append(path)
    return path


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Screenshot:
    """Save ``page`` as ``test-artifacts/browser/<test name>-<label>.png`` (listed at the end)."""

    def save(page: Page, label: str) -> Path:
        return _save(request.config, page, f"{request.node.name}-{label}")

    return save


@pytest.fixture
def open_chat(
    browser: Browser, server_url: str, request: pytest.FixtureRequest
) -> Iterator[OpenChat]:
    """Open the chat page in a fresh context: ``open_chat(viewport=..., bypass_csp=...)``.

    The options are those of ``Browser.new_context``. The last page opened is saved as a
    screenshot when the test ends, pass or fail.
    """
    yield from _chat_opener(browser, server_url, request)


@pytest.fixture(scope="session")
def sourced_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a second local chat server whose open-data sources are the loopback fakes of
    ``tests/support/sources.py`` (forecasts, rates, the travel guide), so that its answers carry
    real plan, flight and weather cards. Started on first use, stopped with its fakes."""
    with (
        source_stack() as sources,
        LocalServer(tmp_path_factory.mktemp("sourced-server"), extra_env=sources.env()) as server,
    ):
        yield server.base_url


@pytest.fixture
def open_sourced_chat(
    browser: Browser, sourced_server_url: str, request: pytest.FixtureRequest
) -> Iterator[OpenChat]:
    """:func:`open_chat` on the server with open data (:func:`sourced_server_url`)."""
    yield from _chat_opener(browser, sourced_server_url, request)


def _chat_opener(
    browser: Browser, server_url: str, request: pytest.FixtureRequest
) -> Iterator[OpenChat]:
    contexts: list[BrowserContext] = []
    pages: list[ChatPage] = []

    def open_page(
        *,
        viewport: ViewportSize | None = None,
        is_mobile: bool = False,
        has_touch: bool = False,
        bypass_csp: bool = False,
        query: str = "",
        color_scheme: Literal["light", "dark"] = "light",
        locale: str = "en-US",
    ) -> ChatPage:
        context = browser.new_context(
            viewport=viewport or DESKTOP,
            is_mobile=is_mobile,
            has_touch=has_touch,
            bypass_csp=bypass_csp,
            color_scheme=color_scheme,
            locale=locale,
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        chat = ChatPage(context.new_page(), server_url)
        chat.goto(query)
        pages.append(chat)
        return chat

    yield open_page
    if pages:
        try:
            _save(request.config, pages[-1].page, request.node.name)
        except Error as exc:  # a crashed page must not hide the test's own outcome
            warnings.warn(f"no screenshot for {request.node.name}: {exc}", stacklevel=1)
    for context in contexts:
        context.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """List the screenshots the browser tests saved."""
    paths = terminalreporter.config.stash.get(SCREENSHOTS, [])
    if paths:
        terminalreporter.write_sep("-", f"browser screenshots ({len(paths)})")
        for path in paths:
            terminalreporter.write_line(str(path))
