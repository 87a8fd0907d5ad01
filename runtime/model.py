"""The bot model: the single source of truth for intents, utterances, slots, prompts and replies.

``bot_model.json`` beside this module is loaded and validated here. The embedded NLU trains on
it, and the Pulumi program generates the Lex bot and the Dialogflow agent from it, so the three
NLUs cannot drift apart. Validation keeps the file within the limits of both clouds and names
file, intent and field on any error.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from runtime.errors import ModelError

MODEL_PATH = Path(__file__).with_name("bot_model.json")

NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
MAX_UTTERANCE_CHARS = 200  # Lex V2 sample utterance limit
MAX_PROMPT_CHARS = 1000
PARSERS = ("place", "duration", "money", "date")
REQUIRED_INTENTS = (
    "PlanTrip",
    "CheckWeather",
    "FindFlights",
    "Greeting",
    "Help",
    "Goodbye",
    "Thanks",
    "Cancel",
    "SmallTalk",
    "OutOfScope",
    "FallbackIntent",
)
SYSTEM_ENTITY_RE = re.compile(r"^@sys\.[a-z][a-z0-9-]*$")
TASK_INTENTS = ("PlanTrip", "CheckWeather", "FindFlights")
MIN_TASK_UTTERANCES = 25


@dataclass(frozen=True)
class SlotTypeValue:
    """A value of a custom slot type and its synonyms."""

    value: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class SlotType:
    """A kind of slot value; ``parser`` names the embedded normaliser that reads it."""

    name: str
    description: str
    parser: str
    lex_builtin: str | None
    dialogflow_builtin: str | None
    examples: tuple[str, ...]
    values: tuple[SlotTypeValue, ...]
    dialogflow_system_entities: tuple[str, ...] = ()
    """System entities a generated Dialogflow entity type accepts besides its values (an open
    slot: ``@sys.geo-city``, ``@sys.geo-country``, ...); empty for a closed list."""


@dataclass(frozen=True)
class Slot:
    """A slot of an intent, with the prompt used to elicit it."""

    name: str
    type: str
    required: bool
    prompt: str


@dataclass(frozen=True)
class Intent:
    """An intent: sample utterances with ``{slot}`` placeholders, slots and reply templates."""

    name: str
    description: str
    slots: tuple[Slot, ...]
    utterances: tuple[str, ...]
    responses: dict[str, str]

    def slot(self, name: str) -> Slot | None:
        """The slot called ``name``, if the intent has one."""
        return next((s for s in self.slots if s.name == name), None)


@dataclass(frozen=True)
class BotModel:
    """The whole validated model."""

    name: str
    description: str
    locale: str
    nlu_confidence_threshold: float
    idle_session_ttl_seconds: int
    slot_types: dict[str, SlotType]
    intents: dict[str, Intent]
    responses: dict[str, str]

    def intent(self, name: str) -> Intent:
        """The intent called ``name``; ``KeyError`` when the model has none."""
        return self.intents[name]

    def slot_type_of(self, intent: str, slot: str) -> SlotType:
        """The slot type of ``intent``'s ``slot``."""
        found = self.intents[intent].slot(slot)
        if found is None:
            raise KeyError(f"{intent}.{slot}")
        return self.slot_types[found.type]


