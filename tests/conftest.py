"""Shared fixtures: API Gateway events from files, and the runtime wired to a temporary store."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# Powertools reads these at import time: no EMF flood and quiet logs during tests.
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "travelbot")

pytest_plugins = [
    "tests.support.netguard",
    "tests.support.fakes.fixtures",
    "tests.integration.dynamo_fixtures",
]

EVENTS = Path(__file__).with_name("events")


def load_event(name: str, **overrides: Any) -> dict[str, Any]:
    """A recorded API Gateway REST proxy event from ``tests/events``, with top-level overrides."""
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    for key, value in overrides.items():
        event[key] = value
    return copy.deepcopy(event)


@dataclass
class FakeContext:
    """The Lambda context attributes the handler reads."""

    function_name: str = "travelbot-test"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:travelbot-test"
    aws_request_id: str = "req-0001"
    remaining_ms: int = 14_000
    log_group_name: str = field(default="/aws/lambda/travelbot-test")

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@pytest.fixture
def lambda_context() -> FakeContext:
    return FakeContext()


@pytest.fixture
def runtime_services(tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Builds and installs services over a fresh SQLite file; uninstalls them afterwards.

    The open-data sources are off unless the test passes settings (or ``sources``) of its own:
    a test never reaches the public APIs.
    """
    from runtime import services
    from runtime.settings import Settings

    def build(**kwargs: Any) -> Any:
        settings = kwargs.pop("settings", None) or Settings(sources_enabled=False)
        built = services.build_services(
            settings, data_dir=kwargs.pop("data_dir", tmp_path), **kwargs
        )
        services.configure(built)
        return built

    yield build
    services.configure(None)


@pytest.fixture
def invoke(
    lambda_context: FakeContext,
) -> Callable[[dict[str, Any]], tuple[int, dict[str, str], Any]]:
    """Calls the real Lambda handler; returns status, headers and the parsed JSON body (or text)."""
    from runtime.api.handler import lambda_handler

    def call(event: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        result = lambda_handler(event, lambda_context)
        headers = {k: str(v) for k, v in (result.get("headers") or {}).items()}
        for key, values in (result.get("multiValueHeaders") or {}).items():
            headers[key] = str(values[-1])
        body = result.get("body") or ""
        content_type = headers.get("Content-Type", "")
        parsed = json.loads(body) if content_type.startswith("application/json") and body else body
        return int(result["statusCode"]), headers, parsed

    return call


def chat_event(
    body: Any, *, raw: str | None = None, ip: str = "203.0.113.10", **headers: str
) -> dict[str, Any]:
    """A ``POST /chat`` event with ``body`` as JSON (or ``raw`` text) from source ``ip``."""
    event = load_event("chat_post")
    event["body"] = raw if raw is not None else json.dumps(body)
    event["requestContext"]["identity"]["sourceIp"] = ip
    for name, value in headers.items():
        event["headers"][name.replace("_", "-")] = value
    return event
