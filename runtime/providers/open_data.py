"""Build the open-data sources that weather answers and trip plans draw on.

Everywhere the bot runs (laptop and Lambda) and with no account: Open-Meteo (forecast and
historical normals), Frankfurter (ECB reference rates) and Wikivoyage (sights, food and beds with
prices), each behind its own deadline, retry, circuit breaker and a cache in the store.
OpenWeather is put first when the stack has a secret for its key. ``TRAVELBOT_SOURCES=off``
switches the keyless sources off (a deployment that must not call third parties); each base URL
is a setting so that local fakes or a self-hosted Open-Meteo can stand in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from runtime.errors import ProviderError
from runtime.providers.breaker import CircuitBreaker
from runtime.providers.cached import CachedSource
from runtime.providers.content.base import GuideProvider, RatesProvider
from runtime.providers.geo import PlaceLookup
from runtime.providers.observability import Telemetry
from runtime.providers.secrets import SecretsStore
from runtime.providers.weather.base import WeatherProvider
from runtime.providers.weather.service import WeatherService
from runtime.providers.web import JsonSource
from runtime.settings import Settings
from runtime.store.base import ContentCache

FAILURES_TO_OPEN = 3
COOLDOWN_S = 30.0


@dataclass(frozen=True)
class OpenData:
    """What fulfilment may ask; a part that is switched off is None (or an empty service)."""

    places: PlaceLookup | None
    weather: WeatherService
    rates: RatesProvider | None = None
    guide: GuideProvider | None = None
    budget_s: float = 2.5
    """How long a turn's lookups may take when the turn itself sets no deadline."""


def build_open_data(
    settings: Settings,
    *,
    places: PlaceLookup | None,
    cache: ContentCache | None,
    secrets: SecretsStore | None = None,
    openweather: WeatherProvider | None = None,
    telemetry: Telemetry | None = None,
) -> OpenData:
    """The sources the settings switch on, sharing ``cache`` (None: no caching)."""
    forecasts: list[WeatherProvider] = [openweather] if openweather is not None else []
    if not settings.sources_enabled:
        return OpenData(places, WeatherService(forecasts), budget_s=settings.sources_timeout_s)
    from runtime.providers.content.frankfurter import FrankfurterRates
    from runtime.providers.content.wikivoyage import WikivoyageGuide
    from runtime.providers.weather.openmeteo import OpenMeteoClimate, OpenMeteoWeather
    from runtime.providers.web import user_agent

    agent = user_agent(settings.sources_contact)

    def http(name: str) -> JsonSource:
        return JsonSource(
            name,
            timeout_s=settings.sources_timeout_s,
            connect_timeout_s=min(1.0, settings.sources_timeout_s),
            breaker=CircuitBreaker(
                name,
                failure_threshold=FAILURES_TO_OPEN,
                cooldown_s=COOLDOWN_S,
                on_open=telemetry.circuit_opened if telemetry is not None else None,
            ),
            telemetry=telemetry,
            agent=agent,
        )

    stored = CachedSource(cache)
    key = _open_meteo_key(secrets)
    forecasts.append(
        OpenMeteoWeather(
            http("open-meteo"), base_url=settings.open_meteo_url, api_key=key, cache=stored
        )
    )
    climate = OpenMeteoClimate(
        http("open-meteo-archive"),
        base_url=settings.open_meteo_archive_url,
        api_key=key,
        cache=stored,
    )
    return OpenData(
        places=places,
        weather=WeatherService(forecasts, climate),
        rates=FrankfurterRates(
            http("frankfurter"), base_url=settings.frankfurter_url, cache=stored
        ),
        guide=WikivoyageGuide(http("wikivoyage"), api_url=settings.wikivoyage_url, cache=stored),
        budget_s=settings.sources_timeout_s,
    )


def _open_meteo_key(secrets: SecretsStore | None) -> Callable[[], str] | None:
    if secrets is None:
        return None
    store = secrets

    def key() -> str:
        try:
            return store.get().open_meteo_api_key
        except ProviderError:
            return ""  # the secret is unreadable: the free API answers meanwhile

    return key
