"""Validation of ``POST /chat`` requests, exactly per the contract in README.md ("The chat API").

Patterns are applied with ``fullmatch``: ``re.match(r"^...$")`` lets a trailing newline through
(``$`` also matches before a final ``\\n``), which once stored a session nobody could address.
Every failure raises a :class:`runtime.errors.RequestError` subclass whose message says what is
wrong (never echoing the offending value back, which could be hostile markup).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import sys
import unicodedata
from collections.abc import Mapping
from typing import Any

from runtime.contract import (
    CLIENT_MESSAGE_ID_PATTERN,
    MAX_BODY_BYTES,
    MAX_MESSAGE_CHARS,
    SESSION_ID_PATTERN,
)
from runtime.errors import PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError
from runtime.types import ChatRequest

SESSION_ID_RE = re.compile(SESSION_ID_PATTERN)
CLIENT_MESSAGE_ID_RE = re.compile(CLIENT_MESSAGE_ID_PATTERN)
LINK_ID_RE = re.compile(r"^[A-Za-z0-9_-]{6,32}$")
ALLOWED_FIELDS = ("message", "sessionId", "clientMessageId")
ALLOWED_CONTROLS = {"\n", "\t", "\r"}
MAX_NUMBER_DIGITS = sys.get_int_max_str_digits() or 4300


def header(headers: Mapping[str, str] | None, name: str) -> str:
    """A header's value, case-insensitively (API Gateway keeps the client's casing)."""
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return value or ""
    return ""


def require_json(headers: Mapping[str, str] | None) -> None:
    """415 unless the request says its body is JSON."""
    media_type = header(headers, "content-type").split(";", 1)[0].strip().lower()
    if media_type != "application/json" and not (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        raise UnsupportedMediaTypeError("Content-Type must be application/json")


def body_bytes(body: str | None, is_base64: bool) -> bytes:
    """The raw body; 413 when larger than 8 KB."""
    if body is None:
        raw = b""
    elif is_base64:
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError("body is not valid base64") from None
    else:
        raw = body.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLargeError(f"body must be at most {MAX_BODY_BYTES} bytes")
    return raw


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValidationError(f"field '{_safe_name(key)}' appears more than once")
        result[key] = value
    return result


def _safe_name(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_]{1,40}", key) else "(unnamed)"


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object; 400 for invalid UTF-8, invalid JSON or another JSON type."""
    if not raw.strip():
        raise ValidationError("body is empty; send a JSON object with a 'message' field")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError("body is not valid UTF-8") from None
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except RecursionError:
        raise ValidationError("body is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"body is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    except ValueError:
        # Python refuses to convert an integer of more than 4,300 digits (CVE-2020-10735);
        # json.loads raises that as a plain ValueError, which is the client's fault, not ours.
        raise ValidationError(
            f"body holds a number longer than {MAX_NUMBER_DIGITS} digits"
        ) from None
    if not isinstance(data, dict):
        raise ValidationError("body must be a JSON object with a 'message' field")
    return data


def _check_text(value: str, field: str) -> None:
    for char in value:
        category = unicodedata.category(char)
        if category == "Cs":
            raise ValidationError(f"'{field}' contains an invalid Unicode surrogate")
        if category == "Cc" and char not in ALLOWED_CONTROLS:
            raise ValidationError(f"'{field}' contains a control character (U+{ord(char):04X})")


def validate_chat(data: dict[str, Any]) -> ChatRequest:
    """Check fields, types and limits of a chat body."""
    unknown = sorted(k for k in data if k not in ALLOWED_FIELDS)
    if unknown:
        names = ", ".join(f"'{_safe_name(k)}'" for k in unknown[:5])
        raise ValidationError(
            f"unknown field(s) {names}; allowed: message, sessionId, clientMessageId"
        )
    message = data.get("message")
    if message is None:
        raise ValidationError("'message' is required")
    if not isinstance(message, str):
        raise ValidationError("'message' must be a string")
    if not message.strip():
        raise ValidationError("'message' must not be empty or blank")
    if len(message) > MAX_MESSAGE_CHARS:
        raise ValidationError(
            f"'message' must be at most {MAX_MESSAGE_CHARS} characters (got {len(message)})"
        )
    _check_text(message, "message")
    session_id = data.get("sessionId")
    if session_id is not None and (
        not isinstance(session_id, str) or not SESSION_ID_RE.fullmatch(session_id)
    ):
        raise ValidationError("'sessionId' must be 8-64 characters of A-Z, a-z, 0-9, '_' or '-'")
    client_id = data.get("clientMessageId")
    if client_id is not None and (
        not isinstance(client_id, str) or not CLIENT_MESSAGE_ID_RE.fullmatch(client_id)
    ):
        raise ValidationError(
            "'clientMessageId' must be 1-64 characters of A-Z, a-z, 0-9, '_', '-', '.' or ':'"
        )
    return ChatRequest(message=message, session_id=session_id, client_message_id=client_id)


def parse_chat_request(
    headers: Mapping[str, str] | None, body: str | None, is_base64: bool
) -> ChatRequest:
    """All checks of a chat request in the order the status codes take precedence."""
    raw = body_bytes(body, is_base64)
    require_json(headers)
    return validate_chat(parse_json_object(raw))


def check_session_id(session_id: str) -> str:
    """400 unless ``session_id`` matches the contract's pattern."""
    if not SESSION_ID_RE.fullmatch(session_id):
        raise ValidationError("session id must be 8-64 characters of A-Z, a-z, 0-9, '_' or '-'")
    return session_id
