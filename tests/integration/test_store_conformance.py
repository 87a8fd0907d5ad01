"""The history-store contract, run against SQLite and against DynamoDB (on dynalite).

Every test takes ``make_store`` and runs twice, once per backend; a behaviour that differs
between the local server and the cloud fails here. DynamoDB stores page by 3 items so that
every query crosses page boundaries.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from runtime.errors import StoreError
from runtime.store.base import HistoryStore
from runtime.store.dynamodb import DynamoDbStore
from runtime.store.sqlite import SqliteStore
from runtime.types import DialogueState
from tests.integration.store_helpers import (
    DAY,
    DAY_START_MS,
    Clock,
    make_link,
    make_turn,
    session_id,
)
from tests.support.dynalite import DynamoTable

pytest_plugins = ["tests.integration.dynamo_fixtures"]

StoreMaker = Callable[..., HistoryStore]
HOUR_MS = 3_600_000


@pytest.fixture(params=["sqlite", "dynamodb"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> StoreMaker:
    """A factory of stores of one backend: ``make_store(clock=..., retention_days=...)``."""

    def sqlite(*, clock: Clock | None = None, retention_days: int = 90) -> HistoryStore:
        clock = clock or Clock(DAY_START_MS / 1000 + 3600)
        return SqliteStore(tmp_path / "history.sqlite3", retention_days=retention_days, clock=clock)

    def dynamodb(*, clock: Clock | None = None, retention_days: int = 90) -> HistoryStore:
        table: DynamoTable = request.getfixturevalue("dynamo_table")
        clock = clock or Clock(DAY_START_MS / 1000 + 3600)
        return DynamoDbStore(
            table.client, table.name, retention_days=retention_days, clock=clock, page_size=3
        )

    return sqlite if request.param == "sqlite" else dynamodb


# ---------------------------------------------------------------------- turns
def test_a_stored_turn_is_exported_exactly_as_it_was_written(make_store: StoreMaker) -> None:
    # GIVEN a turn with every field set, unicode text and a nested budget slot
    store = make_store()
    turn = make_turn(
        session_id(),
        DAY_START_MS + 1000,
        message="Olá — a trip to São Paulo 🌍 for 1500.50 EUR",
        slots={
            "destination": "São Paulo",
            "duration": 5,
            "budget": {"amount": 1500.5, "currency": "EUR"},
        },
        degraded=True,
        client_message_id="m-1",
    )

    # WHEN it is appended and the session exported
    returned = store.append_turn(turn)
    exported = store.export_session(turn.session_id)

    # THEN the store hands back the very same turn
    assert returned == turn
    assert exported == [turn]


def test_export_lists_a_sessions_turns_oldest_first_across_pages(make_store: StoreMaker) -> None:
    # GIVEN ten turns appended out of order, and another session's turn
    store = make_store()
    sid = session_id()
    turns = [make_turn(sid, DAY_START_MS + i * 1000, message=f"message {i}") for i in range(10)]
    for turn in reversed(turns):
        store.append_turn(turn)
    store.append_turn(make_turn(session_id(), DAY_START_MS + 500))

    # WHEN the session is exported
    exported = store.export_session(sid)

    # THEN all ten come back, oldest first, and only this session's
    assert [t.message for t in exported] == [f"message {i}" for i in range(10)]


def test_appending_the_same_turn_twice_stores_it_once(make_store: StoreMaker) -> None:
    # GIVEN a stored turn
    store = make_store()
    turn = make_turn(session_id(), DAY_START_MS + 1000)
    store.append_turn(turn)

    # WHEN the same turn (same key) is appended again, as a replay would
    again = store.append_turn(turn)

    # THEN nothing new is stored and the stored turn is returned
    assert again == turn
    assert store.export_session(turn.session_id) == [turn]


def test_a_repeated_client_message_id_returns_the_turn_stored_first(make_store: StoreMaker) -> None:
    # GIVEN a turn stored for client message id "abc"
    store = make_store()
    sid = session_id()
    first = make_turn(sid, DAY_START_MS + 1000, reply="first reply", client_message_id="abc")
    store.append_turn(first)

    # WHEN a different turn with the same client message id is appended (a client retry)
    second = make_turn(sid, DAY_START_MS + 2000, reply="second reply", client_message_id="abc")
    returned = store.append_turn(second)

    # THEN the first turn is returned and it stays the only one stored
    assert returned == first
    assert store.export_session(sid) == [first]


def test_concurrent_appends_with_one_client_message_id_store_one_turn(
    make_store: StoreMaker,
) -> None:
    # GIVEN eight different turns that share one client message id
    store = make_store()
    sid = session_id()
    turns = [
        make_turn(sid, DAY_START_MS + i, reply=f"reply {i}", client_message_id="same")
        for i in range(8)
    ]
    results: list[object] = [None] * len(turns)
    barrier = threading.Barrier(len(turns))

    def append(index: int) -> None:
        barrier.wait()
        results[index] = store.append_turn(turns[index])

    # WHEN they are appended at the same moment from eight threads
    threads = [threading.Thread(target=append, args=(i,)) for i in range(len(turns))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # THEN exactly one is stored and every caller got that one back
    stored = store.export_session(sid)
    assert len(stored) == 1
    assert all(result == stored[0] for result in results)


def test_a_turn_is_found_by_its_client_message_id_and_unknown_ids_are_not(
    make_store: StoreMaker,
) -> None:
    # GIVEN a turn stored with a client message id
    store = make_store()
    turn = make_turn(session_id(), DAY_START_MS + 1000, client_message_id="c-42")
    store.append_turn(turn)

    # WHEN it is looked up by that id, by another id, and in another session
    # THEN only the exact (session, id) pair finds it
    assert store.find_turn_by_client_id(turn.session_id, "c-42") == turn
    assert store.find_turn_by_client_id(turn.session_id, "c-43") is None
    assert store.find_turn_by_client_id(session_id(), "c-42") is None


# ---------------------------------------------------------------------- state
def test_dialogue_state_round_trips_and_a_newer_one_replaces_it(make_store: StoreMaker) -> None:
    # GIVEN a session whose state was stored
    store = make_store()
    sid = session_id()
    store.put_state(sid, DialogueState(intent="PlanTrip", slots={"destination": "Lisbon"}))

    # WHEN a newer state is put
    newer = DialogueState(
        intent="PlanTrip",
        slots={
            "destination": "Lisbon",
            "duration": 5,
            "budget": {"amount": 900, "currency": "USD"},
        },
        eliciting_slot=None,
        last_place="Lisbon",
        turn_count=3,
    )
    store.put_state(sid, newer)

    # THEN the newer state is what the store returns
    assert store.get_state(sid) == newer


def test_an_unknown_session_has_no_state_and_no_turns(make_store: StoreMaker) -> None:
    # GIVEN an empty store
    store = make_store()

    # WHEN an unknown session is read
    # THEN there is neither state nor history
    assert store.get_state(session_id()) is None
    assert store.export_session(session_id()) == []


def test_expired_items_are_not_returned_before_ttl_deletes_them(make_store: StoreMaker) -> None:
    # GIVEN a one-day retention and a session with a turn, a state and a link
    clock = Clock(DAY_START_MS / 1000 + 60)
    store = make_store(clock=clock, retention_days=1)
    sid = session_id()
    store.append_turn(make_turn(sid, DAY_START_MS + 1000, client_message_id="old"))
    store.put_state(sid, DialogueState(intent="Greeting"))
    link = make_link(sid, DAY_START_MS + 2000)
    store.save_link(link)

    # WHEN two days pass (TTL deletion lags, so the items may still be there)
    clock.advance(2 * 86400)

    # THEN every read treats them as gone
    assert store.export_session(sid) == []
    assert store.get_state(sid) is None
    assert store.find_turn_by_client_id(sid, "old") is None
    assert store.get_link(link.link_id) is None
    assert store.record_click(link.link_id, DAY_START_MS) is None
    assert list(store.turns_on(DAY)) == []
    assert list(store.links_on(DAY)) == []


# ---------------------------------------------------------------------- erase
def test_erase_deletes_turns_state_and_links_and_counts_them(make_store: StoreMaker) -> None:
    # GIVEN a session with three turns (one with a client id), a state and a link
    store = make_store()
    sid = session_id()
    for i in range(3):
        client_id = "c0" if i == 0 else None
        store.append_turn(make_turn(sid, DAY_START_MS + i * 1000, client_message_id=client_id))
    store.put_state(sid, DialogueState(intent="FindFlights"))
    link = make_link(sid, DAY_START_MS + 5000)
    store.save_link(link)

    # WHEN the session is erased
    deleted = store.erase_session(sid)

    # THEN 3 turns + 1 state + 1 link were deleted and nothing of the session can be read
    assert deleted == 5
    assert store.export_session(sid) == []
    assert store.get_state(sid) is None
    assert store.get_link(link.link_id) is None
    assert store.find_turn_by_client_id(sid, "c0") is None
    assert [t for t in store.turns_on(DAY) if t.session_id == sid] == []


def test_erasing_an_unknown_session_deletes_nothing(make_store: StoreMaker) -> None:
    # GIVEN a store with someone else's history
    store = make_store()
    store.append_turn(make_turn(session_id(), DAY_START_MS))

    # WHEN a session that never existed is erased
    # THEN the count is zero (the route turns that into 404)
    assert store.erase_session(session_id()) == 0


def test_erase_leaves_other_sessions_untouched(make_store: StoreMaker) -> None:
    # GIVEN two sessions with a turn, a state and a link each
    store = make_store()
    mine, theirs = session_id(), session_id()
    for sid in (mine, theirs):
        store.append_turn(make_turn(sid, DAY_START_MS))
        store.put_state(sid, DialogueState(intent="Greeting"))
    their_link = make_link(theirs, DAY_START_MS)
    store.save_link(their_link)

    # WHEN one session is erased
    store.erase_session(mine)

    # THEN the other keeps everything
    assert len(store.export_session(theirs)) == 1
    assert store.get_state(theirs) is not None
    assert store.get_link(their_link.link_id) == their_link


def test_erase_removes_a_session_larger_than_one_delete_batch(make_store: StoreMaker) -> None:
    # GIVEN a session with 60 turns (DynamoDB deletes at most 25 items per batch)
    store = make_store()
    sid = session_id()
    for i in range(60):
        store.append_turn(make_turn(sid, DAY_START_MS + i))

    # WHEN it is erased
    deleted = store.erase_session(sid)

    # THEN every turn is gone
    assert deleted == 60
    assert store.export_session(sid) == []


# ---------------------------------------------------------------------- analytics reads
def test_turns_on_returns_one_days_turns_of_every_session_in_time_order(
    make_store: StoreMaker,
) -> None:
    # GIVEN turns on the day (two sessions, interleaved), the day before and the day after
    store = make_store()
    a, b = session_id(), session_id()
    on_day = [
        make_turn(a if i % 2 else b, DAY_START_MS + i * HOUR_MS, message=f"m{i}") for i in range(6)
    ]
    for turn in reversed(on_day):
        store.append_turn(turn)
    store.append_turn(make_turn(a, DAY_START_MS - 1, message="yesterday"))
    store.append_turn(make_turn(a, DAY_START_MS + 24 * HOUR_MS, message="tomorrow"))

    # WHEN the day's turns are read
    messages = [t.message for t in store.turns_on(DAY)]

    # THEN exactly that day's turns come, in time order
    assert messages == [f"m{i}" for i in range(6)]


def test_a_link_round_trips_and_an_unknown_link_is_none(make_store: StoreMaker) -> None:
    # GIVEN a saved link
    store = make_store()
    link = make_link(session_id(), DAY_START_MS + 1000, variant="concise")
    store.save_link(link)

    # WHEN it is read back, and an unknown id is read
    # THEN the link comes back as saved and the unknown one is None
    assert store.get_link(link.link_id) == link
    assert store.get_link("nope-nope") is None


def test_saving_a_taken_link_id_fails_without_overwriting(make_store: StoreMaker) -> None:
    # GIVEN a saved link
    store = make_store()
    link = make_link(session_id(), DAY_START_MS)
    store.save_link(link)

    # WHEN another session saves a link with the same id
    intruder = make_link(
        session_id(), DAY_START_MS + 5, link_id=link.link_id, url="https://x.test/"
    )

    # THEN it is refused, the original stands, and erasing the intruder's session spares it
    with pytest.raises(StoreError):
        store.save_link(intruder)
    assert store.get_link(link.link_id) == link
    assert store.erase_session(intruder.session_id) == 0
    assert store.get_link(link.link_id) == link


def test_the_first_click_on_a_link_is_the_one_kept(make_store: StoreMaker) -> None:
    # GIVEN a saved link
    store = make_store()
    link = make_link(session_id(), DAY_START_MS)
    store.save_link(link)

    # WHEN it is clicked twice
    first = store.record_click(link.link_id, DAY_START_MS + 10_000)
    second = store.record_click(link.link_id, DAY_START_MS + 20_000)

    # THEN both calls return the link with the first click's time, and so does a read
    assert first is not None and first.clicked_ms == DAY_START_MS + 10_000
    assert second is not None and second.clicked_ms == DAY_START_MS + 10_000
    assert store.get_link(link.link_id) == first
    assert store.record_click("unknown-link", DAY_START_MS) is None


def test_links_on_returns_the_days_links_with_their_clicks(make_store: StoreMaker) -> None:
    # GIVEN two links created on the day (one clicked) and one created the day before
    store = make_store()
    clicked = make_link(session_id(), DAY_START_MS + HOUR_MS)
    unclicked = make_link(session_id(), DAY_START_MS + 2 * HOUR_MS)
    before = make_link(session_id(), DAY_START_MS - HOUR_MS)
    for link in (clicked, unclicked, before):
        store.save_link(link)
    store.record_click(clicked.link_id, DAY_START_MS + 3 * HOUR_MS)

    # WHEN the day's links are read
    links = {link.link_id: link for link in store.links_on(DAY)}

    # THEN the two of that day come back, the click recorded on the right one
    assert set(links) == {clicked.link_id, unclicked.link_id}
    assert links[clicked.link_id].clicked_ms == DAY_START_MS + 3 * HOUR_MS
    assert links[unclicked.link_id].clicked_ms is None
