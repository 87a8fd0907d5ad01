"""Azure AI Language sentiment as a :class:`runtime.sentiment.base.SentimentProvider`.

azure-ai-textanalytics ``analyze_sentiment`` (``POST /language/:analyze-text``, api-version
2023-04-01), endpoint from settings and key from the secret. The SDK is imported when the client
is first built (``client_source``), so a cold start never waits for it; its retries are off
(``retry_total=0``) in favour of :class:`runtime.providers.retry.RetryPolicy`, and its connect
and read timeouts are explicit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from runtime.errors import ProviderError
from runtime.providers.failures import describe, kind_for_status, malformed
from runtime.providers.lazy import LazyClient
from runtime.providers.retry import provider_retry
from runtime.retry import RetryPolicy
from runtime.types import Sentiment

if TYPE_CHECKING:
    from azure.ai.textanalytics import TextAnalyticsClient

NAME = "azure"
LABELS = ("positive", "neutral", "negative", "mixed")


def azure_client(
    endpoint: str, key: str, *, connect_timeout_s: float = 1.0, read_timeout_s: float = 3.0
) -> TextAnalyticsClient:
    """A ``TextAnalyticsClient`` with explicit timeouts and no SDK retries."""
    from azure.ai.textanalytics import TextAnalyticsClient
    from azure.core.credentials import AzureKeyCredential

    return TextAnalyticsClient(
        endpoint=endpoint,
        credential=AzureKeyCredential(key),
        retry_total=0,
        connection_timeout=connect_timeout_s,
        read_timeout=read_timeout_s,
    )


def sentiment_from_scores(
    label: str, positive: float, neutral: float, negative: float, provider: str = NAME
) -> Sentiment:
    """Azure's document label and confidence scores as a :class:`Sentiment`.

    The score is the confidence of the label; ``mixed`` has none of its own, so it is the share
    of the text that is polarised (positive + negative), as the embedded model defines it.

    Raises:
        ProviderError: kind ``malformed`` for a label outside the four Azure documents.
    """
    if label not in LABELS:
        raise malformed(provider, f"unknown sentiment label {label[:20]!r}")
    score = {
        "positive": positive,
        "neutral": neutral,
        "negative": negative,
        "mixed": min(1.0, positive + negative),
    }[label]
    return Sentiment(
        label=label,  # type: ignore[arg-type]  # checked against LABELS above
        score=round(min(1.0, max(0.0, float(score))), 4),
        provider=provider,
    )


class AzureSentiment:
    """Azure Language sentiment; its SDK loads on first use."""

    name = NAME

    def __init__(
        self,
        client_source: Callable[[], TextAnalyticsClient],
        *,
        language: str = "en",
        timeout_s: float = 3.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._lazy = LazyClient(NAME, client_source)
        self._language = language
        self._timeout_s = timeout_s
        self._retry = retry or provider_retry()

    @property
    def ready(self) -> bool:
        """True once the SDK is imported and a client was built."""
        return self._lazy.ready

    def warm(self) -> None:
        """Import the SDK and build the client now.

        Raises:
            ProviderError: when the client cannot be built (missing key: ``unconfigured``).
        """
        self._lazy.get()

    def analyze(self, text: str) -> Sentiment:
        """Label and confidence of ``text``.

        Raises:
            ProviderError: on timeout, throttling, 5xx, connection failure or malformed answer.
        """
        client = self._lazy.get()
        document = {"id": "1", "text": text, "language": self._language}
        return self._retry.run(lambda: self._analyze(client, document), budget_s=self._timeout_s)

    def _analyze(self, client: TextAnalyticsClient, document: dict[str, str]) -> Sentiment:
        from azure.core import exceptions as azure_errors

        try:
            [result] = client.analyze_sentiment([document], show_opinion_mining=False)
        except (
            azure_errors.ServiceRequestTimeoutError,
            azure_errors.ServiceResponseTimeoutError,
        ) as exc:
            raise ProviderError(NAME, f"timed out ({describe(exc)})", kind="timeout") from exc
        except (azure_errors.ServiceRequestError, azure_errors.ServiceResponseError) as exc:
            message = f"connection failed ({describe(exc)})"
            raise ProviderError(NAME, message, kind="unavailable") from exc
        except azure_errors.DecodeError as exc:
            raise malformed(NAME, describe(exc)) from exc
        except azure_errors.HttpResponseError as exc:
            status = int(exc.status_code or 0)
            if 200 <= status < 300:  # the SDK could not read a 200's body
                raise malformed(NAME, describe(exc)) from exc
            raise ProviderError(
                NAME, f"analyze-text answered HTTP {status}", kind=kind_for_status(status)
            ) from exc
        except (azure_errors.AzureError, ValueError) as exc:
            raise ProviderError(NAME, f"request failed ({describe(exc)})") from exc
        return _read_document(result)


def _read_document(result: Any) -> Sentiment:
    if getattr(result, "is_error", False):
        code = getattr(getattr(result, "error", None), "code", "unknown")
        raise ProviderError(NAME, f"document rejected ({str(code)[:40]})")
    scores = getattr(result, "confidence_scores", None)
    label = getattr(result, "sentiment", None)
    values = [getattr(scores, name, None) for name in ("positive", "neutral", "negative")]
    if not isinstance(label, str) or not all(isinstance(v, int | float) for v in values):
        raise malformed(NAME, "document without sentiment or confidence scores")
    positive, neutral, negative = (float(v) for v in values)  # type: ignore[arg-type]
    return sentiment_from_scores(label, positive, neutral, negative)
