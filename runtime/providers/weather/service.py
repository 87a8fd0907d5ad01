"""Which weather provider answers: OpenWeather when its key is in the secret, else Open-Meteo.

Forecast providers are tried in order of preference; one whose forecast does not reach the day
asked for is passed over (OpenWeather's reaches five days, Open-Meteo's sixteen), one that is
not configured (no key) is skipped silently, and one that fails hands the question to the next
while time is left. "What is it usually like" always comes from the climate provider.
"""

from __future__ import annotations

from collections.abc import Sequence

from runtime.errors import ProviderError
from runtime.providers.geo import Place
from runtime.providers.weather.base import (
    ClimateProvider,
    TypicalWeather,
    WeatherProvider,
    WeatherReport,
)

NAME = "weather"


class WeatherService:
    """Forecasts from the first provider that can give them, normals from the climate provider."""

    def __init__(
        self, forecasts: Sequence[WeatherProvider], climate: ClimateProvider | None = None
    ) -> None:
        self._forecasts = list(forecasts)
        self._climate = climate

    @property
    def configured(self) -> bool:
        """True when there is at least one forecast provider."""
        return bool(self._forecasts)

    @property
    def forecast_days(self) -> int:
        """How far ahead (today included) the longest forecast reaches; 0 without one."""
        return max((p.forecast_days for p in self._forecasts), default=0)

    def report(
        self, place: Place, *, days_ahead: int = 0, deadline: float | None = None
    ) -> WeatherReport:
        """The weather at ``place`` from a provider whose forecast reaches ``days_ahead``.

        Raises:
            ProviderError: ``unconfigured`` when no provider can answer at all; otherwise the
                last provider's failure.
        """
        error: ProviderError | None = None
        for provider in self._forecasts:
            if provider.forecast_days <= days_ahead:
                continue
            try:
                return provider.report(place, deadline=deadline)
            except ProviderError as exc:
                if exc.kind != "unconfigured":
                    error = exc
        if error is not None:
            raise error
        raise ProviderError(NAME, "no weather provider for that day", kind="unconfigured")

    def typical(self, place: Place, month: int, *, deadline: float | None = None) -> TypicalWeather:
        """What ``month`` is usually like at ``place``.

        Raises:
            ProviderError: ``unconfigured`` without a climate provider; else its failure.
            ValueError: ``month`` is not 1..12.
        """
        if self._climate is None:
            raise ProviderError(NAME, "no climate provider", kind="unconfigured")
        return self._climate.typical(place, month, deadline=deadline)
