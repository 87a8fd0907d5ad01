"""The history-store interfaces, one per role, and the whole every backend implements.

Callers ask for the role they use: the chat turn needs :class:`ConversationStore` (turns and
dialogue state), fulfilment a :class:`LinkStore`, the daily job an :class:`AnalyticsSource`, the
session routes a :class:`TurnStore`. SQLite (local server) and DynamoDB (cloud) implement all of
them as one :class:`HistoryStore`; the conformance suite in ``tests/`` runs the same tests
against both. Every method raises :class:`runtime.errors.StoreError` when the backend fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from runtime.types import DialogueState, FlightLink, Turn


class TurnStore(Protocol):
    """A session's turns: appended once, exported and erased on request (GDPR)."""

    def append_turn(self, turn: Turn) -> Turn:
        """Store ``turn`` without overwriting anything.

        When ``turn.client_message_id`` was already stored for the session, nothing is written
        and the turn stored first is returned (idempotent retries); otherwise ``turn`` is.
        """
        ...

    def find_turn_by_client_id(self, session_id: str, client_message_id: str) -> Turn | None:
        """The turn stored earlier for this client message id, if any."""
        ...

    def export_session(self, session_id: str) -> list[Turn]:
        """Every unexpired turn of the session, oldest first (GDPR access)."""
        ...

    def erase_session(self, session_id: str) -> int:
        """Delete every item of the session (turns, state, links); returns how many were deleted."""
        ...


class StateStore(Protocol):
    """The dialogue state carried from one turn of a session to the next."""

    def get_state(self, session_id: str) -> DialogueState | None:
        """The session's dialogue state, or ``None`` for an unknown (or expired) session."""
        ...

    def put_state(self, session_id: str, state: DialogueState) -> None:
        """Replace the session's dialogue state."""
        ...


class ConversationStore(TurnStore, StateStore, Protocol):
    """What one chat turn (and a replay of a spooled one) reads and writes."""


class LinkStore(Protocol):
    """Flight-search deep links handed out in replies, and their clicks."""

    def save_link(self, link: FlightLink) -> None:
        """Remember a deep link handed out in a reply."""
        ...

    def get_link(self, link_id: str) -> FlightLink | None:
        """The link, or ``None`` when unknown or erased."""
        ...

    def record_click(self, link_id: str, clicked_ms: int) -> FlightLink | None:
        """Mark the link as opened (first click wins) and return it, or ``None`` when unknown."""
        ...


class AnalyticsSource(Protocol):
    """A day's turns and links, for the daily report."""

    def turns_on(self, date: str) -> Iterator[Turn]:
        """Every turn whose UTC ``date`` is ``YYYY-MM-DD`` (analytics)."""
        ...

    def links_on(self, date: str) -> Iterator[FlightLink]:
        """Every link created on the UTC ``date`` (analytics: conversions)."""
        ...


class HistoryStore(ConversationStore, LinkStore, AnalyticsSource, Protocol):
    """Every role at once: what a backend (SQLite, DynamoDB) implements."""


class ContentCache(Protocol):
    """Facts fetched from open sources (weather, rates, guides), kept for a while and shared.

    Not part of :class:`HistoryStore`: the backends are their own classes
    (:mod:`runtime.store.content_sqlite`, :mod:`runtime.store.content_dynamodb`,
    :mod:`runtime.store.content_memory`), and nothing in it is about a user. Keys are at most
    :data:`runtime.store.content.MAX_KEY_CHARS` characters; values are JSON objects.
    """

    def get(self, key: str) -> dict[str, Any] | None:
        """The value put under ``key``, or ``None`` when absent or past its TTL."""
        ...

    def put(self, key: str, value: dict[str, Any], ttl_s: int) -> None:
        """Keep ``value`` under ``key`` for ``ttl_s`` seconds, replacing what was there.

        Raises :class:`ValueError` for a bad key, TTL or a value too large to keep.
        """
        ...
