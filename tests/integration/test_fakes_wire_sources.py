"""The open-data fakes answer like the published samples, key by key, and fail like the APIs.

Keys a reference documents as optional and a fake leaves out are listed per test with the reason;
anything else missing fails.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import requests

from tests.support.fakes.frankfurter import FrankfurterFake
from tests.support.fakes.open_meteo import OpenMeteoFake
from tests.support.fakes.shape import load_sample, missing_keys
from tests.support.fakes.wikivoyage import API_PATH, WikivoyageFake

TIMEOUT = 2.0
LISBON = {"latitude": "38.7167", "longitude": "-9.1333", "timezone": "Europe/Lisbon"}
FORECAST = {
    **LISBON,
    "current": "temperature_2m,relative_humidity_2m,apparent_temperature,weather_code,"
    "wind_speed_10m",
    "daily": "weather_code,temperature_2m_max,temperature_2m_min,precipitation_sum,"
    "precipitation_probability_max",
    "forecast_days": "16",
    "wind_speed_unit": "ms",
}


def get(url: str, **params: str) -> requests.Response:
    return requests.get(url, params=params, timeout=TIMEOUT)


def test_the_forecast_has_the_keys_of_the_documented_object(open_meteo_fake: OpenMeteoFake) -> None:
    answer = get(f"{open_meteo_fake.url}/v1/forecast", **FORECAST).json()

    assert missing_keys(load_sample("open_meteo_forecast.json"), answer) == []
    assert len(answer["daily"]["time"]) == 16
    assert answer["current_units"]["wind_speed_10m"] == "m/s"


def test_the_archive_has_the_keys_of_the_documented_object(open_meteo_fake: OpenMeteoFake) -> None:
    answer = get(
        f"{open_meteo_fake.url}/v1/archive",
        **LISBON,
        start_date="2024-03-01",
        end_date="2025-03-31",
        daily="temperature_2m_max,temperature_2m_min,precipitation_sum",
    ).json()

    assert missing_keys(load_sample("open_meteo_archive.json"), answer) == []
    assert answer["daily"]["time"][0] == "2024-03-01" and len(answer["daily"]["time"]) == 396


@pytest.mark.parametrize(
    ("path", "params", "reason"),
    [
        (
            "/v1/forecast",
            {**FORECAST, "daily": "tempeture_2m"},
            "invalid String value tempeture_2m",
        ),
        ("/v1/forecast", {**FORECAST, "forecast_days": "17"}, "Allowed range 0 to 16"),
        ("/v1/forecast", {"latitude": "91", "longitude": "0"}, "Latitude must be in range"),
        ("/v1/forecast", {**FORECAST, "timezone": "Mars/Olympus"}, "Invalid timezone"),
        (
            "/v1/archive",
            {**LISBON, "start_date": "2024-01-01", "end_date": "2999-01-01"},
            "out of allowed range",
        ),
    ],
)
def test_a_bad_request_gets_the_documented_error_object(
    open_meteo_fake: OpenMeteoFake, path: str, params: dict[str, str], reason: str
) -> None:
    response = get(f"{open_meteo_fake.url}{path}", **params)

    assert response.status_code == 400
    assert missing_keys(load_sample("open_meteo_error.json"), response.json()) == []
    assert reason in response.json()["reason"]


def test_the_latest_rates_have_the_keys_of_the_schema(frankfurter_fake: FrankfurterFake) -> None:
    answer = get(f"{frankfurter_fake.url}/v1/latest", base="USD", symbols="EUR,JPY").json()

    assert (
        missing_keys(load_sample("frankfurter_latest.json"), answer, frozenset({"$.rates"})) == []
    )
    assert set(answer["rates"]) == {"EUR", "JPY"}
    assert dt.date.fromisoformat(answer["date"]).weekday() < 5


def test_an_unpublished_currency_is_the_documented_404(frankfurter_fake: FrankfurterFake) -> None:
    response = get(f"{frankfurter_fake.url}/v1/latest", base="USD", symbols="VND")

    assert response.status_code == 404
    assert response.json() == load_sample("frankfurter_not_found.json")


def wiki(fake: WikivoyageFake, **params: str) -> Any:
    query = {"action": "parse", "prop": "wikitext", "format": "json", "formatversion": "2"}
    return get(f"{fake.url}{API_PATH}", **(query | params)).json()


def test_a_parse_answer_has_the_keys_of_the_sample(wikivoyage_fake: WikivoyageFake) -> None:
    answer = wiki(wikivoyage_fake, page="Kyoto")

    assert missing_keys(load_sample("wikivoyage_parse.json"), answer) == []
    assert isinstance(answer["parse"]["wikitext"], str)


def test_formatversion_1_puts_the_text_under_a_star(wikivoyage_fake: WikivoyageFake) -> None:
    answer = wiki(wikivoyage_fake, page="Kyoto", formatversion="1")
    assert isinstance(answer["parse"]["wikitext"]["*"], str)


def test_a_redirect_is_followed_and_listed(wikivoyage_fake: WikivoyageFake) -> None:
    answer = wiki(wikivoyage_fake, page="Lisboa", redirects="1")
    assert answer["parse"]["title"] == "Lisbon"
    assert answer["parse"]["redirects"] == [{"from": "Lisboa", "to": "Lisbon"}]


def test_a_missing_page_is_the_documented_error_with_status_200(
    wikivoyage_fake: WikivoyageFake,
) -> None:
    response = get(
        f"{wikivoyage_fake.url}{API_PATH}", action="parse", page="Atlantis", format="json"
    )

    assert response.status_code == 200
    assert missing_keys(load_sample("wikivoyage_missing.json"), response.json()) == []
    assert response.json()["error"]["code"] == "missingtitle"
