"""History stores: the role interfaces (``base``), SQLite for the local server (``sqlite``),
DynamoDB for the cloud (``dynamodb``, its table in ``schema``) and the ``factory``; the content
cache of the open-data sources (``content_*``)."""

from runtime.store.base import (
    AnalyticsSource,
    ContentCache,
    ConversationStore,
    HistoryStore,
    LinkStore,
    StateStore,
    TurnStore,
)

__all__ = [
    "AnalyticsSource",
    "ContentCache",
    "ConversationStore",
    "HistoryStore",
    "LinkStore",
    "StateStore",
    "TurnStore",
]
