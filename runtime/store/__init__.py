"""History stores: the role interfaces (``base``), SQLite for the local server (``sqlite``),
DynamoDB for the cloud (``dynamodb``, its table in ``schema``) and the ``factory``."""

from runtime.store.base import (
    AnalyticsSource,
    ConversationStore,
    HistoryStore,
    LinkStore,
    StateStore,
    TurnStore,
)

__all__ = [
    "AnalyticsSource",
    "ConversationStore",
    "HistoryStore",
    "LinkStore",
    "StateStore",
    "TurnStore",
]
