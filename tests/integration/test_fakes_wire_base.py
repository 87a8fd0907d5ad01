"""The shared fake-server base: recording, lifecycle and fault switches (seen over HTTP)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from tests.support.fakes.faults import FaultKind, Faults
from tests.support.fakes.openweather import OpenWeatherFake

PARIS = "/geo/1.0/direct"


def geocode(fake: OpenWeatherFake, timeout: float = 2.0) -> requests.Response:
    return requests.get(
        f"{fake.url}{PARIS}", params={"q": "Paris", "appid": fake.api_key}, timeout=timeout
    )


def test_every_request_is_recorded_with_method_path_query_headers_and_json(
    openweather_fake: OpenWeatherFake,
) -> None:
    requests.post(
        f"{openweather_fake.url}/anything?a=1&a=2&b=",
        json={"x": [1, 2]},
        headers={"X-Custom": "yes"},
        timeout=2,
    )

    [request] = openweather_fake.requests
    assert request.method == "POST"
    assert request.path == "/anything"
    assert request.query == {"a": ["1", "2"], "b": [""]}
    assert request.header("x-custom") == "yes"
    assert request.headers["x-custom"] == "yes"
    assert request.json == {"x": [1, 2]}


def test_reset_forgets_requests_and_switches_faults_off(openweather_fake: OpenWeatherFake) -> None:
    geocode(openweather_fake)
    openweather_fake.faults.status = 503
    openweather_fake.faults.fail_next(2)

    openweather_fake.reset()

    assert openweather_fake.requests == []
    assert openweather_fake.faults.status is None
    assert openweather_fake.faults.pending == 0
    assert geocode(openweather_fake).status_code == 200


def test_a_persistent_fault_applies_until_cleared(openweather_fake: OpenWeatherFake) -> None:
    openweather_fake.faults.status = 503

    assert [geocode(openweather_fake).status_code for _ in range(3)] == [503, 503, 503]
    openweather_fake.faults.status = None
    assert geocode(openweather_fake).status_code == 200


def test_queued_failures_are_used_once_each_in_order(openweather_fake: OpenWeatherFake) -> None:
    openweather_fake.faults.fail_next(1, status=429)
    openweather_fake.faults.fail_next(1, status=500)

    statuses = [geocode(openweather_fake).status_code for _ in range(3)]

    assert statuses == [429, 500, 200]
    assert openweather_fake.faults.pending == 0


def test_a_queued_reset_fails_one_request_only(openweather_fake: OpenWeatherFake) -> None:
    openweather_fake.faults.fail_next(1, kind=FaultKind.RESET)

    with pytest.raises(requests.ConnectionError):
        geocode(openweather_fake)
    assert geocode(openweather_fake).status_code == 200


def test_stopping_does_not_wait_for_a_hanging_request() -> None:
    # GIVEN a request hanging on a fake, from a client willing to wait 30 s
    fake = OpenWeatherFake().start()
    fake.faults.hang = True
    outcome: list[BaseException | requests.Response] = []

    def call() -> None:
        try:
            outcome.append(geocode(fake, timeout=30))
        except requests.RequestException as exc:
            outcome.append(exc)

    client = threading.Thread(target=call)
    client.start()
    _wait_for(lambda: len(fake.requests) == 1)

    # WHEN the fake stops
    started = time.monotonic()
    fake.stop()
    client.join(timeout=10)

    # THEN shutdown is prompt and the client sees its connection drop instead of waiting
    assert time.monotonic() - started < 3
    assert not client.is_alive()
    assert isinstance(outcome[0], requests.ConnectionError)


def test_clearing_a_hang_releases_the_waiting_request(openweather_fake: OpenWeatherFake) -> None:
    openweather_fake.faults.hang = True
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(geocode, openweather_fake, 10.0)
        _wait_for(lambda: len(openweather_fake.requests) == 1)
        assert not pending.done()

        openweather_fake.faults.hang = False

        assert pending.result(timeout=5).status_code == 200


def test_concurrent_requests_are_all_served_and_recorded(openweather_fake: OpenWeatherFake) -> None:
    # GIVEN every answer takes 0.3 s
    openweather_fake.faults.latency_s = 0.3

    # WHEN 12 clients call at once
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda _: geocode(openweather_fake).status_code, range(12)))

    # THEN all succeed, all are recorded, and they were served in parallel (not 12 x 0.3 s)
    assert statuses == [200] * 12
    assert len(openweather_fake.requests) == 12
    assert time.monotonic() - started < 2.5


def test_a_fake_can_be_restarted_and_not_started_twice() -> None:
    fake = OpenWeatherFake()
    with pytest.raises(RuntimeError):
        _ = fake.url
    with fake, pytest.raises(RuntimeError):
        fake.start()
    with fake:
        assert geocode(fake).status_code == 200


@pytest.mark.parametrize(
    ("attribute", "value"), [("latency_s", -1.0), ("status", 200), ("status", 600)]
)
def test_faults_reject_impossible_settings(attribute: str, value: Any) -> None:
    with pytest.raises(ValueError, match=attribute):
        setattr(Faults(), attribute, value)


def test_fail_next_rejects_a_negative_count_or_a_success_status() -> None:
    faults = Faults()
    with pytest.raises(ValueError, match="n must"):
        faults.fail_next(-1)
    with pytest.raises(ValueError, match="status"):
        faults.fail_next(1, status=204)


def _wait_for(condition: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)
