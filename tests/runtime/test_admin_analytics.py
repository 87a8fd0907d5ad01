"""``GET /admin/analytics``: token guard, HTML with inline SVG charts under a strict CSP, escaping.

The route is resolved by a Powertools resolver that includes only the admin router, with the
recorded API Gateway event ``tests/events/admin_analytics.json``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from runtime import services
from runtime.api.handler import app
from runtime.settings import Settings
from runtime.store.sqlite import SqliteStore
from tests.conftest import FakeContext, load_event
from tests.integration.analytics_day import write_day
from tests.integration.store_helpers import DAY, DAY_START_MS, Clock, make_turn

TOKEN = "s3cret-admin-token-0123456789"


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    """The generated day (2026-03-01) in a SQLite history."""
    history = SqliteStore(tmp_path / "h.sqlite3", clock=Clock(DAY_START_MS / 1000 + 86400))
    write_day(history, DAY_START_MS)
    return history


@pytest.fixture
def install(store: SqliteStore, tmp_path: Path) -> Iterator[Any]:
    """Installs services with the store and a given admin token."""

    def build(token: str) -> None:
        built = services.build_services(
            Settings(admin_token=token, sources_enabled=False),
            store=store,
            data_dir=tmp_path,
            clock=Clock(1.0e9),
        )
        services.configure(built)

    yield build
    services.configure(None)


def get(query: dict[str, str] | None = None, **headers: str) -> tuple[int, dict[str, str], str]:
    event = load_event("admin_analytics")
    if query is not None:
        event["queryStringParameters"] = query or None
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} or None
    event["headers"].update(headers)
    event["multiValueHeaders"].update({k: [v] for k, v in headers.items()})
    result = app.resolve(event, FakeContext())
    response_headers = {k: str(v) for k, v in (result.get("headers") or {}).items()}
    for key, values in (result.get("multiValueHeaders") or {}).items():
        response_headers[key] = str(values[-1])
    return int(result["statusCode"]), response_headers, str(result.get("body") or "")


def test_without_a_configured_token_the_page_does_not_exist(install: Any) -> None:
    # GIVEN no admin token in the settings
    install("")

    # WHEN anyone asks, even with a token
    status, _, body = get(Authorization="Bearer anything")

    # THEN it is a plain 404
    assert status == 404 and '"not_found"' in body


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": "Bearer "},
    ],
)
def test_a_missing_or_wrong_token_is_refused(install: Any, headers: dict[str, str]) -> None:
    # GIVEN an admin token is configured
    install(TOKEN)

    # WHEN the page is asked for without it
    status, response_headers, body = get(**headers)

    # THEN 401 with a Bearer challenge, and no figure leaks
    assert status == 401
    assert response_headers["WWW-Authenticate"].startswith("Bearer")
    assert "Lisbon" not in body


def test_the_page_shows_the_days_figures_as_charts_under_a_strict_csp(install: Any) -> None:
    # GIVEN the generated day and the right bearer token
    install(TOKEN)

    # WHEN the report of 2026-03-01 is asked for
    status, headers, page = get(Authorization=f"Bearer {TOKEN}")

    # THEN it is HTML with an SVG chart per section and the day's figures
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert page.count("<svg") == 5
    assert "<script" not in page.lower()
    assert ">Lisbon</text>" in page
    assert "50.0 % (2 of 4 inquiring sessions)" in page
    # and the CSP allows nothing but the page's own style sheet, by hash
    csp = headers["Content-Security-Policy"]
    assert csp.startswith("default-src 'none'; ")
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["Cache-Control"] == "no-store"
    assert not re.search(r"""(src|href)=["']?https?:""", page)  # nothing loaded from elsewhere


def test_a_token_in_the_query_string_works_and_is_carried_by_the_day_links(install: Any) -> None:
    # GIVEN the token passed as ?token=
    install(TOKEN)

    # WHEN the page is asked for
    status, _, page = get({"date": DAY, "token": TOKEN})

    # THEN it is served, and the previous/next-day links and the form keep the token
    assert status == 200
    assert f"/admin/analytics?date=2026-02-28&amp;token={TOKEN}" in page
    assert f"/admin/analytics?date=2026-03-02&amp;token={TOKEN}" in page
    assert f'name="token" value="{TOKEN}"' in page


def test_text_from_the_store_is_escaped(install: Any, store: SqliteStore) -> None:
    # GIVEN a destination that is really markup
    store.append_turn(
        make_turn(
            "xss_session_1", DAY_START_MS + 5, slots={"destination": "<script>alert(1)</script>"}
        )
    )
    install(TOKEN)

    # WHEN the report is rendered
    _, _, page = get(Authorization=f"Bearer {TOKEN}")

    # THEN the markup shows as text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("bad", ["2026-02-30", "03/01/2026", "yesterday"])
def test_a_malformed_date_is_a_400_with_a_clear_message(install: Any, bad: str) -> None:
    # GIVEN the right token
    install(TOKEN)

    # WHEN a malformed date is asked for
    status, _, body = get({"date": bad}, Authorization=f"Bearer {TOKEN}")

    # THEN 400 saying what a date must look like
    assert status == 400
    assert "YYYY-MM-DD" in body and "invalid_request" in body


def test_the_figures_are_available_as_json(install: Any) -> None:
    # GIVEN the right token
    install(TOKEN)

    # WHEN format=json is asked for
    status, headers, body = get({"date": DAY, "format": "json"}, Authorization=f"Bearer {TOKEN}")

    # THEN the same figures come as JSON
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert '"conversion_rate":0.5' in body and '"active_sessions":6' in body