class _Reader:
    """Typed field access that names file, intent and field in every error."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> ModelError:
        return ModelError(f"{self.source}: {where}: {message}")

    def obj(self, data: Any, where: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(where, f"must be an object, got {type(data).__name__}")
        return data

    def text(self, data: dict[str, Any], key: str, where: str, *, empty_ok: bool = False) -> str:
        value = data.get(key)
        if not isinstance(value, str) or (not empty_ok and not value.strip()):
            raise self.fail(f"{where}.{key}", "must be a non-empty string")
        return value

    def texts(self, data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(f"{where}.{key}", "must be a list of non-empty strings")
        return tuple(value)

    def name(self, data: dict[str, Any], where: str) -> str:
        value = self.text(data, "name", where)
        if not NAME_RE.match(value):
            raise self.fail(f"{where}.name", f"{value!r} must match {NAME_RE.pattern}")
        return value

    def template(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise self.fail(where, "must be a string")
        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(value) if f is not None]
        except ValueError as exc:
            raise self.fail(where, f"is not a valid template: {exc}") from None
        for field_name in fields:
            if not NAME_RE.match(field_name):
                raise self.fail(where, f"placeholder {{{field_name}}} must be a plain name")
        return value


def _slot_types(reader: _Reader, raw: Any) -> dict[str, SlotType]:
    if not isinstance(raw, list) or not raw:
        raise reader.fail("slotTypes", "must be a non-empty list")
    types: dict[str, SlotType] = {}
    for index, item in enumerate(raw):
        where = f"slotTypes[{index}]"
        data = reader.obj(item, where)
        name = reader.name(data, where)
        where = f"slotType {name}"
        if name in types:
            raise reader.fail(where, "is defined twice")
        parser = reader.text(data, "parser", where)
        if parser not in PARSERS:
            raise reader.fail(f"{where}.parser", f"{parser!r} must be one of {', '.join(PARSERS)}")
        values = []
        for vi, value in enumerate(data.get("values", [])):
            vdata = reader.obj(value, f"{where}.values[{vi}]")
            values.append(
                SlotTypeValue(
                    reader.text(vdata, "value", f"{where}.values[{vi}]"),
                    reader.texts(vdata, "synonyms", f"{where}.values[{vi}]"),
                )
            )
        lex_builtin = data.get("lexBuiltin")
        if lex_builtin is None and not values:
            raise reader.fail(where, "needs values when it has no lexBuiltin type")
        examples = reader.texts(data, "examples", where)
        if not examples:
            raise reader.fail(f"{where}.examples", "must list at least one example")
        system_entities = reader.texts(data, "dialogflowSystemEntities", where)
        for entity in system_entities:
            if not SYSTEM_ENTITY_RE.match(entity):
                raise reader.fail(
                    f"{where}.dialogflowSystemEntities", f"{entity!r} is not a @sys.* entity"
                )
        if system_entities and data.get("dialogflowBuiltin") is not None:
            raise reader.fail(where, "has both dialogflowBuiltin and dialogflowSystemEntities")
        types[name] = SlotType(
            name=name,
            description=reader.text(data, "description", where),
            parser=parser,
            lex_builtin=lex_builtin,
            dialogflow_builtin=data.get("dialogflowBuiltin"),
            examples=examples,
            values=tuple(values),
            dialogflow_system_entities=system_entities,
        )
    return types


def _slots(
    reader: _Reader, data: dict[str, Any], where: str, types: dict[str, SlotType]
) -> tuple[Slot, ...]:
    raw = data.get("slots", [])
    if not isinstance(raw, list):
        raise reader.fail(f"{where}.slots", "must be a list")
    slots: list[Slot] = []
    for si, item in enumerate(raw):
        sdata = reader.obj(item, f"{where}.slots[{si}]")
        name = reader.name(sdata, f"{where}.slots[{si}]")
        swhere = f"{where} slot {name}"
        if any(s.name == name for s in slots):
            raise reader.fail(swhere, "is defined twice")
        slot_type = reader.text(sdata, "type", swhere)
        if slot_type not in types:
            raise reader.fail(f"{swhere}.type", f"unknown slot type {slot_type!r}")
        prompt = reader.template(reader.text(sdata, "prompt", swhere), f"{swhere}.prompt")
        if len(prompt) > MAX_PROMPT_CHARS:
            raise reader.fail(f"{swhere}.prompt", f"is longer than {MAX_PROMPT_CHARS} characters")
        required = sdata.get("required", True)
        if not isinstance(required, bool):
            raise reader.fail(f"{swhere}.required", "must be true or false")
        slots.append(Slot(name=name, type=slot_type, required=required, prompt=prompt))
    return tuple(slots)


def _utterances(
    reader: _Reader, data: dict[str, Any], where: str, slots: tuple[Slot, ...]
) -> tuple[str, ...]:
    utterances = reader.texts(data, "utterances", where)
    names = {s.name for s in slots}
    seen: set[str] = set()
    for ui, utterance in enumerate(utterances):
        uwhere = f"{where}.utterances[{ui}]"
        if len(utterance) > MAX_UTTERANCE_CHARS:
            raise reader.fail(uwhere, f"is longer than {MAX_UTTERANCE_CHARS} characters")
        key = utterance.casefold().strip()
        if key in seen:
            raise reader.fail(uwhere, f"duplicates {utterance!r}")
        seen.add(key)
        used = PLACEHOLDER_RE.findall(utterance)
        for placeholder in used:
            if placeholder not in names:
                raise reader.fail(uwhere, f"{{{placeholder}}} is not a slot of the intent")
        if len(used) != len(set(used)):
            raise reader.fail(uwhere, "uses a slot more than once")
    return utterances


def _intents(reader: _Reader, raw: Any, types: dict[str, SlotType]) -> dict[str, Intent]:
    if not isinstance(raw, list):
        raise reader.fail("intents", "must be a list")
    intents: dict[str, Intent] = {}
    for index, item in enumerate(raw):
        data = reader.obj(item, f"intents[{index}]")
        name = reader.name(data, f"intents[{index}]")
        where = f"intent {name}"
        if name in intents:
            raise reader.fail(where, "is defined twice")
        slots = _slots(reader, data, where, types)
        utterances = _utterances(reader, data, where, slots)
        if name in TASK_INTENTS and len(utterances) < MIN_TASK_UTTERANCES:
            raise reader.fail(
                f"{where}.utterances",
                f"has {len(utterances)}, needs at least {MIN_TASK_UTTERANCES}",
            )
        responses = reader.obj(data.get("responses"), f"{where}.responses")
        if "fulfilled" not in responses:
            raise reader.fail(f"{where}.responses", "needs a 'fulfilled' template")
        intents[name] = Intent(
            name=name,
            description=reader.text(data, "description", where),
            slots=slots,
            utterances=utterances,
            responses={
                k: reader.template(v, f"{where}.responses.{k}") for k, v in responses.items()
            },
        )
    missing = [n for n in REQUIRED_INTENTS if n not in intents]
    if missing:
        raise reader.fail("intents", f"missing required intents: {', '.join(missing)}")
    return intents


def parse_model(data: Any, source: str = "bot_model.json") -> BotModel:
    """Validate raw model data; raises :class:`ModelError` naming ``source``, intent and field."""
    reader = _Reader(source)
    root = reader.obj(data, "model")
    types = _slot_types(reader, root.get("slotTypes"))
    intents = _intents(reader, root.get("intents"), types)
    threshold = root.get("nluConfidenceThreshold")
    if not isinstance(threshold, int | float) or not 0 <= threshold <= 1:
        raise reader.fail("nluConfidenceThreshold", "must be a number between 0 and 1")
    ttl = root.get("idleSessionTtlSeconds")
    if not isinstance(ttl, int) or not 60 <= ttl <= 86400:
        raise reader.fail(
            "idleSessionTtlSeconds", "must be an integer between 60 and 86400 (Lex limits)"
        )
    responses = reader.obj(root.get("responses", {}), "responses")
    return BotModel(
        name=reader.name(root, "model"),
        description=reader.text(root, "description", "model"),
        locale=reader.text(root, "locale", "model"),
        nlu_confidence_threshold=float(threshold),
        idle_session_ttl_seconds=ttl,
        slot_types=types,
        intents=intents,
        responses={k: reader.template(v, f"responses.{k}") for k, v in responses.items()},
    )


def load_model(path: Path | str | None = None) -> BotModel:
    """Load and validate a model file (default: the shipped ``bot_model.json``)."""
    file = Path(path) if path is not None else MODEL_PATH
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{file}: file not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{file}: not valid JSON: {exc}") from None
    return parse_model(data, str(file))


@cache
def default_model() -> BotModel:
    """The shipped model, loaded once per process."""
    return load_model()
