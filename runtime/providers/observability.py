"""Metrics (CloudWatch EMF through Powertools) and log hygiene for the cloud providers.

Metrics, namespace ``TravelBot``, each with the ``service`` dimension Powertools adds:

======================  =====  =========  =========================================================
name                    unit   dimension  when
======================  =====  =========  =========================================================
``ProviderLatencyMs``   ms     provider   every finished provider call
``ProviderTimeout``     count  provider   a call outlived its provider's timeout
``ProviderError``       count  provider   any other failure (its kind in the EMF metadata)
``ProviderAnswered``    count  provider   the NLU provider whose answer was used
``SentimentAnswered``   count  provider   the sentiment provider whose label was used
``HedgeFired``          count  --         Dialogflow was called while Lex was being asked
``CircuitOpened``       count  provider   a breaker opened
``Turns``               count  --         one message understood
``NluFallback``         count  --         the embedded NLU answered, a cloud NLU being configured
``DegradedTurns``       count  --         a failed cloud provider was replaced by its fallback
``AnsweredByPatience``  count  --         the embedded NLU answered because the clouds were late
``UnderstandMs``        ms     --         time spent understanding one message
``ResponseTimeMs``      ms     --         a whole ``/chat`` turn (``Telemetry.turn_completed``)
======================  =====  =========  =========================================================

The fallback rate is ``NluFallback / Turns`` (CloudWatch metric math), the share of turns the
patience answered ``AnsweredByPatience / Turns`` (see :mod:`runtime.providers.patience`).

Log hygiene: sessions appear only as :func:`session_ref` (a hash); message text is not logged
at all unless the logger is at DEBUG, and then only as :func:`excerpt` (personal data redacted
first, short, CR/LF escaped) through :func:`message_fields`. :func:`install_log_redaction` makes
every log record of the process pass through the same personal-data redactor
(:mod:`runtime.redaction.local`: card numbers, CVVs, emails, phone numbers, IBANs, national ids)
and scrubs every loaded secret value, including in the SDKs' own debug logs (an OpenWeather URL
carries its key in the query string; a DynamoDB request dump carries the stored turn).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, Protocol

from runtime.contract import METRIC_NAMESPACE, SERVICE_NAME, Dimension, Metric
from runtime.redaction.local import redact

NAMESPACE = METRIC_NAMESPACE
SERVICE = SERVICE_NAME
EXCERPT_CHARS = 48
MIN_SECRET_CHARS = 8  # shorter strings are not secrets worth scrubbing and would mangle logs


class Telemetry(Protocol):
    """Where the orchestrator and providers report what happened."""

    def provider_call(self, provider: str, latency_ms: float, failure: str | None) -> None:
        """A provider call finished; ``failure`` is a :class:`ProviderError` kind or None."""
        ...

    def provider_answered(self, provider: str) -> None:
        """``provider``'s NLU answer was the one used."""
        ...

    def sentiment_answered(self, provider: str) -> None:
        """``provider``'s sentiment was the one used."""
        ...

    def hedge_fired(self) -> None:
        """Dialogflow was called because Lex failed, was unsure or was slow."""
        ...

    def circuit_opened(self, provider: str) -> None:
        """``provider``'s breaker opened."""
        ...

    def understood(
        self, *, fallback: bool, degraded: bool, elapsed_ms: float, patience: bool = False
    ) -> None:
        """One message was understood (one turn); ``patience``: the embedded NLU answered
        because no cloud had answered confidently within the turn's patience."""
        ...

    def turn_completed(self, response_ms: float) -> None:
        """A whole chat turn took ``response_ms`` (called by the chat layer)."""
        ...


