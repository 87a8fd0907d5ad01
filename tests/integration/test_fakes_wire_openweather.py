"""requests against the OpenWeather fake: geocoding, current weather, forecast, faults."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from tests.support.fakes.openweather import FORECAST_STEPS, OpenWeatherFake

LISBON = {"lat": "38.7167", "lon": "-9.1333"}
TIMEOUT = (1.0, 2.0)  # (connect, read) seconds


def get(fake: OpenWeatherFake, path: str, timeout: Any = TIMEOUT, **params: str) -> Any:
    params.setdefault("appid", fake.api_key)
    return requests.get(f"{fake.url}{path}", params=params, timeout=timeout)


def test_geocoding_finds_a_known_city(openweather_fake: OpenWeatherFake) -> None:
    response = get(openweather_fake, "/geo/1.0/direct", q="lisbon", limit="1")

    assert response.status_code == 200
    [place] = response.json()
    assert (place["name"], place["country"]) == ("Lisbon", "PT")
    assert (place["lat"], place["lon"]) == (38.7167, -9.1333)


def test_geocoding_honours_state_and_country_qualifiers(openweather_fake: OpenWeatherFake) -> None:
    found = get(openweather_fake, "/geo/1.0/direct", q="New York,NY,US").json()
    assert [(p["name"], p["state"]) for p in found] == [("New York", "New York")]

    assert get(openweather_fake, "/geo/1.0/direct", q="Paris,US").json() == []


def test_geocoding_an_unknown_city_returns_an_empty_list(openweather_fake: OpenWeatherFake) -> None:
    response = get(openweather_fake, "/geo/1.0/direct", q="Atlantis", limit="5")

    assert response.status_code == 200
    assert response.json() == []


def test_current_weather_is_metric_and_deterministic(openweather_fake: OpenWeatherFake) -> None:
    first = get(openweather_fake, "/data/2.5/weather", units="metric", **LISBON).json()
    again = get(openweather_fake, "/data/2.5/weather", units="metric", **LISBON).json()

    assert first == again
    assert first["name"] == "Lisbon"
    assert first["cod"] == 200
    assert 5 < first["main"]["temp"] < 40
    assert first["weather"][0]["main"] in {"Clear", "Clouds", "Rain"}
    assert first["dt"] == int(datetime(2025, 6, 2, 10, 30, tzinfo=UTC).timestamp())


def test_imperial_units_convert_the_same_temperature(openweather_fake: OpenWeatherFake) -> None:
    metric = get(openweather_fake, "/data/2.5/weather", units="metric", **LISBON).json()
    imperial = get(openweather_fake, "/data/2.5/weather", units="imperial", **LISBON).json()
    standard = get(openweather_fake, "/data/2.5/weather", **LISBON).json()

    celsius = metric["main"]["temp"]
    assert imperial["main"]["temp"] == pytest.approx(celsius * 9 / 5 + 32, abs=0.01)
    assert standard["main"]["temp"] == pytest.approx(celsius + 273.15, abs=0.01)


def test_forecast_has_forty_three_hour_steps_after_the_clock(
    openweather_fake: OpenWeatherFake,
) -> None:
    body = get(openweather_fake, "/data/2.5/forecast", units="metric", **LISBON).json()

    steps = body["list"]
    assert (body["cod"], body["cnt"], len(steps)) == ("200", FORECAST_STEPS, FORECAST_STEPS)
    assert steps[0]["dt_txt"] == "2025-06-02 12:00:00"
    assert all(b["dt"] - a["dt"] == 3 * 3600 for a, b in itertools.pairwise(steps))
    assert all(
        datetime.fromtimestamp(s["dt"], UTC).strftime("%Y-%m-%d %H:%M:%S") == s["dt_txt"]
        for s in steps
    )
    assert body["city"]["name"] == "Lisbon"
    assert {s["sys"]["pod"] for s in steps} == {"d", "n"}


def test_forecast_count_is_limited_by_cnt(openweather_fake: OpenWeatherFake) -> None:
    body = get(openweather_fake, "/data/2.5/forecast", cnt="8", **LISBON).json()

    assert body["cnt"] == 8
    assert len(body["list"]) == 8


def test_an_injected_clock_moves_the_weather_in_time(openweather_fake: OpenWeatherFake) -> None:
    openweather_fake.clock = lambda: datetime(2030, 1, 15, 23, 5, tzinfo=UTC)

    body = get(openweather_fake, "/data/2.5/forecast", **LISBON).json()

    assert body["list"][0]["dt_txt"] == "2030-01-16 00:00:00"


@pytest.mark.parametrize("appid", ["wrong-key", ""])
def test_a_wrong_or_missing_key_gets_the_401_body(
    openweather_fake: OpenWeatherFake, appid: str
) -> None:
    response = get(openweather_fake, "/data/2.5/weather", appid=appid, **LISBON)

    assert response.status_code == 401
    assert response.json()["cod"] == 401
    assert response.json()["message"].startswith("Invalid API key.")


def test_missing_coordinates_are_a_400(openweather_fake: OpenWeatherFake) -> None:
    response = get(openweather_fake, "/data/2.5/weather", lat="38.7")

    assert response.status_code == 400
    assert response.json() == {"cod": "400", "message": "Nothing to geocode"}


# Faults -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 503, 429])
def test_an_error_status_comes_with_the_openweather_error_body(
    openweather_fake: OpenWeatherFake, status: int
) -> None:
    openweather_fake.faults.status = status

    response = get(openweather_fake, "/data/2.5/weather", **LISBON)

    assert response.status_code == status
    assert set(response.json()) == {"cod", "message"}
    with pytest.raises(requests.HTTPError):
        response.raise_for_status()


def test_a_reset_raises_a_connection_error(openweather_fake: OpenWeatherFake) -> None:
    openweather_fake.faults.reset = True

    with pytest.raises(requests.ConnectionError):
        get(openweather_fake, "/data/2.5/weather", **LISBON)


def test_a_malformed_body_raises_a_json_error(openweather_fake: OpenWeatherFake) -> None:
    openweather_fake.faults.malformed = True

    response = get(openweather_fake, "/data/2.5/weather", **LISBON)

    assert response.status_code == 200
    with pytest.raises(requests.JSONDecodeError):
        response.json()


def test_a_hang_hits_the_read_timeout(openweather_fake: OpenWeatherFake) -> None:
    openweather_fake.faults.hang = True

    started = time.monotonic()
    with pytest.raises(requests.ReadTimeout):
        get(openweather_fake, "/data/2.5/weather", timeout=(1.0, 0.3), **LISBON)

    assert time.monotonic() - started < 5


def test_latency_delays_the_answer(openweather_fake: OpenWeatherFake) -> None:
    openweather_fake.faults.latency_s = 0.3

    started = time.monotonic()
    response = get(openweather_fake, "/geo/1.0/direct", q="Paris")

    assert time.monotonic() - started >= 0.25
    assert response.json()[0]["name"] == "Paris"


def test_one_failure_then_success_is_absorbed_by_a_urllib3_retry(
    openweather_fake: OpenWeatherFake,
) -> None:
    openweather_fake.faults.fail_next(1, status=503)
    session = requests.Session()
    retry = Retry(total=1, status_forcelist=[503], backoff_factor=0, allowed_methods=["GET"])
    session.mount("http://", HTTPAdapter(max_retries=retry))

    response = session.get(
        f"{openweather_fake.url}/geo/1.0/direct",
        params={"q": "Rome", "appid": openweather_fake.api_key},
        timeout=TIMEOUT,
    )

    assert response.status_code == 200
    assert response.json()[0]["name"] == "Rome"
    assert len(openweather_fake.requests) == 2
