"""Cross-origin calls to ``POST /chat``: only from the configured origins, preflight included.

The embeddable widget needs none of this: its iframe is the chat page on this API's own origin,
which calls ``/chat`` same-origin. CORS is for sites that call the API from their own pages, and
it is off until origins are configured (``TRAVELBOT_ALLOWED_ORIGINS``, from the stack's
``allowedOrigins``). The rules, the same in Lambda and in the local server:

- Only ``/chat`` answers cross-origin; every other route stays same-origin.
- An allowed origin is echoed exactly in ``Access-Control-Allow-Origin``: never ``*``, and never
  ``Access-Control-Allow-Credentials`` (the API uses no cookies or other credentials).
- Every ``/chat`` answer carries ``Vary: Origin``, allowed or not, so a shared cache never hands
  one origin's answer to another; ``Retry-After`` is exposed so a site can honour a 429.
- The preflight (``OPTIONS /chat``) is answered by the function, not by a gateway mock, so that
  one tested implementation serves both; it succeeds (204, cached by the browser for two hours)
  only for an allowed origin asking for ``POST`` with ``Content-Type``, and is refused with a 403
  and no CORS header otherwise, which the browser reports as a failed request. Preflights are
  answered before the per-IP rate limiter: they cost no state, while counting them would cost
  a limiter write each.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, MutableMapping
from typing import Any

from runtime.api.http import JSON_HEADERS, error_body
from runtime.api.validation import header

__all__ = ["CORS_PATHS", "MAX_AGE_S", "preflight", "with_cors"]

CORS_PATHS = frozenset({"/chat"})
ALLOWED_METHOD = "POST"
#: Request headers a cross-origin caller may send beyond the CORS-safelisted ones.
ALLOWED_HEADERS = frozenset({"content-type"})
#: Chromium caps a cached preflight at two hours; Firefox allows a day.
MAX_AGE_S = 7200
EXPOSED_HEADERS = "Retry-After"
PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"


def _result(status: int, headers: Mapping[str, str], body: str = "") -> dict[str, Any]:
    return {"statusCode": status, "headers": dict(headers), "body": body, "isBase64Encoded": False}


def _refused(reason: str) -> dict[str, Any]:
    body = json.dumps(error_body("cors_refused", reason))
    return _result(403, {**JSON_HEADERS, "Vary": PREFLIGHT_VARY}, body)


def preflight(event: Mapping[str, Any], allowed: Collection[str]) -> dict[str, Any] | None:
    """The answer to ``OPTIONS`` on a CORS path, or None for any other request.

    A plain ``OPTIONS`` (no ``Origin`` or no ``Access-Control-Request-Method``) learns the
    methods (204 with ``Allow``); a preflight succeeds only under the rules in the module note.
    """
    if event.get("httpMethod") != "OPTIONS" or event.get("path") not in CORS_PATHS:
        return None
    headers = event.get("headers") or {}
    origin = header(headers, "origin")
    method = header(headers, "access-control-request-method")
    if not origin or not method:
        return _result(204, {"Allow": f"OPTIONS, {ALLOWED_METHOD}"})
    if origin not in allowed:
        return _refused("this origin may not call the chat API from its pages")
    if method != ALLOWED_METHOD:
        return _refused(f"only {ALLOWED_METHOD} may be called cross-origin")
    asked = {
        h.strip().lower() for h in header(headers, "access-control-request-headers").split(",")
    }
    extra = sorted(asked - ALLOWED_HEADERS - {""})
    if extra:
        return _refused("only the Content-Type request header may be sent cross-origin")
    return _result(
        204,
        {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": ALLOWED_METHOD,
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Max-Age": str(MAX_AGE_S),
            "Vary": PREFLIGHT_VARY,
        },
    )


def _merge_vary(current: str, token: str) -> str:
    tokens = [t.strip() for t in current.split(",") if t.strip()]
    if token.lower() not in {t.lower() for t in tokens}:
        tokens.append(token)
    return ", ".join(tokens)


def _set_headers(result: MutableMapping[str, Any], extra: Mapping[str, str]) -> None:
    """Add ``extra`` to a proxy result, in whichever header map it uses; ``Vary`` is merged."""
    multi = result.get("multiValueHeaders")
    as_lists = isinstance(multi, MutableMapping)
    target: MutableMapping[str, Any] = (
        multi if isinstance(multi, MutableMapping) else result.setdefault("headers", {})
    )
    for name, value in extra.items():
        existing = next((k for k in target if k.lower() == name.lower()), None)
        if existing is not None:
            old = target.pop(existing)
            if name == "Vary":
                value = _merge_vary(", ".join(old) if as_lists else str(old), value)
        target[name] = [value] if as_lists else value


def with_cors(
    event: Mapping[str, Any], result: dict[str, Any], allowed: Collection[str]
) -> dict[str, Any]:
    """``result`` with the CORS headers its request calls for (only on a CORS path).

    ``Vary: Origin`` always; ``Access-Control-Allow-Origin`` (the origin itself) and
    ``Access-Control-Expose-Headers`` only for an allowed origin, on every status, so a site can
    read a 400 or a 429 as well as a reply.
    """
    if event.get("path") not in CORS_PATHS or event.get("httpMethod") == "OPTIONS":
        return result
    extra = {"Vary": "Origin"}
    origin = header(event.get("headers") or {}, "origin")
    if origin and origin in allowed:
        extra["Access-Control-Allow-Origin"] = origin
        extra["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    _set_headers(result, extra)
    return result
