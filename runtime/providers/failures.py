"""How SDK failures become :class:`runtime.errors.ProviderError` kinds, without leaking secrets.

Kinds: ``timeout`` (connect or read timeout), ``throttled`` (429), ``unavailable`` (5xx, a reset
or refused connection: worth one retry), ``malformed`` (a body we cannot read), ``unconfigured``
(a setting or secret is missing: the provider is skipped, not counted as failing) and ``error``
(anything else, e.g. 401/403: a configuration problem that retrying cannot fix).

SDK exception texts often contain the request URL, and OpenWeather's URL carries its key, so a
ProviderError message is built from the exception's *type* and the HTTP status only.
"""

from __future__ import annotations

from runtime.errors import ProviderError

RETRYABLE = frozenset({"unavailable"})
FAILURE_KINDS = frozenset({"timeout", "throttled", "unavailable", "malformed", "error"})


def kind_for_status(status: int) -> str:
    """The failure kind of an HTTP error status."""
    if status == 429:
        return "throttled"
    if status >= 500:
        return "unavailable"
    return "error"


def describe(exc: BaseException) -> str:
    """A log-safe description of an SDK exception: its qualified type name, never its text."""
    kind = type(exc)
    return f"{kind.__module__}.{kind.__qualname__}"


def status_error(provider: str, status: int, operation: str) -> ProviderError:
    """A :class:`ProviderError` for an HTTP error status."""
    return ProviderError(
        provider, f"{operation} answered HTTP {status}", kind=kind_for_status(status)
    )


def malformed(provider: str, what: str) -> ProviderError:
    """A :class:`ProviderError` for a response that does not have the documented shape."""
    return ProviderError(provider, f"malformed response: {what}", kind="malformed")
