"""The weather providers through their real HTTP client against wire-level fakes.

OpenWeather (used when its key is configured) and Open-Meteo (keyless: forecast and historical
normals): what they ask for, what they return, how they cache, and how every fault becomes a
``ProviderError`` kind within the deadline, without a key in any message.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from typing import Any

import pytest

from runtime.errors import ProviderError
from runtime.providers.breaker import CircuitBreaker
from runtime.providers.cached import CachedSource
from runtime.providers.weather.openmeteo import OpenMeteoClimate, OpenMeteoWeather
from runtime.providers.weather.openweather import OpenWeatherProvider
from runtime.providers.weather.service import WeatherService
from runtime.providers.web import JsonSource
from runtime.store.content_memory import MemoryContentCache
from tests.support.fakes.faults import NAMED_FAULTS, PROVIDER_ERROR_KIND
from tests.support.fakes.open_meteo import OpenMeteoFake, day_weather
from tests.support.fakes.openweather import OpenWeatherFake
from tests.support.places import place

TIMEOUT_S = 0.5
SLOW_S = TIMEOUT_S + 1.0
LISBON, KYOTO = place("Lisbon"), place("Kyoto")
assert LISBON is not None and KYOTO is not None


def failure(call: Any) -> tuple[ProviderError, float]:
    started = time.monotonic()
    with pytest.raises(ProviderError) as caught:
        call()
    return caught.value, time.monotonic() - started


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def http(name: str, *, failures: int = 10) -> JsonSource:
    return JsonSource(
        name,
        timeout_s=TIMEOUT_S,
        breaker=CircuitBreaker(name, failure_threshold=failures, cooldown_s=30),
    )


# ------------------------------------------------------------------------------- OpenWeather
def openweather(fake: OpenWeatherFake, **kwargs: Any) -> OpenWeatherProvider:
    return OpenWeatherProvider(
        http("openweather"), endpoint=fake.url, api_key=lambda: fake.api_key, **kwargs
    )


def test_openweather_reports_at_the_places_coordinates_without_geocoding(
    openweather_fake: OpenWeatherFake,
) -> None:
    report = openweather(openweather_fake).report(LISBON)

    assert (report.city, report.country, report.source.name) == (
        "Lisbon",
        "Portugal",
        "OpenWeather",
    )
    assert 0 < report.temp_c < 45  # Celsius, not Kelvin
    assert 1 <= len(report.forecast) <= 5
    assert [r.path for r in openweather_fake.requests] == [
        "/data/2.5/weather",
        "/data/2.5/forecast",
    ]
    assert {r.query_value("lat") for r in openweather_fake.requests} == {"38.7167"}
    assert all(r.query_value("units") == "metric" for r in openweather_fake.requests)


def test_an_openweather_report_is_cached_for_ten_minutes_then_fetched_again(
    openweather_fake: OpenWeatherFake,
) -> None:
    # GIVEN a provider caching in a store on a hand-driven clock
    clock = Clock()
    weather = openweather(
        openweather_fake, cache=CachedSource(MemoryContentCache(clock=clock), clock=clock)
    )
    first = weather.report(LISBON)

    # WHEN the same place is asked again within ten minutes, then after
    clock.now += 599
    again = weather.report(LISBON)
    cached_requests = len(openweather_fake.requests)
    clock.now += 2
    weather.report(LISBON)

    # THEN the repeat costs nothing and the later one asks again
    assert again == first
    assert (cached_requests, len(openweather_fake.requests)) == (2, 4)


def test_a_recent_openweather_report_is_served_while_the_service_fails(
    openweather_fake: OpenWeatherFake,
) -> None:
    clock = Clock()
    weather = openweather(
        openweather_fake, cache=CachedSource(MemoryContentCache(clock=clock), clock=clock)
    )
    report = weather.report(KYOTO)
    openweather_fake.faults.status = 503
    clock.now += 1200  # stale, but younger than an hour
    assert weather.report(KYOTO) == report
    clock.now += 3600
    with pytest.raises(ProviderError):
        weather.report(KYOTO)


@pytest.mark.parametrize("fault", NAMED_FAULTS)
def test_openweather_faults_become_provider_errors_without_the_key(
    openweather_fake: OpenWeatherFake, fault: str
) -> None:
    openweather_fake.faults.switch_on(fault, slow_s=SLOW_S)
    error, elapsed = failure(lambda: openweather(openweather_fake).report(LISBON))
    assert error.kind == PROVIDER_ERROR_KIND[fault]
    assert elapsed < TIMEOUT_S + 0.5
    assert openweather_fake.api_key not in str(error)


def test_openweather_without_a_key_is_unconfigured_and_sends_nothing(
    openweather_fake: OpenWeatherFake,
) -> None:
    weather = OpenWeatherProvider(http("openweather"), endpoint=openweather_fake.url, api_key=str)
    error, _ = failure(lambda: weather.report(LISBON))
    assert error.kind == "unconfigured"
    assert openweather_fake.requests == []


# ------------------------------------------------------------------------------- Open-Meteo
def test_open_meteo_reports_now_and_sixteen_local_days(open_meteo_fake: OpenMeteoFake) -> None:
    # GIVEN Open-Meteo's forecast for a place in Japan
    weather = OpenMeteoWeather(http("open-meteo"), base_url=open_meteo_fake.url)

    # WHEN the report is asked
    report = weather.report(KYOTO)

    # THEN it starts at Kyoto's local today, holds the fake's numbers and names its source
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).date()
    assert report.today == today.isoformat()
    assert len(report.forecast) == 16
    expected = day_weather(KYOTO.latitude, KYOTO.longitude, today)
    assert (report.forecast[0].max_c, report.forecast[0].min_c) == (
        expected["temperature_2m_max"],
        expected["temperature_2m_min"],
    )
    assert report.source.name == "Open-Meteo"
    [request] = open_meteo_fake.requests
    assert request.path == "/v1/forecast"
    assert (request.query_value("timezone"), request.query_value("wind_speed_unit")) == (
        "Asia/Tokyo",
        "ms",
    )
    assert request.query_value("apikey") is None


def test_with_a_commercial_key_open_meteo_sends_it_as_apikey(
    open_meteo_fake: OpenMeteoFake,
) -> None:
    weather = OpenMeteoWeather(
        http("open-meteo"), base_url=open_meteo_fake.url, api_key=lambda: "om-key-1234"
    )
    weather.report(LISBON)
    assert open_meteo_fake.requests[0].query_value("apikey") == "om-key-1234"


def test_open_meteo_answers_from_the_store_for_half_an_hour(open_meteo_fake: OpenMeteoFake) -> None:
    clock = Clock()
    cache = CachedSource(MemoryContentCache(clock=clock), clock=clock)
    weather = OpenMeteoWeather(http("open-meteo"), base_url=open_meteo_fake.url, cache=cache)
    first = weather.report(LISBON)
    clock.now += 1799
    assert weather.report(LISBON) == first
    assert len(open_meteo_fake.requests) == 1
    clock.now += 2
    weather.report(LISBON)
    assert len(open_meteo_fake.requests) == 2


@pytest.mark.parametrize("fault", NAMED_FAULTS)
def test_open_meteo_faults_become_provider_errors_within_the_timeout(
    open_meteo_fake: OpenMeteoFake, fault: str
) -> None:
    open_meteo_fake.faults.switch_on(fault, slow_s=SLOW_S)
    weather = OpenMeteoWeather(
        http("open-meteo"), base_url=open_meteo_fake.url, api_key=lambda: "om-key-1234"
    )
    error, elapsed = failure(lambda: weather.report(LISBON))
    assert error.kind == PROVIDER_ERROR_KIND[fault]
    assert elapsed < TIMEOUT_S + 0.5
    assert "om-key-1234" not in str(error)


def test_a_failing_source_is_skipped_by_its_breaker(open_meteo_fake: OpenMeteoFake) -> None:
    # GIVEN Open-Meteo failing, and a breaker that opens after three failures
    open_meteo_fake.faults.status = 503
    weather = OpenMeteoWeather(http("open-meteo", failures=3), base_url=open_meteo_fake.url)
    for _ in range(3):
        failure(lambda: weather.report(LISBON))
    sent = len(open_meteo_fake.requests)

    # WHEN it is asked again
    error, elapsed = failure(lambda: weather.report(LISBON))

    # THEN no request goes out and the answer is immediate
    assert len(open_meteo_fake.requests) == sent
    assert (error.kind, elapsed < 0.05) == ("unavailable", True)


def test_a_turn_deadline_shorter_than_the_timeout_bounds_the_call(
    open_meteo_fake: OpenMeteoFake,
) -> None:
    open_meteo_fake.faults.latency_s = 2.0
    weather = OpenMeteoWeather(http("open-meteo"), base_url=open_meteo_fake.url)
    error, elapsed = failure(lambda: weather.report(LISBON, deadline=time.monotonic() + 0.2))
    assert error.kind == "timeout"
    assert elapsed < 0.2 + 0.3


def test_typical_weather_averages_the_month_over_five_years(open_meteo_fake: OpenMeteoFake) -> None:
    # GIVEN the archive and a fixed "today" in May 2026
    climate = OpenMeteoClimate(
        http("open-meteo-archive"),
        base_url=open_meteo_fake.url,
        today=lambda: dt.date(2026, 5, 1),
    )

    # WHEN March is asked for Lisbon
    typical = climate.typical(LISBON, 3)

    # THEN one request covers March 2022-2026 and the means are the fake's March days
    [request] = open_meteo_fake.requests
    assert (request.query_value("start_date"), request.query_value("end_date")) == (
        "2022-03-01",
        "2026-03-31",
    )
    days = [
        day_weather(LISBON.latitude, LISBON.longitude, dt.date(year, 3, d))
        for year in range(2022, 2027)
        for d in range(1, 32)
    ]
    assert typical.mean_max_c == round(
        statistics.fmean(float(d["temperature_2m_max"]) for d in days), 1
    )
    assert (typical.first_year, typical.last_year, typical.month_name) == (2022, 2026, "March")
    assert typical.source.name.startswith("Open-Meteo historical")


def test_the_service_prefers_openweather_and_falls_back_to_open_meteo(
    openweather_fake: OpenWeatherFake, open_meteo_fake: OpenMeteoFake
) -> None:
    # GIVEN OpenWeather first, Open-Meteo second, and OpenWeather down
    service = WeatherService(
        [
            openweather(openweather_fake),
            OpenMeteoWeather(http("open-meteo"), base_url=open_meteo_fake.url),
        ]
    )
    openweather_fake.faults.status = 503

    # WHEN the weather is asked, then for a day past OpenWeather's five-day reach
    report = service.report(LISBON)
    openweather_fake.reset()
    later = service.report(LISBON, days_ahead=10)

    # THEN Open-Meteo answers both: once as a fallback, once because only it reaches that far
    assert report.source.name == later.source.name == "Open-Meteo"
    assert openweather_fake.requests == []


def test_without_a_key_openweather_is_skipped_silently(
    openweather_fake: OpenWeatherFake, open_meteo_fake: OpenMeteoFake
) -> None:
    keyless = OpenWeatherProvider(http("openweather"), endpoint=openweather_fake.url, api_key=str)
    service = WeatherService(
        [keyless, OpenMeteoWeather(http("open-meteo"), base_url=open_meteo_fake.url)]
    )
    assert service.report(KYOTO).source.name == "Open-Meteo"
