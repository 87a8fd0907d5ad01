"""The suite's network guard: nothing a test does reaches beyond this machine.

``tests/support/netguard.py`` is installed for the whole session (``tests/conftest.py``); these
tests show that it refuses an outside address, that a test which swallows the refusal still
fails, and that loopback (every fake, dynalite, moto) stays reachable.
"""

from __future__ import annotations

import socket
import textwrap
from pathlib import Path

import pytest

from tests.support import netguard

ROOT = Path(__file__).resolve().parents[2]
pytest_plugins = ["pytester"]


@pytest.mark.network_guard_expected
def test_a_connection_to_an_outside_address_is_refused_and_recorded() -> None:
    # GIVEN the session's guard
    netguard.take_attempts()

    # WHEN a test connects to a documentation address (TEST-NET-3, never this machine)
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(netguard.NonLoopbackError),
    ):
        sock.connect(("203.0.113.7", 443))

    # THEN the attempt is recorded against the test
    assert netguard.take_attempts() == ["connect to 203.0.113.7:443"]


@pytest.mark.network_guard_expected
def test_a_name_lookup_of_a_public_host_is_refused() -> None:
    # GIVEN the session's guard
    netguard.take_attempts()

    # WHEN a public host name is resolved (as any HTTP client would first do)
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("api.open-meteo.com", 443)

    # THEN no DNS query leaves the machine and the attempt is recorded
    assert netguard.take_attempts() == ["lookup of 'api.open-meteo.com'"]


def test_loopback_stays_reachable_and_records_nothing() -> None:
    # GIVEN a listening socket on 127.0.0.1
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]

        # WHEN a test connects to it by address and by the name localhost
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
        with socket.create_connection(("localhost", port), timeout=2):
            pass

    # THEN both connect and the guard saw nothing to refuse
    assert netguard.take_attempts() == []


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("localhost", True),
        (b"localhost", True),
        ("10.0.0.1", False),
        ("203.0.113.7", False),
        ("en.wikivoyage.org", False),
        ("2001:db8::1", False),
    ],
)
def test_only_this_machine_counts_as_loopback(host: str | bytes, loopback: bool) -> None:
    assert netguard.is_loopback(host) is loopback


def test_a_test_that_swallows_the_refusal_still_fails(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a test that connects outside and catches the error, as resilient code does
    pytester.makeconftest('pytest_plugins = ["tests.support.netguard"]')
    pytester.makepyfile(
        textwrap.dedent(
            """
            import socket

            def test_resilient_code_that_went_online():
                try:
                    socket.create_connection(("198.51.100.20", 80), timeout=1)
                except OSError:
                    pass  # degrade quietly
            """
        )
    )

    # WHEN the suite runs it (in its own process, with this repository importable)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--rootdir={pytester.path}")

    # THEN the guard fails it, naming the address
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*tried to reach beyond loopback*198.51.100.20*"])
