"""One small exception class per failure case.

Request errors carry the HTTP status and the stable error ``code`` of the ``/chat`` contract;
provider and store errors wrap SDK failures at the boundary (``raise ProviderError(...) from exc``)
so callers never see an SDK type.
"""

from __future__ import annotations


class TravelBotError(Exception):
    """Base class of every error this package raises on purpose."""


class RequestError(TravelBotError):
    """A client error that becomes ``{"error": {"code", "message"}}`` with ``status``."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def headers(self) -> dict[str, str]:
        """Response headers the status calls for (none by default)."""
        return {}


class ValidationError(RequestError):
    """A field of the request is missing, of the wrong type or out of range."""

    status = 400
    code = "invalid_request"


class PayloadTooLargeError(RequestError):
    """The body exceeds the size the API accepts."""

    status = 413
    code = "payload_too_large"


class UnsupportedMediaTypeError(RequestError):
    """The body is not declared as JSON."""

    status = 415
    code = "unsupported_media_type"


class NotFoundError(RequestError):
    """The session, link or route does not exist."""

    status = 404
    code = "not_found"


class UnauthorizedError(RequestError):
    """A protected route was called without the right token; ``realm`` names the scheme."""

    status = 401
    code = "unauthorized"

    def __init__(self, message: str, *, realm: str) -> None:
        super().__init__(message)
        self.realm = realm

    def headers(self) -> dict[str, str]:
        """``WWW-Authenticate``, as RFC 9110 requires on a 401."""
        return {"WWW-Authenticate": self.realm}


class RateLimitedError(RequestError):
    """The caller's token bucket is empty; ``retry_after_s`` says when to come back."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s

    def headers(self) -> dict[str, str]:
        """``Retry-After`` in whole seconds."""
        return {"Retry-After": str(self.retry_after_s)}


class ModelError(TravelBotError):
    """The bot model file is invalid; the message names file, intent and field."""


class ConfigError(TravelBotError):
    """A setting is missing or malformed; the message names the setting."""


class ProviderError(TravelBotError):
    """A cloud or network dependency (NLU, sentiment, weather, secrets) failed or timed out."""

    def __init__(self, provider: str, message: str, *, kind: str = "error") -> None:
        super().__init__(f"{provider}: {message}")
        self.provider = provider
        self.kind = kind  # "timeout", "throttled", "unavailable", "malformed", "error"


class SpoolError(TravelBotError):
    """The spool could not take or give back a message (or a message is malformed)."""


class StoreError(TravelBotError):
    """The history store failed; the turn may be spooled and replayed later."""


class PlacesIndexError(TravelBotError):
    """The places index is missing, of another format version, or corrupt; the message names
    the file. The gazetteer then falls back to the bot model's cities."""
