"""The NLU provider interface: Lex, Dialogflow and the embedded NLU all implement it."""

from __future__ import annotations

from typing import Protocol

from runtime.types import NluContext, NluResult


class NluProvider(Protocol):
    """Reads one message into an intent, a confidence and normalised slots."""

    name: str

    def recognize(self, text: str, context: NluContext) -> NluResult:
        """Understand ``text``.

        Raises :class:`runtime.errors.ProviderError` when the provider cannot answer (network,
        throttling, malformed response); never returns a partial result.
        """
        ...
