"""The managed redactor: Amazon Comprehend ``DetectPiiEntities`` on top of the local patterns.

Comprehend finds what patterns cannot (a passport number without the word "passport", a bank
account in prose); the local redactor still runs on every text, so Comprehend can only add to
what is redacted, never take away. Comprehend is called with a deadline (the client's connect
and read timeouts, one attempt: a chat turn cannot wait for a back-off loop), and when it fails,
times out or throttles, the text is redacted by the local patterns alone, the metric
``PiiRedactionFallback`` counts it, and Comprehend is skipped for ``cooldown_s`` so an outage
does not add a timeout to every turn.

Entity types kept out on purpose: ``NAME``, ``ADDRESS``, ``DATE_TIME``, ``AGE`` and ``URL`` are
what travel talk is made of ("a trip to Lisbon with my mother on 3 May"); redacting them would
leave history and analytics nothing to say. Offsets are code points (Python string indices),
the end exclusive, as Comprehend documents them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from aws_lambda_powertools import Logger

from runtime.contract import METRIC_NAMESPACE, Metric
from runtime.redaction.base import PiiSpan, apply_spans
from runtime.redaction.local import LocalRedactor

if TYPE_CHECKING:
    from mypy_boto3_comprehend.client import ComprehendClient

logger = Logger(child=True)

FALLBACK_METRIC = Metric.PII_REDACTION_FALLBACK.value
MAX_TEXT_BYTES = 100 * 1024  # DetectPiiEntities' limit; a chat message is at most ~4 KB
#: Comprehend type -> our placeholder kind (the local redactor's names where they overlap).
KINDS: Mapping[str, str] = {
    "CREDIT_DEBIT_NUMBER": "CARD",
    "CREDIT_DEBIT_CVV": "CVV",
    "CREDIT_DEBIT_EXPIRY": "EXPIRY",
    "PIN": "CREDENTIAL",
    "PASSWORD": "CREDENTIAL",
    "USERNAME": "CREDENTIAL",
    "AWS_ACCESS_KEY": "CREDENTIAL",
    "AWS_SECRET_KEY": "CREDENTIAL",
    "EMAIL": "EMAIL",
    "PHONE": "PHONE",
    "SSN": "SSN",
    "BANK_ACCOUNT_NUMBER": "BANK_ACCOUNT",
    "BANK_ROUTING": "BANK_ACCOUNT",
    "SWIFT_CODE": "BANK_ACCOUNT",
    "INTERNATIONAL_BANK_ACCOUNT_NUMBER": "IBAN",
    "PASSPORT_NUMBER": "NATIONAL_ID",
    "DRIVER_ID": "NATIONAL_ID",
    "UK_NATIONAL_INSURANCE_NUMBER": "NATIONAL_ID",
    "CA_SOCIAL_INSURANCE_NUMBER": "NATIONAL_ID",
    "US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER": "NATIONAL_ID",
    "UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER": "NATIONAL_ID",
    "IN_PERMANENT_ACCOUNT_NUMBER": "NATIONAL_ID",
    "IN_NREGA": "NATIONAL_ID",
    "IN_AADHAAR": "NATIONAL_ID",
    "IN_VOTER_NUMBER": "NATIONAL_ID",
    "UK_NATIONAL_HEALTH_SERVICE_NUMBER": "NATIONAL_ID",
    "CA_HEALTH_NUMBER": "NATIONAL_ID",
    "IP_ADDRESS": "NETWORK_ADDRESS",
    "MAC_ADDRESS": "NETWORK_ADDRESS",
    "LICENSE_PLATE": "VEHICLE_ID",
    "VEHICLE_IDENTIFICATION_NUMBER": "VEHICLE_ID",
}


class MetricSink(Protocol):
    """Where the fallback counter goes: Powertools ``Metrics`` in Lambda, a recorder in tests."""

    def add_metric(self, name: str, unit: Any, value: float) -> None:
        """Add one data point."""
        ...


class ComprehendRedactor:
    """:class:`runtime.redaction.base.Redactor`: Comprehend's spans plus the local ones.

    ``client`` is a boto3 ``comprehend`` client (injected; its timeouts are the deadline);
    ``min_score`` drops Comprehend's least certain guesses. Thread-safe.
    """

    def __init__(
        self,
        client: ComprehendClient,
        *,
        local: LocalRedactor | None = None,
        language_code: str = "en",
        min_score: float = 0.5,
        cooldown_s: float = 30.0,
        metrics: MetricSink | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._local = local or LocalRedactor()
        self._language_code = language_code
        self._min_score = min_score
        self._cooldown_s = cooldown_s
        self._metrics = metrics
        self._monotonic = monotonic
        self._skip_until = 0.0
        self._lock = threading.Lock()

    def redact(self, text: str) -> str:
        """``text`` with what Comprehend or the local patterns found replaced by ``[KIND]``."""
        if not text.strip():
            return text
        return apply_spans(text, self._local.find(text) + self._comprehend(text))

    def _comprehend(self, text: str) -> list[PiiSpan]:
        if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
            self._fell_back("text over Comprehend's size limit", cool_down=False)
            return []
        with self._lock:
            cooling = self._monotonic() < self._skip_until
        if cooling:
            self._fell_back(None, cool_down=False)
            return []
        from botocore.exceptions import BotoCoreError, ClientError  # only this backend needs it

        try:
            response = self._client.detect_pii_entities(
                Text=text,
                LanguageCode=self._language_code,  # type: ignore[arg-type]
            )
        except (ClientError, BotoCoreError) as exc:
            self._fell_back(type(exc).__name__, cool_down=True)
            return []
        return self._spans(response.get("Entities", []), len(text))

    def _spans(self, entities: Any, length: int) -> list[PiiSpan]:
        spans = []
        for entity in entities:
            kind = KINDS.get(str(entity.get("Type", "")))
            start, end = entity.get("BeginOffset"), entity.get("EndOffset")
            if kind is None or float(entity.get("Score", 0.0)) < self._min_score:
                continue
            if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length:
                spans.append(PiiSpan(start, end, kind))
        return spans

    def _fell_back(self, reason: str | None, *, cool_down: bool) -> None:
        if cool_down:
            with self._lock:
                self._skip_until = self._monotonic() + self._cooldown_s
        if reason is not None:
            # Never the text: only why Comprehend did not answer.
            logger.warning(
                "Comprehend PII detection unavailable; local patterns only",
                extra={"reason": reason},
            )
        try:
            sink = self._metrics
            if sink is None:
                from aws_lambda_powertools import Metrics

                sink = self._metrics = Metrics(namespace=METRIC_NAMESPACE)
            sink.add_metric(name=FALLBACK_METRIC, unit="Count", value=1)
        except Exception:  # a metrics hiccup must not cost the turn its redaction
            logger.exception("could not record the redaction fallback metric")
