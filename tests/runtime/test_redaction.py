"""The local redactor: personal data becomes a placeholder, travel talk stays as it was said."""

from __future__ import annotations

import pytest

from runtime.redaction.base import PiiSpan, apply_spans, merge_spans
from runtime.redaction.local import LocalRedactor, iban_valid, luhn_valid, redact
from tests.support.pii import CORPUS, TRAVEL_TALK, Pii


@pytest.mark.parametrize("pii", CORPUS, ids=lambda p: f"{p.kind}:{p.phrase}")
def test_each_piece_of_personal_data_is_replaced_by_its_kind(pii: Pii) -> None:
    # WHEN a phrase with personal data is redacted
    redacted = redact(pii.phrase)

    # THEN the value is gone, a placeholder stands in its place, and the words around it stay
    assert pii.value not in redacted
    assert "[" in redacted and "]" in redacted
    assert (
        redacted.split("[", 1)[0]
        == pii.phrase.split(pii.value, 1)[0][: len(redacted.split("[", 1)[0])]
    )


@pytest.mark.parametrize("kind", sorted({p.kind for p in CORPUS} - {"CVV"}))
def test_the_placeholder_names_what_was_there(kind: str) -> None:
    phrases = [p for p in CORPUS if p.kind == kind]
    assert any(f"[{kind}]" in redact(p.phrase) for p in phrases)


@pytest.mark.parametrize("message", TRAVEL_TALK)
def test_travel_talk_full_of_numbers_is_left_as_it_was(message: str) -> None:
    assert redact(message) == message


def test_a_card_followed_by_its_cvv_loses_both() -> None:
    assert redact("card 4111 1111 1111 1111 cvv 123") == "card [CARD] cvv [CVV]"


def test_a_number_that_fails_the_luhn_check_is_not_a_card() -> None:
    assert redact("order 4111 1111 1111 1112") == "order 4111 1111 1111 1112"
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")


def test_an_iban_with_a_wrong_check_digit_is_left_alone() -> None:
    assert iban_valid("GB82WEST12345698765432")
    assert not iban_valid("GB83WEST12345698765432")
    assert "[IBAN]" not in redact("code GB83 WEST 1234 5698 7654 32")


def test_never_issued_ssn_areas_are_not_ssns() -> None:
    for number in ("000-12-3456", "666-12-3456", "912-12-3456", "123-00-4567", "123-45-0000"):
        assert "[SSN]" not in redact(f"ref {number}")


def test_an_epoch_timestamp_or_turn_key_in_an_operational_log_stays_readable() -> None:
    assert redact("turn 1772366401000#d968388a stored") == "turn 1772366401000#d968388a stored"


def test_overlapping_spans_merge_and_spans_past_the_end_are_clipped() -> None:
    spans = [PiiSpan(0, 4, "A"), PiiSpan(2, 6, "B"), PiiSpan(8, 50, "C")]
    assert merge_spans(spans) == [PiiSpan(0, 6, "A"), PiiSpan(8, 50, "C")]
    assert merge_spans([PiiSpan(0, 9, "PHONE"), PiiSpan(0, 9, "SSN")]) == [PiiSpan(0, 9, "SSN")]
    assert apply_spans("abcdefghij", spans) == "[A]gh[C]"


def test_empty_and_blank_text_pass_through() -> None:
    redactor = LocalRedactor()
    assert redactor.redact("") == "" and redactor.redact("   ") == "   "


# ------------------------------------------------------------------ log records


def test_a_log_record_loses_personal_data_in_message_arguments_extras_and_traceback() -> None:
    import logging

    from runtime.providers.observability import scrub_record

    # GIVEN a record whose every part carries personal data
    try:
        raise ValueError("bad card 4111 1111 1111 1111")
    except ValueError:
        import sys

        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "botocore.endpoint", logging.DEBUG, __file__, 1, "body %s", ("mail jane@example.com",),
        exc_info,
    )  # fmt: skip
    record.note = "call +1 415-555-0123"

    # WHEN it is scrubbed
    scrub_record(record)

    # THEN none of it is left, and what was there is named
    assert record.getMessage() == "body mail [EMAIL]"
    assert record.note == "call [PHONE]"
    assert record.exc_text is not None and "[CARD]" in record.exc_text
    assert "4111" not in record.exc_text


def test_message_text_is_a_log_field_only_at_debug_and_only_redacted() -> None:
    import logging

    from runtime.providers.observability import message_fields

    logger = logging.getLogger("travelbot.test.message_fields")
    logger.setLevel(logging.INFO)
    assert message_fields(logger, "my ssn is 536-22-8714") == {}
    logger.setLevel(logging.DEBUG)
    assert message_fields(logger, "my ssn is 536-22-8714") == {"excerpt": "my ssn is [SSN]"}
