"""The collaborators one process needs, built once per cold start (or by the local server).

The handler never constructs SDK clients or stores itself: it asks for the current
:class:`Services`, which tests and the local server replace with :func:`configure`.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from runtime.chat import ChatService
from runtime.dialogue.fulfilment import Fulfiller
from runtime.dialogue.manager import DialogueManager
from runtime.experiments import Experiments
from runtime.model import BotModel, default_model
from runtime.nlu.embedded import EmbeddedNlu
from runtime.providers.observability import EmfTelemetry, Telemetry
from runtime.providers.weather.base import WeatherProvider
from runtime.ratelimit.base import RateLimiter
from runtime.ratelimit.factory import build_rate_limiter
from runtime.redaction.factory import build_redactor
from runtime.sentiment.embedded import EmbeddedSentiment
from runtime.settings import Settings
from runtime.spool.base import Spool
from runtime.spool.factory import build_spool
from runtime.store.base import HistoryStore
from runtime.store.factory import build_store, table_name
from runtime.understanding import EmbeddedUnderstander, Understander


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
    weather: WeatherProvider | None = None,
    spool: Spool | None = None,
    data_dir: Path | str | None = None,
    clock: Callable[[], float] = time.time,
) -> Services:
    """Wire the process from settings; any collaborator can be injected instead.

    The store, rate limiter and spool follow ``settings.store`` (SQLite, an in-process bucket
    and a spool file locally; DynamoDB, a shared bucket and SQS in the cloud); ``data_dir``
    overrides ``settings.data_dir``.
    """
    if data_dir is not None:
        settings = dataclasses.replace(settings, data_dir=str(data_dir))
    model = default_model()
    nlu = EmbeddedNlu(model)
    if store is None:
        store = build_store(settings)
    if rate_limiter is None:
        shared_table = table_name(settings) if settings.store == "dynamodb" else ""
        rate_limiter = build_rate_limiter(settings, table_name=shared_table)
    if spool is None:
        spool = build_spool(settings)
    sentiment = EmbeddedSentiment()
    telemetry = EmfTelemetry()
    if (understander is None or weather is None) and _clouds_configured(settings):
        # Deferred import: the embedded default never loads the cloud SDK wrappers.
        from runtime.providers.factory import build_cloud_understander, build_secrets, build_weather

        secrets = build_secrets(settings)
        if understander is None:
            understander = build_cloud_understander(
                settings, nlu, sentiment, secrets, telemetry=telemetry
            )
        if weather is None:
            weather = build_weather(settings, secrets)
    if understander is None:
        understander = EmbeddedUnderstander(nlu, sentiment, telemetry)
    fulfiller = Fulfiller(model, nlu.slots.gazetteer, store, weather)
    chat = ChatService(
        store=store,
        understander=understander,
        dialogue=DialogueManager(model, fulfiller),
        experiments=Experiments.from_config(settings.experiments),
        clock=clock,
        spool=spool,
        redactor=build_redactor(settings),
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
