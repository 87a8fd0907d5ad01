"""DynamoDB history store for the cloud: the same :class:`HistoryStore` contract as SQLite.

Data model (one table; the infra component builds it exactly so, the rate limiter shares it)::

    sessionId (PK, S)  sk (SK, S)           other attributes
    -----------------  -------------------  ------------------------------------------------------
    <session id>       turn#<turn key>      data (S: Turn JSON), date (S: YYYY-MM-DD),
                                            timestamp (N: epoch ms), ttl (N: epoch s),
                                            clientMessageId (S, when the client sent one)
    <session id>       state                data (S: DialogueState JSON), ttl
    <session id>       client#<client id>   turnKey (S), data (S: the Turn JSON), ttl
    <session id>       link#<link id>       ttl  (pointer: erasing the session finds the link)
    link#<link id>     link                 data (S: FlightLink JSON), date, timestamp (created ms),
                                            ttl, clickedMs (N: set once, by the first click)
    ratelimit#<ip>     bucket               tat (N), ttl  (see runtime.ratelimit.dynamodb)
    content#<key>      content              data (S: JSON), ttl  (runtime.store.content_dynamodb)

``<turn key>`` is :attr:`Turn.turn_key` (``<13-digit epoch ms>#<random>``), so a session's turns
sort chronologically. Session ids never contain ``#``, so the ``link#``/``ratelimit#``/``content#``
partitions cannot collide with a session. Global secondary index ``AnalyticsIndex``: partition
``date``, sort ``timestamp``, projection ALL; only turn and link items carry both attributes, so
the index is sparse. TTL is the table setting on ``ttl``; because TTL deletion lags (up to ~48 h),
every read also drops items whose ``ttl`` has passed.

The ``client#`` item makes "same ``clientMessageId`` -> one stored turn, one answer" hold without
transactions, and turns the idempotency lookup into one ``GetItem``. It is written first, with
``attribute_not_exists``, and it carries the whole turn; the ``turn#`` item follows. Two
conditional ``PutItem`` s are not atomic, so a process killed between them leaves a claim whose
turn is missing. That absence is detected and repaired wherever a claim is read: a retry's
lookup (:meth:`DynamoDbStore.find_turn_by_client_id`), a competing append and a replay all
write the turn from the claim (``attribute_not_exists`` again, so the repair can race the
original write harmlessly), and :meth:`DynamoDbStore.export_session` lists a claimed turn even
before anything repaired it. So an answer given from a claim always names a stored turn.

Why not one ``TransactWriteItems``: it would make the pair atomic on AWS, but dynalite (the
local and CI DynamoDB) has no transactions, so the repair would still be needed there, and a
transaction costs twice the write units of the two puts on every turn. Claim-then-repair is one
code path that behaves the same on dynalite, moto and DynamoDB, and the kill -9 tests exercise
it (``tests/integration/test_turn_atomicity.py``).

Writes never overwrite (``attribute_not_exists`` conditions), queries follow
``LastEvaluatedKey``, erase deletes in batches of 25 and retries ``UnprocessedItems``, and
throttling or 5xx answers are retried a bounded number of times with jitter. Every failure
leaves this module as :class:`StoreError`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from runtime.aws import CONDITION_FAILED, aws_retry, error_code, n, number, s, text
from runtime.contract import Table
from runtime.errors import StoreError
from runtime.types import DialogueState, FlightLink, Turn

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

    from runtime.retry import RetryPolicy

    Item = dict[str, AttributeValueTypeDef]

T = TypeVar("T")

ANALYTICS_INDEX = Table.ANALYTICS_INDEX
BATCH_SIZE = 25  # BatchWriteItem's limit
TTL_NAMES = {"#ttl": "ttl"}  # "ttl", "date", "timestamp" and "data" are DynamoDB reserved words
NOT_STORED = "attribute_not_exists(sk) OR #ttl <= :now"  # absent, or expired but not yet deleted


class _ConditionFailedError(Exception):
    """A conditional write found the item in the way (an answer, not a failure)."""


def _day(ms: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(ms / 1000))


class DynamoDbStore:
    """:class:`runtime.store.base.HistoryStore` on one DynamoDB table (thread-safe).

    ``client`` is a boto3 DynamoDB client (injected, so tests point it at dynalite);
    ``page_size`` caps items per query page (``None``: DynamoDB's 1 MB pages).
    """

    def __init__(
        self,
        client: DynamoDBClient,
        table_name: str,
        *,
        retention_days: int = 90,
        clock: Callable[[], float] = time.time,
        retry: RetryPolicy | None = None,
        page_size: int | None = None,
    ) -> None:
        self._client = client
        self.table_name = table_name
        self._retention_s = retention_days * 86400
        self._clock = clock
        self._retry = retry or aws_retry()
        self._page_size = page_size

    # ------------------------------------------------------------------ plumbing
    def _now(self) -> int:
        return int(self._clock())

    def _live(self, item: Mapping[str, Any] | None) -> bool:
        expires = number(item, "ttl") if item else None
        return item is not None and (expires is None or expires > self._now())

    def _call(self, what: str, operation: Callable[[], T]) -> T:
        try:
            return self._retry.run(operation)
        except ClientError as exc:
            if error_code(exc) == CONDITION_FAILED:
                raise _ConditionFailedError from exc
            raise StoreError(f"DynamoDB {what} failed: {exc}") from exc
        except BotoCoreError as exc:
            raise StoreError(f"DynamoDB {what} failed: {exc}") from exc

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        response = self._call(
            "GetItem",
            lambda: self._client.get_item(
                TableName=self.table_name,
                Key={"sessionId": s(pk), "sk": s(sk)},
                ConsistentRead=True,
            ),
        )
        item = response.get("Item")
        return dict(item) if item is not None else None

    def _put_if_absent(self, item: Item) -> bool:
        """Write ``item`` unless a live item has its key; ``False`` when one does."""
        try:
            self._call(
                "PutItem",
                lambda: self._client.put_item(
                    TableName=self.table_name,
                    Item=item,
                    ConditionExpression=NOT_STORED,
                    ExpressionAttributeNames=TTL_NAMES,
                    ExpressionAttributeValues={":now": n(self._now())},
                ),
            )
        except _ConditionFailedError:
            return False
        return True

    def _query(self, what: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every item of a query, page after page."""
        if self._page_size:
            params["Limit"] = self._page_size
        start: Mapping[str, Any] | None = None
        while True:
            if start is not None:
                params["ExclusiveStartKey"] = start
            page = self._call(what, lambda: self._client.query(TableName=self.table_name, **params))
            for item in page.get("Items", []):
                yield dict(item)
            start = page.get("LastEvaluatedKey")
            if not start:
                return

    def _on_day(self, date: str, sk_condition: str, prefix: str) -> Iterator[dict[str, Any]]:
        return self._query(
            "Query AnalyticsIndex",
            IndexName=ANALYTICS_INDEX,
            KeyConditionExpression="#date = :date",
            FilterExpression=f"{sk_condition} AND #ttl > :now",
            ExpressionAttributeNames={"#date": "date", **TTL_NAMES},
            ExpressionAttributeValues={":date": s(date), ":sk": s(prefix), ":now": n(self._now())},
        )

    # ------------------------------------------------------------------ turns
    def _turn_item(self, turn: Turn) -> Item:
        item: Item = {
            "sessionId": s(turn.session_id),
            "sk": s(f"turn#{turn.turn_key}"),
            "data": s(json.dumps(turn.to_dict())),
            "date": s(turn.date),
            "timestamp": n(turn.timestamp_ms),
            "ttl": n(turn.timestamp_ms // 1000 + self._retention_s),
        }
        if turn.client_message_id:
            item["clientMessageId"] = s(turn.client_message_id)
        return item

    def append_turn(self, turn: Turn) -> Turn:
        """Store ``turn`` unless it (or its client message id) is stored already.

        Returns the turn stored first. Raises :class:`StoreError` when DynamoDB fails.
        """
        if turn.client_message_id:
            claimed = self._claim(turn)
            if claimed is not None:
                # An earlier attempt may have written the claim and died before its turn (a
                # replay of it lands here too): complete it.
                self._complete(claimed)
                return claimed
        if self._put_if_absent(self._turn_item(turn)):
            return turn
        item = self._get(turn.session_id, f"turn#{turn.turn_key}")
        data = text(item, "data") if item else None
        if data is None:
            raise StoreError("turn conflicts with a stored item but none was found")
        return Turn.from_dict(json.loads(data))

    def _claim(self, turn: Turn) -> Turn | None:
        """Claim the turn's client message id; ``None`` if ours, else the turn that has it."""
        assert turn.client_message_id is not None
        claim: Item = {
            "sessionId": s(turn.session_id),
            "sk": s(f"client#{turn.client_message_id}"),
            "turnKey": s(turn.turn_key),
            "data": s(json.dumps(turn.to_dict())),
            "ttl": n(turn.timestamp_ms // 1000 + self._retention_s),
        }
        if self._put_if_absent(claim):
            return None
        earlier = self.find_turn_by_client_id(turn.session_id, turn.client_message_id)
        if earlier is None:
            raise StoreError("client message id is claimed but its turn was not found")
        return earlier

    def _complete(self, claimed: Turn) -> None:
        """Write the ``turn#`` item of a claimed turn unless it is there (the repair)."""
        if self._get(claimed.session_id, f"turn#{claimed.turn_key}") is None:
            self._put_if_absent(self._turn_item(claimed))

    def find_turn_by_client_id(self, session_id: str, client_message_id: str) -> Turn | None:
        """The turn stored for this client message id, if unexpired.

        A claim whose turn item is missing (the writer died between the two puts) is completed
        before the turn is returned, so the answer a retry gets always names a stored turn.
        """
        item = self._get(session_id, f"client#{client_message_id}")
        data = text(item, "data") if item and self._live(item) else None
        if not data:
            return None
        turn = Turn.from_dict(json.loads(data))
        self._complete(turn)
        return turn

    def export_session(self, session_id: str) -> list[Turn]:
        """Every unexpired turn of the session, oldest first.

        A claimed turn whose ``turn#`` item is missing is listed too: its message is stored
        (in the claim), so an access request must see it.
        """
        turns: dict[str, Turn] = {}
        claimed: list[Turn] = []
        # One query over the partition (a key attribute cannot be filtered on server-side):
        # turns and claims are kept, the state and link pointers skipped.
        for item in self._query(
            "Query",
            KeyConditionExpression="sessionId = :id",
            FilterExpression="#ttl > :now",
            ExpressionAttributeNames=TTL_NAMES,
            ExpressionAttributeValues={":id": s(session_id), ":now": n(self._now())},
            ConsistentRead=True,
        ):
            sk = text(item, "sk") or ""
            if not sk.startswith(("turn#", "client#")):
                continue
            turn = Turn.from_dict(json.loads(text(item, "data") or "{}"))
            if sk.startswith("turn#"):
                turns[turn.turn_key] = turn
            else:
                claimed.append(turn)
        for turn in claimed:
            turns.setdefault(turn.turn_key, turn)
        return [turns[key] for key in sorted(turns)]

    def turns_on(self, date: str) -> Iterator[Turn]:
        """Every unexpired turn of the UTC day ``date``, in time order (the analytics index)."""
        for item in self._on_day(date, "begins_with(sk, :sk)", "turn#"):
            yield Turn.from_dict(json.loads(text(item, "data") or "{}"))

    # ------------------------------------------------------------------ state
    def get_state(self, session_id: str) -> DialogueState | None:
        """The session's dialogue state, or ``None`` for an unknown or expired session."""
        item = self._get(session_id, "state")
        data = text(item, "data") if item and self._live(item) else None
        return DialogueState.from_dict(json.loads(data)) if data else None

    def put_state(self, session_id: str, state: DialogueState) -> None:
        """Replace the session's dialogue state (the one item that is meant to be replaced)."""
        item: Item = {
            "sessionId": s(session_id),
            "sk": s("state"),
            "data": s(json.dumps(state.to_dict())),
            "ttl": n(self._now() + self._retention_s),
        }
        self._call("PutItem", lambda: self._client.put_item(TableName=self.table_name, Item=item))

    # ------------------------------------------------------------------ erase
    def erase_session(self, session_id: str) -> int:
        """Delete every item of the session and the links it points to.

        Returns how many turns, states and links were deleted (claims and pointers are
        bookkeeping and not counted, so the count matches the SQLite store's).
        """
        keys: list[Item] = []
        count = 0
        for item in self._query(
            "Query",
            KeyConditionExpression="sessionId = :id",
            ProjectionExpression="sk",
            ExpressionAttributeValues={":id": s(session_id)},
            ConsistentRead=True,
        ):
            sk = text(item, "sk") or ""
            keys.append({"sessionId": s(session_id), "sk": s(sk)})
            if sk.startswith("link#"):
                keys.append({"sessionId": s(sk), "sk": s("link")})
            if not sk.startswith("client#"):
                count += 1
        for start in range(0, len(keys), BATCH_SIZE):
            self._delete_batch(keys[start : start + BATCH_SIZE])
        return count

    def _delete_batch(self, keys: list[Item]) -> None:
        """Delete up to 25 keys, retrying what DynamoDB leaves unprocessed (bounded)."""
        requests: list[Any] = [{"DeleteRequest": {"Key": key}} for key in keys]
        for attempt in range(1, self._retry.max_attempts + 3):
            response = self._call(
                "BatchWriteItem",
                lambda batch=requests: self._client.batch_write_item(  # type: ignore[misc]
                    RequestItems={self.table_name: batch}
                ),
            )
            requests = list(response.get("UnprocessedItems", {}).get(self.table_name, []))
            if not requests:
                return
            self._retry.sleep(self._retry.delay_s(attempt))
        raise StoreError(f"erase incomplete: {len(requests)} items stayed unprocessed")

    # ------------------------------------------------------------------ links
    def save_link(self, link: FlightLink) -> None:
        """Store a new link and its pointer under the session (never overwrites a link).

        The pointer is written first so that an erase always finds the link; if the id is
        taken, the pointer is removed again and :class:`StoreError` is raised.
        """
        expires = link.created_ms // 1000 + self._retention_s
        pointer: Item = {
            "sessionId": s(link.session_id),
            "sk": s(f"link#{link.link_id}"),
            "ttl": n(expires),
        }
        self._call(
            "PutItem", lambda: self._client.put_item(TableName=self.table_name, Item=pointer)
        )
        item: Item = {
            "sessionId": s(f"link#{link.link_id}"),
            "sk": s("link"),
            "data": s(json.dumps(link.to_dict() | {"clicked_ms": None})),
            "date": s(_day(link.created_ms)),
            "timestamp": n(link.created_ms),
            "ttl": n(expires),
        }
        if link.clicked_ms is not None:
            item["clickedMs"] = n(link.clicked_ms)
        if not self._put_if_absent(item):
            key = {"sessionId": pointer["sessionId"], "sk": pointer["sk"]}
            self._call(
                "DeleteItem",
                lambda: self._client.delete_item(TableName=self.table_name, Key=key),
            )
            raise StoreError(f"link {link.link_id} exists already")

    @staticmethod
    def _link(item: Mapping[str, Any]) -> FlightLink:
        data = json.loads(text(item, "data") or "{}")
        data["clicked_ms"] = number(item, "clickedMs")
        return FlightLink.from_dict(data)

    def get_link(self, link_id: str) -> FlightLink | None:
        """The link, or ``None`` when unknown, erased or expired."""
        item = self._get(f"link#{link_id}", "link")
        return self._link(item) if item and self._live(item) else None

    def record_click(self, link_id: str, clicked_ms: int) -> FlightLink | None:
        """Mark the link opened (one conditional update: the first click wins) and return it."""
        try:
            response = self._call(
                "UpdateItem",
                lambda: self._client.update_item(
                    TableName=self.table_name,
                    Key={"sessionId": s(f"link#{link_id}"), "sk": s("link")},
                    UpdateExpression="SET clickedMs = :clicked",
                    ConditionExpression=(
                        "attribute_exists(sk) AND attribute_not_exists(clickedMs) AND #ttl > :now"
                    ),
                    ExpressionAttributeNames=TTL_NAMES,
                    ExpressionAttributeValues={":clicked": n(clicked_ms), ":now": n(self._now())},
                    ReturnValues="ALL_NEW",
                ),
            )
        except _ConditionFailedError:
            return self.get_link(link_id)  # clicked before (first click kept), or unknown
        return self._link(response.get("Attributes", {}))

    def links_on(self, date: str) -> Iterator[FlightLink]:
        """Every unexpired link created on the UTC day ``date`` (the analytics index)."""
        for item in self._on_day(date, "sk = :sk", "link"):
            yield self._link(item)
