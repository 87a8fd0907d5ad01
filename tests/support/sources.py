"""The open-data sources' fakes together, and the settings that point the runtime at them.

Used by the integration tests, ``bench/sources.py`` and, as a command, by a person who wants
the local server to plan trips without the internet::

    .venv/bin/python -m tests.support.sources --serve   # keeps running; prints `export` lines
    .venv/bin/python -m tests.support.sources           # starts, prints the env as JSON, stops

Until the gazetteer lands, a server started this way can locate only the places its own place
lookup knows; the tests inject :func:`tests.support.places.place`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace

from runtime.contract import ENV
from runtime.settings import Settings
from tests.support import fakes_command
from tests.support.fakes.base import FakeServer
from tests.support.fakes.frankfurter import FrankfurterFake
from tests.support.fakes.open_meteo import OpenMeteoFake
from tests.support.fakes.wikivoyage import API_PATH, WikivoyageFake


@dataclass
class SourceStack:
    """Every open-data fake: Open-Meteo's two hosts, Frankfurter, Wikivoyage."""

    forecast: OpenMeteoFake
    archive: OpenMeteoFake
    frankfurter: FrankfurterFake
    wikivoyage: WikivoyageFake

    @property
    def fakes(self) -> tuple[FakeServer, ...]:
        """All four, for resets and fault injection."""
        return (self.forecast, self.archive, self.frankfurter, self.wikivoyage)

    def env(self, **overrides: str) -> dict[str, str]:
        """The runtime's environment variables pointing at the fakes (plus ``overrides``)."""
        env = {
            ENV["sources"]: "on",
            ENV["open_meteo_url"]: self.forecast.url,
            ENV["open_meteo_archive_url"]: self.archive.url,
            ENV["frankfurter_url"]: f"{self.frankfurter.url}/v1",
            ENV["wikivoyage_url"]: f"{self.wikivoyage.url}{API_PATH}",
        }
        env.update(overrides)
        return env

    def settings(self, base: Settings | None = None, **overrides: str) -> Settings:
        """``base`` (default settings) with the sources pointed at the fakes."""
        read = Settings.from_env(self.env(**overrides))
        base = base or Settings()
        timeout_s = read.sources_timeout_s if ENV["sources_timeout_s"] in overrides else None
        return replace(
            base,
            sources_enabled=read.sources_enabled,
            sources_timeout_s=timeout_s or base.sources_timeout_s,
            open_meteo_url=read.open_meteo_url,
            open_meteo_archive_url=read.open_meteo_archive_url,
            frankfurter_url=read.frankfurter_url,
            wikivoyage_url=read.wikivoyage_url,
        )

    def reset(self) -> None:
        """Forget recorded requests and clear every fault."""
        for fake in self.fakes:
            fake.reset()

    def all_down(self, *, hang: bool = False) -> None:
        """Every source fails: 503 answers, or (``hang``) no answer at all."""
        for fake in self.fakes:
            if hang:
                fake.faults.hang = True
            else:
                fake.faults.status = 503


@contextmanager
def source_stack() -> Iterator[SourceStack]:
    """Start every open-data fake; stop them afterwards."""
    with ExitStack() as stack:
        yield SourceStack(
            forecast=stack.enter_context(OpenMeteoFake()),
            archive=stack.enter_context(OpenMeteoFake()),
            frankfurter=stack.enter_context(FrankfurterFake()),
            wikivoyage=stack.enter_context(WikivoyageFake()),
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Start the fakes; print the environment (``--serve``: as ``export`` lines, until Ctrl-C)."""
    return fakes_command.run(source_stack, (__doc__ or "").split("\n\n")[0], argv)


if __name__ == "__main__":
    sys.exit(main())
