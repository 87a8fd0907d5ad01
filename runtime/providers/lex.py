"""Amazon Lex V2 as an :class:`runtime.nlu.base.NluProvider` (``RecognizeText``).

The dialogue's state travels as Lex's ``sessionState`` (active intent, filled slots, the slot being
elicited), so Lex reads a bare answer such as "5 days" as the duration of the trip being planned.
The answer maps to the contract: the session intent's name, its ``nluConfidence`` from the
matching interpretation (the fallback intent has none: confidence 0) and each slot's
``interpretedValue`` normalised by the bot model's slot parsers.

The client is a plain botocore ``lexv2-runtime`` client (``boto3`` adds nothing for clients but
~40 ms of import), with explicit connect/read timeouts and the SDK's retries switched off in
favour of :class:`runtime.providers.retry.RetryPolicy`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    HTTPClientError,
    ReadTimeoutError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError
from botocore.parsers import ResponseParserError

from runtime.errors import ProviderError
from runtime.model import BotModel
from runtime.nlu.slots import SlotReader
from runtime.providers.failures import describe, malformed, status_error
from runtime.providers.retry import provider_retry
from runtime.retry import RetryPolicy
from runtime.types import NluContext, NluResult, SlotValue

if TYPE_CHECKING:
    from botocore.session import Session
    from mypy_boto3_lexv2_runtime.client import LexRuntimeV2Client

NAME = "lex"
FALLBACK_INTENT = "FallbackIntent"


def lex_client(
    *,
    region: str,
    endpoint_url: str = "",
    connect_timeout_s: float = 1.0,
    read_timeout_s: float = 5.0,
    max_pool_connections: int = 10,
    session: Session | None = None,
) -> LexRuntimeV2Client:
    """A ``lexv2-runtime`` client with explicit timeouts and no SDK retries.

    Credentials come from the standard chain (the Lambda role in AWS); ``endpoint_url`` points
    the client elsewhere (a local fake).
    """
    import botocore.session
    from botocore.config import Config

    config = Config(
        connect_timeout=connect_timeout_s,
        read_timeout=read_timeout_s,
        retries={"total_max_attempts": 1, "mode": "standard"},
        max_pool_connections=max_pool_connections,
        tcp_keepalive=True,
    )
    session = session or botocore.session.get_session()
    client = session.create_client(
        "lexv2-runtime", region_name=region, endpoint_url=endpoint_url or None, config=config
    )
    return cast("LexRuntimeV2Client", client)


def lex_slot_text(parser: str, value: SlotValue) -> str | None:
    """A normalised slot value as the ``interpretedValue`` Lex expects, or None if unfit.

    Durations become ISO 8601 (``P5D``, like ``AMAZON.Duration``), budgets ``"1500 USD"``.
    """
    if parser == "duration" and isinstance(value, int) and not isinstance(value, bool):
        return f"P{value}D"
    if parser == "money" and isinstance(value, dict):
        amount, currency = value.get("amount"), value.get("currency")
        if isinstance(amount, int | float) and isinstance(currency, str):
            return f"{amount:g} {currency}"
        return None
    if parser in ("place", "date") and isinstance(value, str) and value:
        return value
    return None


def session_state(context: NluContext, model: BotModel) -> dict[str, Any] | None:
    """The ``sessionState`` that tells Lex what the dialogue is doing, or None between tasks.

    Unfilled slots are left out (Lex rejects null slots in a request). A task already answered
    (``context.completed``) goes as ``Fulfilled`` with its slots and an ``ElicitIntent`` action:
    Lex reads the next message afresh but can carry the slots over ("make it 7 days").
    """
    if not context.active_intent or context.active_intent not in model.intents:
        return None
    intent = model.intent(context.active_intent)
    slots: dict[str, Any] = {}
    for slot in intent.slots:
        value = context.slots.get(slot.name)
        text = None if value is None else lex_slot_text(model.slot_types[slot.type].parser, value)
        if text is not None:
            slots[slot.name] = {"value": {"originalValue": text, "interpretedValue": text}}
    state: dict[str, Any] = {
        "intent": {
            "name": intent.name,
            "slots": slots,
            "state": "Fulfilled" if context.completed else "InProgress",
            "confirmationState": "None",
        }
    }
    if context.completed:
        state["dialogAction"] = {"type": "ElicitIntent"}
    elif context.eliciting_slot and intent.slot(context.eliciting_slot) is not None:
        state["dialogAction"] = {"type": "ElicitSlot", "slotToElicit": context.eliciting_slot}
    return state


def _interpreted(slot: Any) -> str | None:
    if not isinstance(slot, Mapping):
        return None
    value = slot.get("value")
    if isinstance(value, Mapping) and isinstance(value.get("interpretedValue"), str):
        return str(value["interpretedValue"])
    values = slot.get("values")  # a list-shaped slot: its first value
    if isinstance(values, list) and values:
        return _interpreted(values[0])
    return None


def _score(intent_name: str, interpretations: list[Any]) -> float:
    for item in interpretations:
        if not isinstance(item, Mapping):
            continue
        intent = item.get("intent")
        confidence = item.get("nluConfidence")
        if (
            isinstance(intent, Mapping)
            and intent.get("name") == intent_name
            and isinstance(confidence, Mapping)
            and isinstance(confidence.get("score"), int | float)
        ):
            return float(confidence["score"])
    return 0.0


def read_lex_response(
    response: Mapping[str, Any], model: BotModel, reader: SlotReader
) -> NluResult:
    """Map a ``RecognizeText`` response onto an :class:`NluResult`.

    Raises:
        ProviderError: kind ``malformed`` when the response lacks ``sessionState.intent.name``
            (botocore turns an unreadable body into an almost empty dict instead of failing).
    """
    state = response.get("sessionState")
    intent = state.get("intent") if isinstance(state, Mapping) else None
    name = intent.get("name") if isinstance(intent, Mapping) else None
    if not isinstance(name, str) or not name:
        raise malformed(NAME, "no sessionState.intent.name")
    assert isinstance(intent, Mapping)
    interpretations = response.get("interpretations") or []
    if not isinstance(interpretations, list):
        raise malformed(NAME, "interpretations is not a list")
    confidence = _score(name, interpretations)
    if name not in model.intents or name == FALLBACK_INTENT:
        return NluResult(
            intent=FALLBACK_INTENT, confidence=round(confidence, 4), slots={}, provider=NAME
        )
    raw_slots = intent.get("slots")
    slots = raw_slots if isinstance(raw_slots, Mapping) else {}
    raw_values = {
        str(slot_name): raw
        for slot_name, slot in slots.items()
        if (raw := _interpreted(slot)) is not None and raw.strip()
    }
    read = reader.read_slots(name, raw_values)
    return NluResult(
        intent=name,
        confidence=round(confidence, 4),
        slots=read.slots,
        provider=NAME,
        ambiguous=read.ambiguous,
        unresolved=read.unresolved,
    )


class LexNlu:
    """Lex V2 ``RecognizeText`` as an NLU provider (ready from construction: no lazy import)."""

    name = NAME
    ready = True

    def __init__(
        self,
        client: LexRuntimeV2Client,
        *,
        bot_id: str,
        bot_alias_id: str,
        locale_id: str,
        model: BotModel,
        slots: SlotReader,
        timeout_s: float = 5.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._client = client
        self._bot_id = bot_id
        self._bot_alias_id = bot_alias_id
        self._locale_id = locale_id
        self._model = model
        self._slots = slots
        self._timeout_s = timeout_s
        self._retry = retry or provider_retry()

    def warm(self) -> None:
        """Nothing to do: the client exists."""

    def recognize(self, text: str, context: NluContext) -> NluResult:
        """Understand ``text`` in the dialogue's context.

        Raises:
            ProviderError: on timeout, throttling, 5xx, connection failure or malformed answer.
        """
        request: dict[str, Any] = {
            "botId": self._bot_id,
            "botAliasId": self._bot_alias_id,
            "localeId": self._locale_id,
            "sessionId": context.session_id,
            "text": text,
        }
        state = session_state(context, self._model)
        if state is not None:
            request["sessionState"] = state
        response = self._retry.run(lambda: self._call(request), budget_s=self._timeout_s)
        return read_lex_response(response, self._model, self._slots)

    def _call(self, request: dict[str, Any]) -> Mapping[str, Any]:
        try:
            return cast(Mapping[str, Any], self._client.recognize_text(**request))
        except ClientError as exc:
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
            raise status_error(NAME, status, "RecognizeText") from exc
        except (ReadTimeoutError, ConnectTimeoutError) as exc:
            raise ProviderError(NAME, f"timed out ({describe(exc)})", kind="timeout") from exc
        except (BotoConnectionError, HTTPClientError) as exc:
            message = f"connection failed ({describe(exc)})"
            raise ProviderError(NAME, message, kind="unavailable") from exc
        except ResponseParserError as exc:
            raise malformed(NAME, describe(exc)) from exc
        except BotoCoreError as exc:
            raise ProviderError(NAME, f"request failed ({describe(exc)})") from exc
