"""Pytest fixtures that start each fake for one test and stop it afterwards.

Register with ``pytest_plugins = ["tests.support.fakes.fixtures"]`` in the top-level
``conftest.py``.
Each fixture yields a running fake bound to 127.0.0.1 on a free port (start-up takes a few
milliseconds); faults and recorded requests start empty for every test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fakes.azure_language import AzureLanguageFake
from tests.support.fakes.dialogflow import DialogflowFake
from tests.support.fakes.frankfurter import FrankfurterFake
from tests.support.fakes.lex import LexFake
from tests.support.fakes.open_meteo import OpenMeteoFake
from tests.support.fakes.openweather import OpenWeatherFake
from tests.support.fakes.wikivoyage import WikivoyageFake
from tests.support.sources import SourceStack, source_stack


@pytest.fixture
def lex_fake() -> Iterator[LexFake]:
    """A running Lex V2 runtime fake (``RecognizeText``)."""
    with LexFake() as fake:
        yield fake


@pytest.fixture
def dialogflow_fake() -> Iterator[DialogflowFake]:
    """A running Dialogflow ES v2 REST fake (``detectIntent``)."""
    with DialogflowFake() as fake:
        yield fake


@pytest.fixture
def azure_fake() -> Iterator[AzureLanguageFake]:
    """A running Azure Language fake (``:analyze-text`` sentiment); key is ``azure_fake.key``."""
    with AzureLanguageFake() as fake:
        yield fake


@pytest.fixture
def openweather_fake() -> Iterator[OpenWeatherFake]:
    """A running OpenWeather fake (geocoding, current, forecast); key is ``.api_key``."""
    with OpenWeatherFake() as fake:
        yield fake


@pytest.fixture
def open_meteo_fake() -> Iterator[OpenMeteoFake]:
    """A running Open-Meteo fake (``/v1/forecast`` and ``/v1/archive``)."""
    with OpenMeteoFake() as fake:
        yield fake


@pytest.fixture
def frankfurter_fake() -> Iterator[FrankfurterFake]:
    """A running Frankfurter v1 fake (``/v1/latest``)."""
    with FrankfurterFake() as fake:
        yield fake


@pytest.fixture
def wikivoyage_fake() -> Iterator[WikivoyageFake]:
    """A running Wikivoyage (MediaWiki ``action=parse``) fake."""
    with WikivoyageFake() as fake:
        yield fake


@pytest.fixture
def sources() -> Iterator[SourceStack]:
    """Every open-data fake at once (``sources.settings()`` points the runtime at them)."""
    with source_stack() as stack:
        yield stack
