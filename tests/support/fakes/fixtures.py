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
from tests.support.fakes.lex import LexFake
from tests.support.fakes.openweather import OpenWeatherFake


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
