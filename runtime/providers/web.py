"""JSON over HTTP for the keyless open-data sources (Open-Meteo, Frankfurter, Wikivoyage).

Every source is called through one :class:`JsonSource`, which gives each the same guarantees as
the cloud providers:

- **a deadline**: a call never outlives ``min(timeout_s, deadline - now)``; with no time left it
  fails at once (``timeout``) without touching the network;
- **one retry** of a 5xx or a dropped connection, while at least half the time is left
  (:func:`runtime.providers.retry.provider_retry`);
- **a circuit breaker**: after ``failure_threshold`` consecutive failures the source is skipped
  for a cool-down (``unavailable``, no request sent), so a dead source costs nothing per turn;
- **telemetry**: ``ProviderLatencyMs`` and ``ProviderTimeout``/``ProviderError`` per source;
- **no URL in any error**: an optional API key travels in the query string (Open-Meteo's
  commercial plan), so messages are built from exception types and statuses only.

A 404 is an answer, not a failure (``NotFoundError``; the breaker counts it as a success).
:class:`Source` is the attribution every answer carries: a name and a link, shown in replies.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from runtime.errors import NotFoundError, ProviderError
from runtime.providers.breaker import CircuitBreaker
from runtime.providers.failures import describe, malformed, status_error
from runtime.providers.observability import Telemetry
from runtime.providers.retry import provider_retry
from runtime.retry import RetryPolicy

if TYPE_CHECKING:
    import requests

USER_AGENT = "TravelBot/1.0 (multi-cloud travel chatbot; keyless open-data client)"
MAX_BODY_BYTES = 4 * 1024 * 1024  # a Wikivoyage article is ~0.2 MB; anything past this is wrong
COUNTED_FAILURES = frozenset({"timeout", "throttled", "unavailable", "malformed", "error"})


@dataclass(frozen=True)
class Source:
    """Where a fact came from: the name a reply cites, a link, and the terms it is used under."""

    name: str
    url: str
    terms: str = ""

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {"name": self.name, "url": self.url, "terms": self.terms}


def user_agent(contact: str = "") -> str:
    """The User-Agent every source sees; Wikimedia asks for a way to reach the operator."""
    contact = contact.strip()
    return f"{USER_AGENT[:-1]}; {contact})" if contact else USER_AGENT


class JsonSource:
    """GETs JSON from one source within a deadline, behind a retry and a circuit breaker.

    ``name`` is the provider name in metrics and errors (``open-meteo``, ``wikivoyage``...).
    """

    def __init__(
        self,
        name: str,
        *,
        timeout_s: float = 2.5,
        connect_timeout_s: float = 1.0,
        breaker: CircuitBreaker | None = None,
        retry: RetryPolicy | None = None,
        telemetry: Telemetry | None = None,
        clock: Callable[[], float] = time.monotonic,
        session: requests.Session | None = None,
        agent: str = USER_AGENT,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        self.name = name
        self._timeout_s = timeout_s
        self._connect_timeout_s = connect_timeout_s
        self._breaker = breaker or CircuitBreaker(name, failure_threshold=3, cooldown_s=30.0)
        self._retry = retry or provider_retry()
        self._telemetry = telemetry
        self._clock = clock
        self._session = session  # built on first use: importing requests costs start-up time
        self._agent = agent
        self._lock = threading.Lock()

    @property
    def timeout_s(self) -> float:
        """The longest one call may take, whatever the deadline."""
        return self._timeout_s

    @property
    def breaker(self) -> CircuitBreaker:
        """This source's circuit breaker."""
        return self._breaker

    def get(self, url: str, params: Mapping[str, str], *, deadline: float | None = None) -> Any:
        """The decoded JSON answer of ``GET url?params``.

        ``deadline`` is a ``time.monotonic()`` instant (the turn's); the call also never takes
        longer than this source's own timeout.

        Raises:
            NotFoundError: the source answered 404.
            ProviderError: ``timeout``, ``throttled``, ``unavailable`` (also when the breaker is
                open), ``malformed`` or ``error``; never with the URL in its message.
        """
        started = self._clock()
        limit = started + self._timeout_s
        if deadline is not None:
            limit = min(limit, deadline)
        if limit - started <= 0:
            raise ProviderError(self.name, "no time left in this turn", kind="timeout")
        if not self._breaker.allow():
            raise ProviderError(self.name, "skipped: circuit open", kind="unavailable")
        failure: str | None = None
        try:
            return self._retry.run(
                lambda: self._attempt(url, params, limit),
                budget_s=limit - started,
                clock=self._clock,
            )
        except NotFoundError:
            raise
        except ProviderError as exc:
            failure = exc.kind
            raise
        finally:
            self._breaker.record(failure not in COUNTED_FAILURES)
            if self._telemetry is not None:
                latency_ms = (self._clock() - started) * 1000
                self._telemetry.provider_call(self.name, latency_ms, failure)

    # ------------------------------------------------------------------------------ internals

    def _attempt(self, url: str, params: Mapping[str, str], limit: float) -> Any:
        import requests

        left = limit - self._clock()
        if left <= 0:
            raise ProviderError(self.name, "timed out before the request", kind="timeout")
        try:
            response = self._http().get(
                url,
                params=dict(params),
                headers={"Accept": "application/json", "User-Agent": self._agent},
                timeout=(min(self._connect_timeout_s, left), left),
            )
        except requests.Timeout as exc:
            raise ProviderError(self.name, f"timed out ({describe(exc)})", kind="timeout") from exc
        except requests.ConnectionError as exc:
            message = f"connection failed ({describe(exc)})"
            raise ProviderError(self.name, message, kind="unavailable") from exc
        except requests.RequestException as exc:
            raise ProviderError(self.name, f"request failed ({describe(exc)})") from exc
        if response.status_code == 404:
            raise NotFoundError(f"{self.name} has no such resource")
        if response.status_code != 200:
            raise status_error(self.name, response.status_code, "GET")
        if len(response.content) > MAX_BODY_BYTES:
            raise malformed(self.name, f"body of {len(response.content)} bytes is too large")
        try:
            return response.json()
        except ValueError as exc:
            raise malformed(self.name, "body is not JSON") from exc

    def _http(self) -> requests.Session:
        with self._lock:
            if self._session is None:
                self._session = _session()
            return self._session


def _session() -> requests.Session:
    import requests
    from requests.adapters import HTTPAdapter

    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=2, pool_maxsize=10, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def expect_object(name: str, payload: Any, what: str) -> Mapping[str, Any]:
    """``payload`` as a JSON object, or ``ProviderError`` kind ``malformed``."""
    if not isinstance(payload, Mapping):
        raise malformed(name, f"{what} is not a JSON object")
    return payload
