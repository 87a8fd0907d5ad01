"""CORS on ``POST /chat`` through the real handler: only the configured origins, preflight included.

Every test builds the runtime with its own ``allowed_origins`` and calls ``lambda_handler`` with
recorded API Gateway events, so what is checked here is what Lambda and the local server answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from runtime.api.cors import MAX_AGE_S, with_cors
from runtime.errors import ConfigError
from runtime.settings import Settings
from tests.conftest import chat_event, load_event

Invoke = Callable[[dict[str, Any]], tuple[int, dict[str, str], Any]]
SHOP = "https://shop.example.com"
EVIL = "https://evil.example.net"


@pytest.fixture
def allow(runtime_services: Callable[..., Any]) -> Callable[..., None]:
    """Install the runtime with these allowed origins (and optional other settings)."""

    def install(*origins: str, **settings: Any) -> None:
        runtime_services(settings=Settings(allowed_origins=origins, **settings))

    return install


def with_headers(event: dict[str, Any], **headers: str) -> dict[str, Any]:
    """``event`` with these headers set in both of API Gateway's header maps."""
    for name, value in headers.items():
        name = name.replace("_", "-")
        event["headers"][name] = value
        event.setdefault("multiValueHeaders", {})[name] = [value]
    return event


def preflight(
    origin: str | None, method: str = "POST", asked: str = "content-type"
) -> dict[str, Any]:
    event = load_event("chat_post", httpMethod="OPTIONS", body=None)
    event["requestContext"]["httpMethod"] = "OPTIONS"
    headers = {"Access-Control-Request-Method": method, "Access-Control-Request-Headers": asked}
    if origin is not None:
        headers["Origin"] = origin
    return with_headers(event, **headers)


def cors_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower().startswith("access-control-")}


def test_an_allowed_origins_preflight_is_granted_for_post_with_json(
    invoke: Invoke, allow: Callable[..., None]
) -> None:
    # GIVEN a runtime that allows the shop's origin
    allow(SHOP)
    # WHEN the shop's page asks whether it may POST JSON to /chat
    status, headers, body = invoke(preflight(SHOP))
    # THEN the preflight succeeds for exactly that origin, method and header, cached two hours
    assert (status, body) == (204, "")
    assert cors_headers(headers) == {
        "Access-Control-Allow-Origin": SHOP,
        "Access-Control-Allow-Methods": "POST",
        "Access-Control-Allow-Headers": "Content-Type",
        "Access-Control-Max-Age": str(MAX_AGE_S),
    }
    assert "Origin" in headers["Vary"]


@pytest.mark.parametrize(
    ("origin", "method", "asked"),
    [
        (EVIL, "POST", "content-type"),
        (SHOP + ":8443", "POST", "content-type"),
        ("null", "POST", "content-type"),
        (SHOP, "DELETE", ""),
        (SHOP, "POST", "content-type, authorization"),
    ],
    ids=["other origin", "other port", "null origin", "other method", "extra header"],
)
def test_a_preflight_outside_the_rules_is_refused_without_cors_headers(
    invoke: Invoke, allow: Callable[..., None], origin: str, method: str, asked: str
) -> None:
    # GIVEN a runtime that allows the shop's origin only
    allow(SHOP)
    # WHEN a preflight asks for another origin, method or header
    status, headers, body = invoke(preflight(origin, method, asked))
    # THEN it is refused with the contract's error shape and no CORS header, so the browser
    # never sends the request
    assert status == 403
    assert body["error"]["code"] == "cors_refused"
    assert cors_headers(headers) == {}


def test_by_default_no_origin_is_allowed(invoke: Invoke, allow: Callable[..., None]) -> None:
    # GIVEN a runtime with no allowed origin (the default)
    allow()
    # WHEN a site preflights and then posts anyway
    preflight_status, preflight_headers, _ = invoke(preflight(SHOP))
    status, headers, _ = invoke(with_headers(chat_event({"message": "hello"}), Origin=SHOP))
    # THEN the preflight is refused and the answer carries no CORS header (only Vary)
    assert preflight_status == 403 and cors_headers(preflight_headers) == {}
    assert status == 200 and cors_headers(headers) == {}
    assert headers["Vary"] == "Origin"


def test_a_plain_options_request_learns_the_methods(
    invoke: Invoke, allow: Callable[..., None]
) -> None:
    # GIVEN any runtime WHEN /chat is asked OPTIONS without being a CORS preflight
    allow()
    status, headers, _ = invoke(preflight(None))
    # THEN it answers which methods exist, granting nothing cross-origin
    assert status == 204 and headers["Allow"] == "OPTIONS, POST"
    assert cors_headers(headers) == {}


