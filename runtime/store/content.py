"""Rules every :class:`runtime.store.base.ContentCache` backend shares: what a key and a value
may be, and how a value is written down.

Keys are short printable strings (``open-meteo:forecast:38.72,-9.14``); values are JSON objects
kept as compact JSON text, at most :data:`MAX_VALUE_BYTES` so that a DynamoDB item (400 KB
limit) always has room for its key and TTL.
"""

from __future__ import annotations

import json
from typing import Any

MAX_KEY_CHARS = 512
MAX_VALUE_BYTES = 256 * 1024
MAX_TTL_S = 400 * 86400


def check_key(key: str) -> str:
    """``key`` if it is usable.

    Raises:
        ValueError: empty, too long, or with control characters.
    """
    if not isinstance(key, str) or not key or len(key) > MAX_KEY_CHARS:
        raise ValueError(f"a content key is 1..{MAX_KEY_CHARS} characters")
    if len(key.encode("utf-8")) > 2 * MAX_KEY_CHARS:  # DynamoDB keys are at most 2048 bytes
        raise ValueError(f"a content key is at most {2 * MAX_KEY_CHARS} bytes of UTF-8")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in key):
        raise ValueError("a content key has no control characters")
    return key


def encode(key: str, value: dict[str, Any], ttl_s: int) -> str:
    """The JSON text to keep for ``value``, after checking key, value and TTL.

    Raises:
        ValueError: bad key, a TTL outside 1 s..400 days, a value that is not a JSON object
            or is larger than :data:`MAX_VALUE_BYTES` once encoded.
    """
    check_key(key)
    if isinstance(ttl_s, bool) or not isinstance(ttl_s, int) or not 1 <= ttl_s <= MAX_TTL_S:
        raise ValueError(f"ttl_s must be a whole number of seconds in 1..{MAX_TTL_S}")
    if not isinstance(value, dict):
        raise ValueError("a content value is a JSON object")
    try:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"a content value must be plain JSON: {exc}") from None
    if len(text.encode("utf-8")) > MAX_VALUE_BYTES:
        raise ValueError(f"a content value is at most {MAX_VALUE_BYTES} bytes of JSON")
    return text


def decode(text: str | None) -> dict[str, Any] | None:
    """The value kept as ``text``; None for nothing or for text that is not a JSON object."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
