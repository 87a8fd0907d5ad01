"""History stores: one interface, a SQLite implementation for the local server and DynamoDB
for the cloud."""

from runtime.store.base import HistoryStore

__all__ = ["HistoryStore"]