def test_an_allowed_origin_can_read_the_reply_and_nothing_is_a_wildcard(
    invoke: Invoke, allow: Callable[..., None]
) -> None:
    # GIVEN a runtime that allows two sites
    allow(SHOP, "http://127.0.0.1:8000")
    # WHEN the shop posts a message
    status, headers, body = invoke(with_headers(chat_event({"message": "hello"}), Origin=SHOP))
    # THEN the reply names the shop's origin, varies on Origin and exposes Retry-After;
    # no wildcard and no credentials are ever granted
    assert status == 200 and body["reply"]
    assert headers["Access-Control-Allow-Origin"] == SHOP
    assert headers["Access-Control-Expose-Headers"] == "Retry-After"
    assert headers["Vary"] == "Origin"
    assert "*" not in json.dumps(cors_headers(headers))
    assert "Access-Control-Allow-Credentials" not in headers


def test_an_origin_not_on_the_list_gets_the_answer_without_cors_so_its_page_cannot_read_it(
    invoke: Invoke, allow: Callable[..., None]
) -> None:
    # GIVEN a runtime that allows the shop only
    allow(SHOP)
    # WHEN another origin's page posts (a "simple" request the browser sends without preflight)
    status, headers, _ = invoke(
        with_headers(chat_event({"message": "hello"}), Origin=EVIL, Content_Type="text/plain")
    )
    # THEN the API answers as it would anyone, but without a header that lets the page read it
    assert status == 415
    assert cors_headers(headers) == {}
    assert headers["Vary"] == "Origin"


def test_an_allowed_site_can_read_a_rate_limited_answer_and_preflights_are_not_counted(
    invoke: Invoke, allow: Callable[..., None]
) -> None:
    # GIVEN an allowed site and a rate limit of one request at a time
    allow(SHOP, rate_burst=1, rate_per_minute=1)
    ask = with_headers(chat_event({"message": "hello"}), Origin=SHOP)
    # WHEN it preflights several times, then posts twice
    for _ in range(3):
        assert invoke(preflight(SHOP))[0] == 204
    first, _, _ = invoke(ask)
    second, headers, body = invoke(ask)
    # THEN the preflights cost no tokens, and the 429 carries the CORS headers and Retry-After
    assert first == 200
    assert second == 429 and body["error"]["code"] == "rate_limited"
    assert headers["Access-Control-Allow-Origin"] == SHOP
    assert int(headers["Retry-After"]) >= 1


def test_routes_other_than_chat_stay_same_origin(
    invoke: Invoke, allow: Callable[..., None]
) -> None:
    # GIVEN an allowed site WHEN it reads the health route or preflights a session export
    allow(SHOP)
    _, health_headers, _ = invoke(with_headers(load_event("health"), Origin=SHOP))
    export = with_headers(load_event("session_export", httpMethod="OPTIONS"), Origin=SHOP)
    export_status, export_headers, _ = invoke(export)
    # THEN neither carries a CORS header (the export takes no OPTIONS: a plain 405)
    assert cors_headers(health_headers) == {} and "Vary" not in health_headers
    assert export_status == 405 and cors_headers(export_headers) == {}


def test_vary_is_merged_into_what_a_response_already_varies_on() -> None:
    # GIVEN a /chat result that already varies on Accept, in either header map
    event = {"path": "/chat", "httpMethod": "POST", "headers": {"Origin": SHOP}}
    single: dict[str, Any] = {"statusCode": 200, "headers": {"vary": "Accept"}}
    multi: dict[str, Any] = {"statusCode": 200, "multiValueHeaders": {"Vary": ["Accept"]}}
    # WHEN the CORS headers are added
    with_cors(event, single, [SHOP])
    with_cors(event, multi, [SHOP])
    # THEN Vary lists both, once each
    assert single["headers"]["Vary"] == "Accept, Origin"
    assert multi["multiValueHeaders"]["Vary"] == ["Accept, Origin"]
    assert multi["multiValueHeaders"]["Access-Control-Allow-Origin"] == [SHOP]


def test_the_setting_is_read_from_its_variable_comma_or_space_separated() -> None:
    # GIVEN the variable with repeats and mixed separators WHEN the settings are read
    settings = Settings.from_env(
        {"TRAVELBOT_ALLOWED_ORIGINS": f" {SHOP}, http://127.0.0.1:8000 {SHOP} "}
    )
    # THEN each origin is kept once, in order
    assert settings.allowed_origins == (SHOP, "http://127.0.0.1:8000")
    assert Settings.from_env({}).allowed_origins == ()


@pytest.mark.parametrize("value", ["*", "null", f"{SHOP}/", "https://shop.example.com:443"])
def test_an_origin_no_browser_sends_is_a_configuration_error(value: str) -> None:
    # GIVEN a value that could never equal an Origin header WHEN the settings are read
    # THEN the error names the variable and the value
    with pytest.raises(ConfigError, match=r"TRAVELBOT_ALLOWED_ORIGINS: '.+'"):
        Settings.from_env({"TRAVELBOT_ALLOWED_ORIGINS": value})