class EmfTelemetry:
    """:class:`Telemetry` as CloudWatch EMF lines, one document per event.

    Each event uses its own Powertools ``EphemeralMetrics``, so the ``provider`` dimension never
    leaks into other metrics and worker threads never share a metric set. The environment's
    ``POWERTOOLS_METRICS_DISABLED`` switch is honoured (the local server sets it).
    """

    def __init__(self, namespace: str = NAMESPACE, service: str = SERVICE) -> None:
        from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

        self._factory = EphemeralMetrics
        self._unit = MetricUnit
        self._namespace = namespace
        self._service = service

    def _emit(
        self,
        metrics: Iterable[tuple[str, Any, float]],
        provider: str | None = None,
        metadata: dict[str, str] | None = None,
    ) -> None:
        sink = self._factory(namespace=self._namespace, service=self._service)
        if provider is not None:
            sink.add_dimension(name=Dimension.PROVIDER, value=provider)
        for name, unit, value in metrics:
            sink.add_metric(name=name, unit=unit, value=value)
        for key, note in (metadata or {}).items():
            sink.add_metadata(key=key, value=note)
        sink.flush_metrics()

    def provider_call(self, provider: str, latency_ms: float, failure: str | None) -> None:
        """``ProviderLatencyMs`` plus ``ProviderTimeout`` or ``ProviderError`` on failure."""
        metrics: list[tuple[str, Any, float]] = [
            (Metric.PROVIDER_LATENCY_MS, self._unit.Milliseconds, round(latency_ms, 1))
        ]
        if failure == "timeout":
            metrics.append((Metric.PROVIDER_TIMEOUT, self._unit.Count, 1))
        elif failure is not None:
            metrics.append((Metric.PROVIDER_ERROR, self._unit.Count, 1))
        self._emit(metrics, provider, {"kind": failure} if failure else None)

    def provider_answered(self, provider: str) -> None:
        """``ProviderAnswered``."""
        self._emit([(Metric.PROVIDER_ANSWERED, self._unit.Count, 1)], provider)

    def sentiment_answered(self, provider: str) -> None:
        """``SentimentAnswered``."""
        self._emit([(Metric.SENTIMENT_ANSWERED, self._unit.Count, 1)], provider)

    def hedge_fired(self) -> None:
        """``HedgeFired``."""
        self._emit([(Metric.HEDGE_FIRED, self._unit.Count, 1)])

    def circuit_opened(self, provider: str) -> None:
        """``CircuitOpened``."""
        self._emit([(Metric.CIRCUIT_OPENED, self._unit.Count, 1)], provider)

    def understood(
        self, *, fallback: bool, degraded: bool, elapsed_ms: float, patience: bool = False
    ) -> None:
        """``Turns``, ``NluFallback``, ``DegradedTurns``, ``AnsweredByPatience`` and
        ``UnderstandMs`` in one document (so each share is a ratio of sums over one period)."""
        count = self._unit.Count
        self._emit(
            [
                (Metric.TURNS, count, 1),
                (Metric.NLU_FALLBACK, count, int(fallback)),
                (Metric.DEGRADED_TURNS, count, int(degraded)),
                (Metric.ANSWERED_BY_PATIENCE, count, int(patience)),
                (Metric.UNDERSTAND_MS, self._unit.Milliseconds, round(elapsed_ms, 1)),
            ]
        )

    def turn_completed(self, response_ms: float) -> None:
        """``ResponseTimeMs``."""
        self._emit([(Metric.RESPONSE_TIME_MS, self._unit.Milliseconds, round(response_ms, 1))])


class InMemoryTelemetry:
    """:class:`Telemetry` that keeps every value in memory (tests, local introspection)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[tuple[str, str | None], list[float]] = defaultdict(list)

    def _add(self, name: str, value: float, provider: str | None = None) -> None:
        with self._lock:
            self._values[(name, provider)].append(value)

    def reset(self) -> None:
        """Forget every recorded value (a test warms the providers up, then measures)."""
        with self._lock:
            self._values.clear()

    def count(self, name: str, provider: str | None = None) -> float:
        """Sum of metric ``name`` (for ``provider``, or over every provider when None)."""
        with self._lock:
            return sum(
                sum(values)
                for (metric, dim), values in self._values.items()
                if metric == name and (provider is None or dim == provider)
            )

    def values(self, name: str, provider: str | None = None) -> list[float]:
        """Every value recorded for ``name`` and ``provider``."""
        with self._lock:
            return list(self._values.get((name, provider), []))

    def provider_call(self, provider: str, latency_ms: float, failure: str | None) -> None:
        """Record latency and failure."""
        self._add(Metric.PROVIDER_LATENCY_MS, latency_ms, provider)
        if failure == "timeout":
            self._add(Metric.PROVIDER_TIMEOUT, 1, provider)
        elif failure is not None:
            self._add(Metric.PROVIDER_ERROR, 1, provider)

    def provider_answered(self, provider: str) -> None:
        """Record the answering NLU provider."""
        self._add(Metric.PROVIDER_ANSWERED, 1, provider)

    def sentiment_answered(self, provider: str) -> None:
        """Record the answering sentiment provider."""
        self._add(Metric.SENTIMENT_ANSWERED, 1, provider)

    def hedge_fired(self) -> None:
        """Record a hedge."""
        self._add(Metric.HEDGE_FIRED, 1)

    def circuit_opened(self, provider: str) -> None:
        """Record an opened breaker."""
        self._add(Metric.CIRCUIT_OPENED, 1, provider)

    def understood(
        self, *, fallback: bool, degraded: bool, elapsed_ms: float, patience: bool = False
    ) -> None:
        """Record one understood turn."""
        self._add(Metric.TURNS, 1)
        self._add(Metric.NLU_FALLBACK, int(fallback))
        self._add(Metric.DEGRADED_TURNS, int(degraded))
        self._add(Metric.ANSWERED_BY_PATIENCE, int(patience))
        self._add(Metric.UNDERSTAND_MS, elapsed_ms)

    def turn_completed(self, response_ms: float) -> None:
        """Record a turn's response time."""
        self._add(Metric.RESPONSE_TIME_MS, response_ms)


# ---------------------------------------------------------------------------------- log fields


