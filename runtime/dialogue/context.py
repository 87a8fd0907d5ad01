"""What fulfilment gets besides the slots, and what it gives back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from runtime.model import BotModel


@dataclass(frozen=True)
class FulfilmentContext:
    """What fulfilment needs beyond the slots: who asks, how links are built, which variant,
    and by when (``deadline``, a ``time.monotonic()`` instant) the reply must be ready."""

    session_id: str
    base_url: str
    now_ms: int
    variant: str = "detailed"
    deadline: float | None = None


@dataclass(frozen=True)
class Fulfilled:
    """A reply, the dialogue state to report and an optional slot to elicit again.

    ``details`` is the structured, JSON-ready value the reply was written from (a trip plan's
    days, budget and sources; a weather report), for clients that render cards.
    """

    reply: str
    dialog_state: str = "Fulfilled"
    elicit: str | None = None
    details: dict[str, Any] | None = None


class Templates:
    """The bot model's reply templates of one intent, filled with ``str.format``."""

    def __init__(self, model: BotModel, intent: str) -> None:
        self._responses = model.intent(intent).responses

    def __call__(self, key: str, **values: Any) -> str:
        """The template ``key`` with ``values`` filled in."""
        return self._responses[key].format(**values)
