"""The content-cache contract, run against SQLite, DynamoDB (on dynalite) and memory.

Part of the store conformance suite (``test_store_conformance.py`` covers the history roles):
every test takes ``make_cache`` and runs once per backend.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from runtime.store.base import ContentCache
from runtime.store.content_dynamodb import DynamoDbContentCache
from runtime.store.content_memory import MemoryContentCache
from runtime.store.content_sqlite import SqliteContentCache
from runtime.types import DialogueState
from tests.integration.store_helpers import Clock
from tests.support.dynalite import DynamoTable

pytest_plugins = ["tests.integration.dynamo_fixtures"]

CacheMaker = Callable[[Clock], ContentCache]
START = 1_780_000_000.0


@pytest.fixture(params=["sqlite", "dynamodb", "memory"])
def make_cache(request: pytest.FixtureRequest, tmp_path: Path) -> CacheMaker:
    """A factory of caches of one backend on a given clock."""

    def sqlite(clock: Clock) -> ContentCache:
        return SqliteContentCache(tmp_path / "content.sqlite3", clock=clock)

    def dynamodb(clock: Clock) -> ContentCache:
        table: DynamoTable = request.getfixturevalue("dynamo_table")
        return DynamoDbContentCache(table.client, table.name, clock=clock)

    def memory(clock: Clock) -> ContentCache:
        return MemoryContentCache(clock=clock)

    return {"sqlite": sqlite, "dynamodb": dynamodb, "memory": memory}[request.param]


def test_a_value_comes_back_as_it_was_put(make_cache: CacheMaker) -> None:
    # GIVEN a value with unicode, nesting and numbers
    cache = make_cache(Clock(START))
    value = {"title": "São Paulo 🌍", "listings": [{"price": "R$ 40", "n": 1.5}], "ok": True}

    # WHEN it is put and read back
    cache.put("wikivoyage:v1:são paulo", value, 3600)

    # THEN the same value comes back, and an unknown key is None
    assert cache.get("wikivoyage:v1:são paulo") == value
    assert cache.get("wikivoyage:v1:nowhere") is None


def test_a_value_expires_with_its_ttl_even_before_it_is_deleted(make_cache: CacheMaker) -> None:
    clock = Clock(START)
    cache = make_cache(clock)
    cache.put("frankfurter:v1:USD:EUR", {"rate": 0.92}, 60)
    clock.advance(59)
    assert cache.get("frankfurter:v1:USD:EUR") == {"rate": 0.92}
    clock.advance(2)
    assert cache.get("frankfurter:v1:USD:EUR") is None


def test_a_newer_value_replaces_the_older_one(make_cache: CacheMaker) -> None:
    cache = make_cache(Clock(START))
    cache.put("k", {"v": 1}, 60)
    cache.put("k", {"v": 2}, 3600)
    assert cache.get("k") == {"v": 2}


@pytest.mark.parametrize(
    ("key", "value", "ttl_s"),
    [
        ("", {"v": 1}, 60),
        ("k" * 513, {"v": 1}, 60),
        ("line\nbreak", {"v": 1}, 60),
        ("k", {"v": 1}, 0),
        ("k", {"v": float("nan")}, 60),
        ("k", {"blob": "x" * 300_000}, 60),
    ],
)
def test_bad_keys_ttls_and_values_are_refused(
    make_cache: CacheMaker, key: str, value: dict[str, object], ttl_s: int
) -> None:
    cache = make_cache(Clock(START))
    with pytest.raises(ValueError, match=r"content (key|value)|ttl_s"):
        cache.put(key, value, ttl_s)


def test_erasing_a_session_leaves_the_content_on_the_same_table(
    dynamo_table: DynamoTable,
) -> None:
    # GIVEN the history store and the content cache on one DynamoDB table
    from runtime.store.dynamodb import DynamoDbStore

    clock = Clock(START)
    history = DynamoDbStore(dynamo_table.client, dynamo_table.name, clock=clock)
    cache = DynamoDbContentCache(dynamo_table.client, dynamo_table.name, clock=clock)
    cache.put("state", {"cached": True}, 3600)

    # WHEN a session is written, erased and read
    history.put_state("session-0001", DialogueState(intent="Greeting"))
    erased = history.erase_session("session-0001")

    # THEN only the session's item was erased and the cached value is untouched
    assert erased == 1
    assert cache.get("state") == {"cached": True}
