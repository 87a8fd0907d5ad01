"""Log hygiene (hashed sessions, capped excerpts, scrubbed secrets) and the EMF metrics."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from runtime.providers.observability import (
    REDACTED,
    EmfTelemetry,
    InMemoryTelemetry,
    RedactingFilter,
    SecretBodyFilter,
    SecretRedactor,
    excerpt,
    install_log_redaction,
    scrub_record,
    session_ref,
)


def test_a_session_is_logged_as_a_stable_hash_that_does_not_contain_it() -> None:
    ref = session_ref("Zq3k_user-session-0001")
    assert ref == session_ref("Zq3k_user-session-0001")
    assert len(ref) == 16
    assert "Zq3k" not in ref
    assert ref != session_ref("Zq3k_user-session-0002")


def test_an_excerpt_is_short_and_cannot_forge_a_log_line() -> None:
    # GIVEN a message that tries to inject a fake log line
    message = 'hello\r\n{"level": "ERROR", "message": "forged"}' + "x" * 100

    # WHEN it is excerpted
    text = excerpt(message, limit=30)

    # THEN no raw CR or LF survives and it is capped
    assert "\n" not in text and "\r" not in text
    assert text.startswith("hello\\r\\n{")
    assert text.endswith("…")
    assert len(text) <= 30 + 4 + 1


def test_other_control_characters_are_escaped_too() -> None:
    assert excerpt("a\x1b[31mb\tc") == "a\\x1b[31mb\\tc"
    assert excerpt("short") == "short"


def test_registered_secrets_are_scrubbed_in_plain_and_json_escaped_form() -> None:
    redactor = SecretRedactor()
    redactor.register("sk-live-0123456789", "line1\nline2-of-a-key", "short")
    text = 'key=sk-live-0123456789 json="line1\\nline2-of-a-key" short'
    assert redactor.scrub(text) == f'key={REDACTED} json="{REDACTED}" short'


def record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    rec = logging.LogRecord(
        "urllib3.connectionpool", logging.DEBUG, __file__, 1, message, args, None
    )
    for key, value in extra.items():
        setattr(rec, key, value)
    return rec


def test_a_log_record_is_scrubbed_in_its_message_arguments_and_extras() -> None:
    # GIVEN an SDK debug line that carries OpenWeather's key in a URL, and an extra field
    redactor = SecretRedactor()
    redactor.register("ow-secret-key-42")
    rec = record('"GET /data/2.5/weather?lat=1&appid=%s HTTP/1.1" 200', "ow-secret-key-42")
    rec_extra = record("call failed", error="url ...appid=ow-secret-key-42")

    # WHEN they pass the redaction filter
    RedactingFilter(redactor).filter(rec)
    scrub_record(rec_extra, redactor)

    # THEN the key is gone from the rendered message and from the extra field
    assert "ow-secret-key-42" not in rec.getMessage()
    assert REDACTED in rec.getMessage()
    assert "ow-secret-key-42" not in rec_extra.error  # type: ignore[attr-defined]


def test_botocore_dumps_of_a_secrets_manager_answer_are_dropped() -> None:
    body = record("Response body:\n%r", b'{"ARN": "arn", "SecretString": "{\\"k\\": \\"v\\"}"}')
    other = record("Response body:\n%r", b'{"interpretations": []}')
    assert SecretBodyFilter().filter(body) is False
    assert SecretBodyFilter().filter(other) is True


@pytest.fixture
def sdk_logger() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """An SDK-like logger at DEBUG writing to a string, restored afterwards."""
    logger = logging.getLogger("urllib3.connectionpool")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield logger, stream
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def test_once_installed_every_new_log_record_is_scrubbed(
    sdk_logger: tuple[logging.Logger, io.StringIO],
) -> None:
    # GIVEN redaction installed for the process, with a secret registered afterwards
    from runtime.providers.observability import REDACTOR

    install_log_redaction()
    REDACTOR.register("azure-key-for-the-log-test")
    logger, stream = sdk_logger

    # WHEN an SDK logs the secret through any handler
    logger.debug("header Ocp-Apim-Subscription-Key: %s", "azure-key-for-the-log-test")

    # THEN it never reaches the output
    assert "azure-key-for-the-log-test" not in stream.getvalue()
    assert REDACTED in stream.getvalue()


def test_in_memory_telemetry_sums_by_metric_and_provider() -> None:
    telemetry = InMemoryTelemetry()
    telemetry.provider_call("lex", 120.0, None)
    telemetry.provider_call("lex", 5000.0, "timeout")
    telemetry.provider_call("azure", 30.0, "throttled")
    telemetry.understood(fallback=True, degraded=True, elapsed_ms=12.0)
    assert telemetry.values("ProviderLatencyMs", "lex") == [120.0, 5000.0]
    assert telemetry.count("ProviderTimeout", "lex") == 1
    assert telemetry.count("ProviderError") == 1
    assert telemetry.count("NluFallback") == 1
    assert telemetry.count("Turns") == 1


def emf_documents(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith('{"_aws"')]


def test_emf_metrics_carry_the_provider_dimension_and_the_failure_kind(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN metrics enabled (the test suite disables them by default)
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    telemetry = EmfTelemetry()

    # WHEN a timed-out Lex call and a fired hedge are reported
    telemetry.provider_call("lex", 5003.2, "timeout")
    telemetry.hedge_fired()

    # THEN two EMF documents are printed, in the TravelBot namespace
    call, hedge = emf_documents(capsys.readouterr().out)
    directive = call["_aws"]["CloudWatchMetrics"][0]  # type: ignore[index]
    assert directive["Namespace"] == "TravelBot"
    assert ["provider", "service"] in [sorted(d) for d in directive["Dimensions"]]
    assert call["provider"] == "lex"
    assert call["ProviderLatencyMs"] == [5003.2]
    assert call["ProviderTimeout"] == [1.0]
    assert call["kind"] == "timeout"
    assert hedge["HedgeFired"] == [1.0]
    assert "provider" not in hedge


def test_a_turn_answered_by_the_patience_is_counted_in_the_turns_own_document(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN metrics enabled
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    telemetry = EmfTelemetry()

    # WHEN one turn is answered by the patience and one is not
    telemetry.understood(fallback=True, degraded=True, elapsed_ms=812.0, patience=True)
    telemetry.understood(fallback=False, degraded=False, elapsed_ms=305.0)

    # THEN each turn's document carries AnsweredByPatience beside Turns, so the alarm's share is
    # a ratio of two sums over the same turns
    by_patience, by_lex = emf_documents(capsys.readouterr().out)
    assert (by_patience["Turns"], by_patience["AnsweredByPatience"]) == ([1.0], [1.0])
    assert (by_lex["Turns"], by_lex["AnsweredByPatience"]) == ([1.0], [0.0])


def test_emf_metrics_are_silent_when_powertools_metrics_are_disabled(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    EmfTelemetry().understood(fallback=False, degraded=False, elapsed_ms=3.0)
    assert emf_documents(capsys.readouterr().out) == []
