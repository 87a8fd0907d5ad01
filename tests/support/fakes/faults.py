"""Fault injection shared by every fake: latency, error statuses, resets, bad JSON and hangs.

A :class:`Faults` object is read once per incoming request (:meth:`Faults.plan`), so a change
made by a test applies to the *next* request the fake receives. All state sits behind one lock;
tests may flip faults from any thread while the server is answering.

Persistent faults (``latency_s``, ``status``, ``reset``, ``malformed``, ``hang``) stay until
changed or :meth:`Faults.clear` is called. One-shot faults queued with :meth:`Faults.fail_next`
are used first, one per request, which is how "one failure, then success" (SDK retries) is tested::

    fake.faults.latency_s = 0.5                      # every answer 0.5 s late
    fake.faults.status = 503                         # every request fails with the API's 503
    fake.faults.fail_next(1, status=429)             # the next request only, then normal
    fake.faults.fail_next(2, kind=FaultKind.RESET)   # reset the next two connections
    fake.faults.hang = True                          # hold requests until cleared or stopped
    fake.faults.clear()                              # all off, hanging requests released
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from enum import Enum

#: The faults every provider client is tested against, by the names the tests' ids use
#: (switched on with :meth:`Faults.switch_on`).
NAMED_FAULTS = ("5xx", "429", "reset", "malformed", "slow")
#: The :class:`runtime.errors.ProviderError` kind a provider's client turns each into.
PROVIDER_ERROR_KIND = {
    "5xx": "unavailable",
    "429": "throttled",
    "reset": "unavailable",
    "malformed": "malformed",
    "slow": "timeout",
}


class FaultKind(Enum):
    """What a faulty request gets instead of its normal answer."""

    STATUS = "status"
    """An HTTP error status with the API's own error body; a 429 carries ``Retry-After`` only
    where the real API sends one (Azure Language)."""
    RESET = "reset"
    """The request is read, then the TCP connection is reset (RST): a connection error."""
    MALFORMED = "malformed"
    """200 with the normal JSON body cut in half: a parse error in the client."""
    HANG = "hang"
    """No answer until the fault is cleared or the fake stops: the client's read timeout fires."""


@dataclass(frozen=True)
class FaultPlan:
    """What the server does with one request, decided when the request arrives."""

    latency_s: float
    kind: FaultKind | None
    status: int
    hang_epoch: int


@dataclass(frozen=True)
class _OneShot:
    kind: FaultKind
    status: int


class Faults:
    """Thread-safe, runtime-settable fault switches of one fake server."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._stopping = False
        self._latency_s = 0.0
        self._status: int | None = None
        self._reset = False
        self._malformed = False
        self._hang = False
        self._hang_epoch = 0
        self._queue: deque[_OneShot] = deque()

    # Persistent switches -------------------------------------------------------------------

    @property
    def latency_s(self) -> float:
        """Delay added before every answer (seconds, >= 0)."""
        with self._cond:
            return self._latency_s

    @latency_s.setter
    def latency_s(self, value: float) -> None:
        if value < 0:
            raise ValueError("latency_s must be >= 0")
        with self._cond:
            self._latency_s = value

    @property
    def status(self) -> int | None:
        """Answer every request with this HTTP error status (None: off)."""
        with self._cond:
            return self._status

    @status.setter
    def status(self, value: int | None) -> None:
        if value is not None and not 400 <= value <= 599:
            raise ValueError("status must be an HTTP error status (400..599)")
        with self._cond:
            self._status = value

    @property
    def reset(self) -> bool:
        """Reset the connection of every request."""
        with self._cond:
            return self._reset

    @reset.setter
    def reset(self, value: bool) -> None:
        with self._cond:
            self._reset = value

    @property
    def malformed(self) -> bool:
        """Answer 200 with a truncated JSON body."""
        with self._cond:
            return self._malformed

    @malformed.setter
    def malformed(self, value: bool) -> None:
        with self._cond:
            self._malformed = value

    @property
    def hang(self) -> bool:
        """Never answer; setting it back to False releases the requests that are hanging."""
        with self._cond:
            return self._hang

    @hang.setter
    def hang(self, value: bool) -> None:
        with self._cond:
            self._hang = value
            if not value:
                self._release_hangs()

    def switch_on(self, name: str, *, slow_s: float) -> None:
        """Switch one of :data:`NAMED_FAULTS` on for every following request: ``5xx`` (503),
        ``429``, ``reset``, ``malformed``, or ``slow`` (every answer ``slow_s`` late).

        Raises:
            ValueError: for any other name.
        """
        if name == "5xx":
            self.status = 503
        elif name == "429":
            self.status = 429
        elif name == "reset":
            self.reset = True
        elif name == "malformed":
            self.malformed = True
        elif name == "slow":
            self.latency_s = slow_s
        else:
            raise ValueError(f"no fault named {name!r}; one of {NAMED_FAULTS}")

    # One-shot faults and reset --------------------------------------------------------------

    def fail_next(
        self, n: int = 1, *, status: int = 503, kind: FaultKind = FaultKind.STATUS
    ) -> None:
        """Queue ``n`` one-shot faults for the next ``n`` requests (then answers are normal).

        Raises:
            ValueError: if ``n`` is negative or ``status`` is not an HTTP error status.
        """
        if n < 0:
            raise ValueError("n must be >= 0")
        if not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error status (400..599)")
        with self._cond:
            self._queue.extend(_OneShot(kind, status) for _ in range(n))

    @property
    def pending(self) -> int:
        """How many one-shot faults are still queued."""
        with self._cond:
            return len(self._queue)

    def clear(self) -> None:
        """Switch every fault off, drop queued one-shots and release hanging requests."""
        with self._cond:
            self._latency_s = 0.0
            self._status = None
            self._reset = self._malformed = self._hang = False
            self._queue.clear()
            self._release_hangs()

    # Used by the server ---------------------------------------------------------------------

    def plan(self) -> FaultPlan:
        """Decide the fate of one arriving request (consumes one queued one-shot, if any)."""
        with self._cond:
            kind: FaultKind | None = None
            status = 503
            if self._queue:
                shot = self._queue.popleft()
                kind, status = shot.kind, shot.status
            elif self._hang:
                kind = FaultKind.HANG
            elif self._reset:
                kind = FaultKind.RESET
            elif self._status is not None:
                kind, status = FaultKind.STATUS, self._status
            elif self._malformed:
                kind = FaultKind.MALFORMED
            return FaultPlan(self._latency_s, kind, status, self._hang_epoch)

    def sleep(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; return False early if the server is stopping."""
        with self._cond:
            return not self._cond.wait_for(lambda: self._stopping, timeout=seconds)

    def wait_released(self, epoch: int) -> bool:
        """Block a hanging request: True once the hang is cleared, False if the server stops."""
        with self._cond:
            self._cond.wait_for(lambda: self._stopping or self._hang_epoch != epoch)
            return not self._stopping

    def stop(self) -> None:
        """Wake every sleeping or hanging request: the server is shutting down."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()

    def restart(self) -> None:
        """Allow sleeps and hangs again after :meth:`stop` (a fake started a second time)."""
        with self._cond:
            self._stopping = False

    def _release_hangs(self) -> None:
        self._hang_epoch += 1
        self._cond.notify_all()
