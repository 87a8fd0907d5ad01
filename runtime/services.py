"""The collaborators one process needs, built once per cold start (or by the local server).

The handler never constructs SDK clients or stores itself: it asks for the current
:class:`Services`, which tests and the local server replace with :func:`configure`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from runtime.chat import ChatService
from runtime.dialogue.fulfilment import Fulfiller
from runtime.dialogue.manager import DialogueManager
from runtime.experiments import Experiments
from runtime.model import BotModel, default_model
from runtime.nlu.embedded import EmbeddedNlu
from runtime.providers.geo import PlaceLookup
from runtime.providers.observability import EmfTelemetry, Telemetry
from runtime.providers.open_data import OpenData, build_open_data
from runtime.ratelimit.base import RateLimiter
from runtime.ratelimit.factory import build_rate_limiter
from runtime.redaction.base import Redactor
from runtime.redaction.factory import build_redactor
from runtime.sentiment.embedded import EmbeddedSentiment
from runtime.settings import Settings
from runtime.spool.base import Spool
from runtime.spool.factory import build_spool
from runtime.store.base import ContentCache, HistoryStore
from runtime.store.factory import (
    LazyContentCache,
    build_content_cache,
    build_store,
    table_name,
)
from runtime.understanding import EmbeddedUnderstander, Understander

if TYPE_CHECKING:
    from runtime.providers.secrets import SecretsStore


@dataclass
class Services:
    """Everything a request handler uses."""

    settings: Settings
    model: BotModel
    store: HistoryStore
    rate_limiter: RateLimiter
    chat: ChatService
    embedded_nlu: EmbeddedNlu
    spool: Spool
    telemetry: Telemetry
    clock: Callable[[], float] = time.time
    admin_token: str = ""


def _place_label(places: PlaceLookup) -> Callable[[str], str]:
    """How to name a place to a person choosing between namesakes: "Valencia, Spain",
    "Portland, Oregon" (a US place by its state, as its namesakes are)."""

    def label(name: str) -> str:
        place = places(name)
        if place is None or place.kind == "country" or "," in place.name or "(" in place.name:
            return name  # a country, or a name that already says which
        region = getattr(place, "region", None)  # the gazetteer's places know their US state
        where = region if place.country_code == "US" and region else place.country
        return f"{place.name}, {where}"

    return label


def _clouds_configured(settings: Settings) -> bool:
    return bool(
        settings.lex_enabled
        or settings.dialogflow_configured
        or settings.azure_configured
        or settings.secret_arn
    )


def build_services(
    settings: Settings,
    *,
    store: HistoryStore | None = None,
    rate_limiter: RateLimiter | None = None,
    understander: Understander | None = None,
    sources: OpenData | None = None,
    places: PlaceLookup | None = None,
    content_cache: ContentCache | None = None,
    spool: Spool | None = None,
    data_dir: Path | str | None = None,
    clock: Callable[[], float] = time.time,
    redactor: Redactor | None = None,
) -> Services:
    """Wire the process from settings; any collaborator can be injected instead.

    The store, rate limiter and spool follow ``settings.store`` (SQLite, an in-process bucket
    and a spool file locally; DynamoDB, a shared bucket and SQS in the cloud); ``data_dir``
    overrides ``settings.data_dir``. The open-data sources (weather without a key, plan
    content) are on everywhere unless ``TRAVELBOT_SOURCES=off``, cached beside the history
    (``content_cache`` replaces that cache); ``places`` replaces the gazetteer's place lookup that
    gives them coordinates, time zone and currency; ``sources`` replaces them all. ``redactor``
    replaces the one ``settings.redact_stored_pii`` chooses for stored turns.
    """
    if data_dir is not None:
        settings = dataclasses.replace(settings, data_dir=str(data_dir))
    model = default_model()
    nlu = EmbeddedNlu(model, today=lambda: dt.datetime.fromtimestamp(clock(), dt.UTC).date())
    if store is None:
        store = build_store(settings)
    if rate_limiter is None:
        shared_table = table_name(settings) if settings.store == "dynamodb" else ""
        rate_limiter = build_rate_limiter(settings, table_name=shared_table)
    if spool is None:
        spool = build_spool(settings)
    sentiment = EmbeddedSentiment()
    telemetry = EmfTelemetry()
    secrets = None
    if _clouds_configured(settings):
        # Deferred import: the embedded default never loads the cloud SDK wrappers.
        from runtime.providers.factory import build_cloud_understander, build_secrets

        secrets = build_secrets(settings)
        if understander is None:
            understander = build_cloud_understander(
                settings, nlu, sentiment, secrets, telemetry=telemetry
            )
    if understander is None:
        understander = EmbeddedUnderstander(nlu, sentiment, telemetry)
    lookup = places if places is not None else nlu.slots.gazetteer.place
    if sources is None:
        sources = _open_data(settings, lookup, content_cache, secrets, telemetry)
    fulfiller = Fulfiller(model, nlu.slots.gazetteer, store, sources)
    chat = ChatService(
        store=store,
        understander=understander,
        dialogue=DialogueManager(model, fulfiller, describe=_place_label(lookup)),
        experiments=Experiments.from_config(settings.experiments),
        clock=clock,
        spool=spool,
        redactor=redactor if redactor is not None else build_redactor(settings),
    )
    return Services(
        settings=settings,
        model=model,
        store=store,
        rate_limiter=rate_limiter,
        chat=chat,
        embedded_nlu=nlu,
        spool=spool,
        telemetry=telemetry,
        clock=clock,
        admin_token=settings.admin_token,
    )


def _open_data(
    settings: Settings,
    places: PlaceLookup | None,
    cache: ContentCache | None,
    secrets: SecretsStore | None,
    telemetry: Telemetry,
) -> OpenData:
    """Open-Meteo, Frankfurter and Wikivoyage (unless switched off), OpenWeather first when the
    stack has a secret for its key; all cached beside the history."""
    if cache is None:
        cache = LazyContentCache(lambda: build_content_cache(settings))
    openweather = None
    if secrets is not None:
        from runtime.providers.factory import build_weather

        openweather = build_weather(settings, secrets, cache=cache, telemetry=telemetry)
    return build_open_data(
        settings,
        places=places,
        cache=cache,
        secrets=secrets,
        openweather=openweather,
        telemetry=telemetry,
    )


_current: Services | None = None
_lock = threading.Lock()


def configure(services: Services | None) -> None:
    """Install the services the handler uses (the local server and tests call this)."""
    global _current
    with _lock:
        _current = services


def current() -> Services:
    """The installed services, built from the environment on first use (Lambda cold start)."""
    global _current
    if _current is None:
        with _lock:
            if _current is None:
                _current = build_services(Settings.from_env())
    return _current
