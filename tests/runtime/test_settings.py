"""The settings issue 14 added: where links point, and what stored turns keep of personal data."""

from __future__ import annotations

import pytest

from runtime.errors import ConfigError
from runtime.settings import Settings


def test_by_default_links_follow_the_api_domain_and_turns_are_stored_as_said() -> None:
    settings = Settings.from_env({})
    assert (settings.public_base_url, settings.redact_stored_pii) == ("", "off")


@pytest.mark.parametrize("mode", ["off", "local", "comprehend", "LOCAL"])
def test_each_redaction_mode_is_read(mode: str) -> None:
    settings = Settings.from_env({"TRAVELBOT_REDACT_STORED_PII": mode})
    assert settings.redact_stored_pii == mode.lower()


def test_an_unknown_redaction_mode_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="TRAVELBOT_REDACT_STORED_PII must be one of"):
        Settings.from_env({"TRAVELBOT_REDACT_STORED_PII": "sometimes"})


def test_a_public_base_url_loses_its_trailing_slash() -> None:
    settings = Settings.from_env({"TRAVELBOT_PUBLIC_BASE_URL": "https://chat.example.com/api/"})
    assert settings.public_base_url == "https://chat.example.com/api"


@pytest.mark.parametrize(
    "url",
    [
        "javascript://evil.example/",
        "chat.example.com",
        "https://chat.example.com/?next=x",
        "https://chat.example.com/#top",
        "ftp://chat.example.com",
    ],
)
def test_a_public_base_url_that_is_not_a_plain_http_url_names_the_variable(url: str) -> None:
    with pytest.raises(ConfigError, match="TRAVELBOT_PUBLIC_BASE_URL must be an http"):
        Settings.from_env({"TRAVELBOT_PUBLIC_BASE_URL": url})
