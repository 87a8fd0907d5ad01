"""Hypothesis fuzzing: no input, however hostile, makes the handler answer 5xx or leak a trace."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import chat_event

Invoke = Callable[[dict[str, Any]], tuple[int, dict[str, str], Any]]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
bodies = st.one_of(
    st.dictionaries(
        st.sampled_from(["message", "sessionId", "clientMessageId", "extra"]),
        json_values,
        max_size=4,
    ).map(json.dumps),
    st.fixed_dictionaries({"message": st.text(max_size=1200)}).map(json.dumps),
    st.fixed_dictionaries(
        {"message": st.text(min_size=1, max_size=60), "sessionId": st.text(max_size=70)}
    ).map(json.dumps),
    st.text(max_size=300),
    json_values.map(json.dumps),
)
content_types = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "",
        "application/x-www-form-urlencoded",
        "APPLICATION/JSON",
    ]
)


@pytest.fixture(scope="module")
def fuzz_services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    from runtime import services
    from runtime.ratelimit.base import BucketPolicy
    from runtime.ratelimit.memory import InMemoryRateLimiter
    from runtime.settings import Settings

    unlimited = InMemoryRateLimiter(BucketPolicy(rate_per_minute=1e9, burst=10**9))
    services.configure(
        services.build_services(
            Settings(sources_enabled=False),
            data_dir=tmp_path_factory.mktemp("fuzz"),
            rate_limiter=unlimited,
        )
    )
    yield
    services.configure(None)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies, content_type=content_types)
def test_any_body_gets_a_non_5xx_json_answer(
    fuzz_services: None, invoke: Invoke, body: str, content_type: str
) -> None:
    event = chat_event(None, raw=body, **{"Content-Type": content_type})
    status, headers, parsed = invoke(event)
    assert status < 500, parsed
    assert headers["Content-Type"].startswith("application/json")
    if status >= 400:
        assert set(parsed["error"]) == {"code", "message"}
        assert "Traceback" not in parsed["error"]["message"]
    else:
        assert parsed["reply"] and "<script" not in parsed["reply"]
