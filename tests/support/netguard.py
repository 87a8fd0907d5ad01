"""No test reaches past this machine: a session-wide guard on outgoing connections.

Registered as a pytest plugin by ``tests/conftest.py``. While the suite runs, ``socket.connect``
(and ``connect_ex``) to an address outside loopback, and ``getaddrinfo`` of a name that is not
``localhost``, are refused: the call raises :class:`NonLoopbackError` (a ``ConnectionRefusedError``,
so code under test degrades as it would offline) and the attempt is recorded, which fails the
test that made it even when that code swallowed the error. Unix sockets are not affected.
Subprocesses (the local server in ``tests/e2e``) are outside the guard; they are started with
the open-data sources switched off (``tests/smoke/local_server.py``).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Generator
from typing import Any

import pytest

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class NonLoopbackError(ConnectionRefusedError):
    """A test tried to reach an address outside this machine."""


_lock = threading.Lock()
_attempts: list[str] = []
_originals: dict[str, Any] = {}


def is_loopback(host: object) -> bool:
    """True for loopback addresses (127.0.0.0/8, ::1) and the names that mean this machine."""
    if host is None:
        return True  # getaddrinfo(None, port): the local wildcard, for servers binding
    text = host.decode() if isinstance(host, bytes) else str(host)
    text = text.strip("[]").split("%", 1)[0]
    if text.lower() in LOOPBACK_NAMES or text == "":
        return True
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _refuse(what: str) -> NonLoopbackError:
    with _lock:
        _attempts.append(what)
    return NonLoopbackError(f"test network guard: {what} is not on this machine")


def _guard_connect(original: Callable[..., Any]) -> Callable[..., Any]:
    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):
            raise _refuse(f"connect to {address[0]}:{address[1]}")
        return original(self, address)

    return connect


def _guard_getaddrinfo(original: Callable[..., Any]) -> Callable[..., Any]:
    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_loopback(host):
            raise socket.gaierror(socket.EAI_NONAME, str(_refuse(f"lookup of {host!r}")))
        return original(host, *args, **kwargs)

    return getaddrinfo


def install() -> None:
    """Put the guard in place (idempotent)."""
    with _lock:
        if _originals:
            return
        _originals["connect"] = socket.socket.connect
        _originals["connect_ex"] = socket.socket.connect_ex
        _originals["getaddrinfo"] = socket.getaddrinfo
    socket.socket.connect = _guard_connect(_originals["connect"])  # type: ignore[method-assign]
    socket.socket.connect_ex = _guard_connect(_originals["connect_ex"])  # type: ignore[method-assign]
    socket.getaddrinfo = _guard_getaddrinfo(_originals["getaddrinfo"])


def uninstall() -> None:
    """Restore the real socket functions."""
    with _lock:
        if not _originals:
            return
        socket.socket.connect = _originals.pop("connect")  # type: ignore[method-assign]
        socket.socket.connect_ex = _originals.pop("connect_ex")  # type: ignore[method-assign]
        socket.getaddrinfo = _originals.pop("getaddrinfo")


def take_attempts() -> list[str]:
    """The refused attempts since the last call (and forget them)."""
    with _lock:
        found = list(_attempts)
        _attempts.clear()
        return found


def pytest_sessionstart(session: pytest.Session) -> None:
    """Guard the whole session."""
    install()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Hand the real sockets back."""
    uninstall()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, None]:
    """Fail a test that tried to leave the machine, even if its code caught the refusal."""
    take_attempts()
    outcome = yield
    attempts = take_attempts()
    if attempts and not item.get_closest_marker("network_guard_expected"):
        outcome.force_exception(
            pytest.fail.Exception(
                "this test tried to reach beyond loopback: " + "; ".join(attempts[:5]),
                pytrace=False,
            )
        )
