"""axe-core (npm, pinned in package.json) run inside the browser on a page and all its frames.

The script is injected, so the browser context must be opened with ``bypass_csp=True``: the
page's own policy (rightly) refuses any script it does not know. Every rule axe runs by default
counts, best practices included; a test asserts that none is violated.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@functools.cache
def _source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run 'npm ci' (axe-core is in package.json)", pytrace=False)
    return AXE.read_text(encoding="utf-8")


def violations(page: Page) -> list[dict[str, Any]]:
    """axe's violations on ``page`` (its frames included): rule, impact and offending nodes."""
    for frame in page.frames:
        frame.add_script_tag(content=_source())
        # axe talks to frames of other origins (the widget's chat) only when allowed to.
        frame.evaluate("() => axe.configure({ allowedOrigins: ['<unsafe_all_origins>'] })")
    found: list[dict[str, Any]] = page.evaluate(
        """async () => {
            const result = await axe.run(document, { resultTypes: ['violations'], iframes: true });
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
            }));
        }"""
    )
    return found
