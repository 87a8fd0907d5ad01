"""The history-store interface every backend implements (SQLite locally, DynamoDB in the cloud).

The conformance suite in ``tests/`` runs the same tests against every implementation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from runtime.types import DialogueState, FlightLink, Turn


class HistoryStore(Protocol):
    """Conversation history, dialogue state, flight links and what analytics needs.

    Every method raises :class:`runtime.errors.StoreError` when the backend fails.
    """

    def append_turn(self, turn: Turn) -> Turn:
        """Store ``turn`` without overwriting anything.

        When ``turn.client_message_id`` was already stored for the session, nothing is written
        and the turn stored first is returned (idempotent retries); otherwise ``turn`` is.
        """
        ...

    def find_turn_by_client_id(self, session_id: str, client_message_id: str) -> Turn | None:
        """The turn stored earlier for this client message id, if any."""
        ...

    def get_state(self, session_id: str) -> DialogueState | None:
        """The session's dialogue state, or ``None`` for an unknown (or expired) session."""
        ...

    def put_state(self, session_id: str, state: DialogueState) -> None:
        """Replace the session's dialogue state."""
        ...

    def export_session(self, session_id: str) -> list[Turn]:
        """Every unexpired turn of the session, oldest first (GDPR access)."""
        ...

    def erase_session(self, session_id: str) -> int:
        """Delete every item of the session (turns, state, links); returns how many were deleted."""
        ...

    def turns_on(self, date: str) -> Iterator[Turn]:
        """Every turn whose UTC ``date`` is ``YYYY-MM-DD`` (analytics)."""
        ...

    def save_link(self, link: FlightLink) -> None:
        """Remember a deep link handed out in a reply."""
        ...

    def get_link(self, link_id: str) -> FlightLink | None:
        """The link, or ``None`` when unknown or erased."""
        ...

    def record_click(self, link_id: str, clicked_ms: int) -> FlightLink | None:
        """Mark the link as opened (first click wins) and return it, or ``None`` when unknown."""
        ...

    def links_on(self, date: str) -> Iterator[FlightLink]:
        """Every link created on the UTC ``date`` (analytics: conversions)."""
        ...