def session_ref(session_id: str) -> str:
    """A stable, non-reversible reference to a session for logs (16 hex digits of SHA-256).

    Support can still find a user's log lines by hashing the id the user reports.
    """
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()[:16]


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The first ``limit`` characters of a user message after redaction, controls escaped.

    Personal data is replaced first (on the whole message, so a card number cut in half by the
    limit is still found); CR and LF become ``\\r`` and ``\\n`` so a message can never forge
    a log line; a cut message ends with ``…``.
    """
    text = redact(text)
    cut = text[:limit]
    escaped = "".join(
        ch
        if ch.isprintable()
        else {"\r": "\\r", "\n": "\\n", "\t": "\\t"}.get(ch, f"\\x{ord(ch):02x}")
        for ch in cut
    )
    return escaped + ("…" if len(text) > limit else "")


def message_fields(logger: Any, text: str) -> dict[str, str]:
    """``{"excerpt": excerpt(text)}`` when ``logger`` is enabled for DEBUG, else ``{}``.

    Log lines carry no message text by default: the excerpt is for someone debugging on
    purpose, and even then personal data is redacted first.
    """
    if logger.isEnabledFor(logging.DEBUG):
        return {"excerpt": excerpt(text)}
    return {}


# ---------------------------------------------------------------------------------- redaction

REDACTED = "[REDACTED]"
_FORMATTER = logging.Formatter()
_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


class SecretRedactor:
    """A process-wide set of secret values scrubbed from any text handed to :meth:`scrub`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: tuple[str, ...] = ()

    def register(self, *values: str) -> None:
        """Remember secret values and their JSON-escaped forms (short ones are ignored)."""
        found = set(self._values)
        for value in values:
            if len(value) >= MIN_SECRET_CHARS:
                found.add(value)
                escaped = value.replace("\\", "\\\\").replace("\n", "\\n")
                found.add(escaped)
        with self._lock:
            # Longest first, so a value containing another is replaced whole.
            self._values = tuple(sorted(found, key=len, reverse=True))

    @property
    def active(self) -> bool:
        """True once at least one secret is registered."""
        return bool(self._values)

    def scrub(self, text: str) -> str:
        """``text`` with every registered secret replaced by ``[REDACTED]``."""
        for value in self._values:
            if value in text:
                text = text.replace(value, REDACTED)
        return text


REDACTOR = SecretRedactor()


class RedactingFilter(logging.Filter):
    """Scrubs secrets and personal data from a record's message and its string extras."""

    def __init__(self, redactor: SecretRedactor = REDACTOR) -> None:
        super().__init__()
        self._redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        """Scrub in place; never drops a record."""
        scrub_record(record, self._redactor)
        return True


def scrub_text(text: str, redactor: SecretRedactor = REDACTOR) -> str:
    """``text`` without registered secrets and without personal data."""
    return redact(redactor.scrub(text))


def scrub_record(record: logging.LogRecord, redactor: SecretRedactor = REDACTOR) -> None:
    """Replace secrets and personal data in ``record``'s message, arguments and string extras.

    A traceback is pre-formatted and scrubbed into ``exc_text``, which the standard library's
    formatters print instead of formatting the exception again.
    """
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # a malformed format string: scrub the raw parts
        message = f"{record.msg} {record.args}"
    clean = scrub_text(message, redactor)
    if clean != message:
        record.msg, record.args = clean, None
    for key, value in list(vars(record).items()):
        if key not in _STANDARD_ATTRS and isinstance(value, str):
            cleaned = scrub_text(value, redactor)
            if cleaned != value:
                setattr(record, key, cleaned)
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        record.exc_text = scrub_text(_FORMATTER.formatException(record.exc_info), redactor)


class SecretBodyFilter(logging.Filter):
    """Drops botocore's debug dump of a response that carries a secret (``SecretString``).

    Secrets Manager's answer is logged before its values can be registered for scrubbing.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """False for a record that would print a secret value."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        return "SecretString" not in message and "SecretBinary" not in message


SECRET_BODY_LOGGERS = ("botocore.parsers", "botocore.endpoint", "botocore.hooks")

_install_lock = threading.Lock()
_installed = False


def install_log_redaction(
    redactor: SecretRedactor = REDACTOR, loggers: Iterable[str] = ("", SERVICE)
) -> None:
    """Scrub secrets and personal data from every log record of this process (idempotent).

    A log-record factory scrubs each message when it is created (this covers the SDKs' loggers,
    whatever handler prints them); a filter on the handlers of ``loggers`` (root and the service
    logger) also scrubs ``extra`` fields, which are attached after the factory runs; and
    botocore's debug dumps of a Secrets Manager answer are dropped.
    """
    global _installed
    with _install_lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            scrub_record(record, redactor)
            return record

        logging.setLogRecordFactory(factory)
        for name in SECRET_BODY_LOGGERS:
            logging.getLogger(name).addFilter(SecretBodyFilter())
        log_filter = RedactingFilter(redactor)
        for name in loggers:
            for handler in logging.getLogger(name).handlers:
                handler.addFilter(log_filter)
        _installed = True
