"""The conversation suite: multi-turn dialogues run through the real handler and checked per turn.

The dialogues live under ``tests/data/conversations/`` (``dev/``, ``own/``, later ``heldout/``),
one YAML file per repair pattern; ``tests/data/conversations/README.md`` defines the schema and
the matching rules implemented here:

- each dialogue starts a new session and sends its turns in order with the returned
  ``sessionId``; the clock is fixed at :data:`NOW` (Monday 2027-03-01 10:00 UTC);
- ``intent`` / ``dialogState``: equal to the value or one of the list;
- ``slots``: each listed slot equals the value (numbers numerically, budgets by amount and exact
  currency, places after folding), ``null`` means absent; ``slots_any_of``: one of the values;
- ``reply_has``: every item occurs case-insensitively (a nested list: any one of it);
  ``reply_lacks``: none does; ``reply_differs_from_previous``: the reply is not the previous one.

A dialogue passes when every turn passes. :func:`run_suite` runs every file through the Lambda
handler with embedded services over a temporary SQLite store, a deterministic weather provider
(no network) and a permissive rate limiter, and :func:`summarise` gives pass rates per pattern
and overall. Used by ``tests/runtime/test_conversations.py`` and ``python -m bench.conversations``.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import functools
import json
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from runtime.providers.geo import Place, PlaceLookup
from runtime.providers.open_data import OpenData
from runtime.providers.weather.base import DailyForecast, WeatherReport
from runtime.providers.weather.service import WeatherService
from runtime.providers.web import Source
from runtime.ratelimit.base import RateDecision

ROOT = Path(__file__).resolve().parents[2]
CONVERSATIONS = ROOT / "tests" / "data" / "conversations"
EVENTS = ROOT / "tests" / "events"
NOW = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)
"""The suite's fixed "now": Monday 1 March 2027, 10:00 UTC."""

PLACE_SLOTS = frozenset({"origin", "destination"})
EXPECT_KEYS = frozenset(
    {
        "intent",
        "dialogState",
        "slots",
        "slots_any_of",
        "reply_has",
        "reply_lacks",
        "reply_differs_from_previous",
    }
)

Json = dict[str, Any]
Send = Callable[[str, str | None], Json]
"""Sends one message (with the session id, None for a new session) and returns the 200 body."""


# ------------------------------------------------------------------ the data
@dataclass(frozen=True)
class Dialogue:
    """One dialogue of a pattern file: its turns, each ``{"say": str, "expect": {...}}``."""

    id: str
    pattern: str
    source: str
    turns: tuple[Json, ...]
    note: str = ""


def dialogue_files(root: Path = CONVERSATIONS) -> list[Path]:
    """Every ``*.yaml`` under ``root``, recursively, in a stable order."""
    return sorted(root.rglob("*.yaml"))


def load_dialogues(path: Path, root: Path = CONVERSATIONS) -> list[Dialogue]:
    """The dialogues of one pattern file.

    Raises:
        ValueError: naming the file and dialogue when the file does not follow the schema.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    where = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    if not isinstance(data, dict) or not isinstance(data.get("dialogues"), list):
        raise ValueError(f"{where}: needs a 'dialogues' list")
    pattern = str(data.get("pattern") or path.stem)
    found: list[Dialogue] = []
    for index, item in enumerate(data["dialogues"]):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise ValueError(f"{where}: dialogue #{index} has no id")
        turns = item.get("turns")
        if not isinstance(turns, list) or not turns:
            raise ValueError(f"{where}: {item['id']} has no turns")
        for number, turn in enumerate(turns, start=1):
            if not isinstance(turn, dict) or not isinstance(turn.get("say"), str):
                raise ValueError(f"{where}: {item['id']} turn {number} has no 'say'")
            unknown = set(turn.get("expect") or {}) - EXPECT_KEYS
            if unknown:
                raise ValueError(f"{where}: {item['id']} turn {number}: unknown {sorted(unknown)}")
        found.append(Dialogue(item["id"], pattern, where, tuple(turns), str(item.get("note", ""))))
    return found


def all_dialogues(root: Path = CONVERSATIONS) -> list[Dialogue]:
    """Every dialogue under ``root``; raises ``ValueError`` on a duplicate id."""
    dialogues = [d for path in dialogue_files(root) for d in load_dialogues(path, root)]
    seen: dict[str, str] = {}
    for dialogue in dialogues:
        if dialogue.id in seen:
            raise ValueError(
                f"dialogue id {dialogue.id} is in {seen[dialogue.id]} and {dialogue.source}"
            )
        seen[dialogue.id] = dialogue.source
    return dialogues


def split_of(dialogue: Dialogue) -> str:
    """The split a dialogue belongs to: the first folder of its file (``dev``, ``own``, ...)."""
    parts = Path(dialogue.source).parts
    return parts[0] if len(parts) > 1 else "."


# ------------------------------------------------------------------ matching
def fold_place(value: str) -> str:
    """A place name folded as the README says: accents, case, hyphens, spaces, leading "the"."""
    decomposed = unicodedata.normalize("NFKD", value)
    text = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    text = " ".join(re.sub(r"[-\s]+", " ", text).split())
    return text.removeprefix("the ")


def values_equal(slot: str, got: Any, expected: Any) -> bool:
    """One slot value against the expected one, by the README's rules."""
    if expected is None:
        return got is None
    if got is None:
        return False
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return False
        amount = got.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, int | float):
            return False
        same_amount = float(amount) == float(expected["amount"])
        return same_amount and str(got.get("currency")) == str(expected["currency"])
    if isinstance(expected, bool) or isinstance(got, bool):
        return got is expected
    if isinstance(expected, int | float):
        return isinstance(got, int | float) and float(got) == float(expected)
    if slot in PLACE_SLOTS and isinstance(got, str):
        return fold_place(got) == fold_place(str(expected))
    return str(got) == str(expected)


def _one_of(value: Any, allowed: Any) -> bool:
    return value in allowed if isinstance(allowed, list) else value == allowed


def _contains(reply: str, item: Any) -> bool:
    if isinstance(item, list):
        return any(_contains(reply, alternative) for alternative in item)
    return str(item).casefold() in reply


def _check_slots(expect: Json, slots: Json) -> list[str]:
    problems: list[str] = []
    for name, expected in (expect.get("slots") or {}).items():
        if not values_equal(name, slots.get(name), expected):
            problems.append(f"slot {name}={slots.get(name)!r}, expected {expected!r}")
    for name, allowed in (expect.get("slots_any_of") or {}).items():
        if not any(values_equal(name, slots.get(name), value) for value in allowed):
            problems.append(f"slot {name}={slots.get(name)!r}, expected one of {allowed!r}")
    return problems


def _check_reply(expect: Json, reply: str, previous_reply: str | None) -> list[str]:
    folded = reply.casefold()
    problems = [f"reply lacks {item!r}" for item in expect.get("reply_has") or []]
    problems = [
        p
        for p, item in zip(problems, expect.get("reply_has") or [], strict=True)
        if not _contains(folded, item)
    ]
    problems += [
        f"reply has {item!r}" for item in expect.get("reply_lacks") or [] if _contains(folded, item)
    ]
    differs = expect.get("reply_differs_from_previous") and previous_reply is not None
    if differs and reply.strip().casefold() == str(previous_reply).strip().casefold():
        problems.append("reply repeats the previous one")
    return problems


def check_turn(expect: Json, body: Json, previous_reply: str | None) -> list[str]:
    """What is wrong with one turn's response; an empty list when it passes."""
    problems: list[str] = []
    if "intent" in expect and not _one_of(body.get("intent"), expect["intent"]):
        problems.append(f"intent {body.get('intent')!r}, expected {expect['intent']!r}")
    state = body.get("dialogState")
    if "dialogState" in expect and not _one_of(state, expect["dialogState"]):
        problems.append(f"dialogState {state!r}, expected {expect['dialogState']!r}")
    problems += _check_slots(expect, body.get("slots") or {})
    problems += _check_reply(expect, str(body.get("reply", "")), previous_reply)
    return problems


# ------------------------------------------------------------------ running
@dataclass
class TurnResult:
    """One turn as sent and answered, and what was wrong with it."""

    say: str
    body: Json
    problems: list[str]


@dataclass
class DialogueResult:
    """A dialogue's turns; it passes when every turn passes."""

    dialogue: Dialogue
    turns: list[TurnResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when no turn has a problem."""
        return all(not turn.problems for turn in self.turns)


def run_dialogue(dialogue: Dialogue, send: Send) -> DialogueResult:
    """Send the dialogue's turns in one new session and check each answer."""
    result = DialogueResult(dialogue)
    session: str | None = None
    previous: str | None = None
    for turn in dialogue.turns:
        body = send(str(turn["say"]), session)
        session = str(body.get("sessionId") or session or "")
        problems = check_turn(turn.get("expect") or {}, body, previous)
        result.turns.append(TurnResult(str(turn["say"]), body, problems))
        previous = str(body.get("reply", ""))
    return result


def in_one_session(send: Send, *messages: str) -> list[Json]:
    """The replies to ``messages`` sent in order in one new session: each message after the
    first carries the ``sessionId`` the previous reply gave."""
    replies: list[Json] = []
    session: str | None = None
    for message in messages:
        replies.append(send(message, session))
        session = replies[-1]["sessionId"]
    return replies


class FixedWeather:
    """A weather provider with one deterministic report for any place: no network, no key.

    The conversation suite measures the dialogue, not the weather, so every place is mild and
    partly cloudy, with three days of forecast after the suite's fixed "now".
    """

    source = Source("Fixed test weather", "https://example.invalid/weather")
    forecast_days = 16

    def report(self, place: Place, *, deadline: float | None = None) -> WeatherReport:
        """Mild and partly cloudy at ``place``, with a forecast for the next sixteen days."""
        start = NOW.date()
        return WeatherReport(
            city=place.name,
            country=place.country,
            description="partly cloudy",
            temp_c=17.0,
            feels_like_c=16.0,
            humidity_pct=60,
            wind_ms=3.0,
            today=start.isoformat(),
            forecast=[
                DailyForecast(
                    date=(start + dt.timedelta(days=offset)).isoformat(),
                    min_c=10,
                    max_c=18,
                    description="partly cloudy",
                )
                for offset in range(self.forecast_days)
            ],
            source=self.source,
        )


@functools.cache
def gazetteer_places() -> PlaceLookup:
    """The real gazetteer's place lookup (the open index and the bot model's curated names)."""
    from runtime.model import default_model
    from runtime.nlu.embedded import model_vocabulary
    from runtime.nlu.gazetteer import Gazetteer

    model = default_model()
    return Gazetteer(model.slot_types["City"].values, model_vocabulary(model)).place


def fixed_sources(places: PlaceLookup) -> OpenData:
    """Open data for the suite: places from ``places``, :class:`FixedWeather`, no rates or
    guide (plans read as they do offline)."""
    return OpenData(places=places, weather=WeatherService([FixedWeather()]))


class NoLimit:
    """A rate limiter that lets every request through (the suite is one client sending fast)."""

    def acquire(self, key: str) -> RateDecision:
        """Always allowed."""
        return RateDecision(allowed=True, remaining=1.0)


@dataclass
class _Context:
    function_name: str = "travelbot-conversations"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:travelbot"
    aws_request_id: str = "conversation-suite"

    def get_remaining_time_in_millis(self) -> int:
        return 14_000


def _event(message: str, session: str | None) -> Json:
    event: Json = json.loads((EVENTS / "chat_post.json").read_text(encoding="utf-8"))
    body: Json = {"message": message}
    if session:
        body["sessionId"] = session
    event = copy.deepcopy(event)
    event["body"] = json.dumps(body)
    return event


@contextlib.contextmanager
def handler_sender(clock: Callable[[], float] | None = None) -> Iterator[Send]:
    """Installs embedded services with the fixed clock and yields a sender over the handler;
    the services are uninstalled and the temporary store removed afterwards."""
    from runtime import services
    from runtime.api.handler import lambda_handler
    from runtime.settings import Settings

    fixed = clock or NOW.timestamp
    with tempfile.TemporaryDirectory(prefix="travelbot-conversations-") as data_dir:
        built = services.build_services(
            Settings(),
            data_dir=data_dir,
            sources=fixed_sources(gazetteer_places()),
            rate_limiter=NoLimit(),
            clock=fixed,
        )
        services.configure(built)
        context = _Context()

        def send(message: str, session: str | None) -> Json:
            result = lambda_handler(_event(message, session), context)
            if int(result["statusCode"]) != 200:
                raise AssertionError(f"{message!r}: HTTP {result['statusCode']} {result['body']}")
            body: Json = json.loads(result["body"])
            return body

        try:
            yield send
        finally:
            services.configure(None)


def run_suite(dialogues: list[Dialogue] | None = None) -> list[DialogueResult]:
    """Run ``dialogues`` (default: every file under the conversations folder)."""
    chosen = all_dialogues() if dialogues is None else dialogues
    with handler_sender() as send:
        return [run_dialogue(dialogue, send) for dialogue in chosen]


def summarise(results: list[DialogueResult]) -> Json:
    """Pass rates per split and pattern, per pattern over all splits, and overall."""
    table: dict[str, dict[str, list[int]]] = {}
    patterns: dict[str, list[int]] = {}
    for result in results:
        split = split_of(result.dialogue)
        for bucket in (
            table.setdefault(split, {}).setdefault(result.dialogue.pattern, [0, 0]),
            patterns.setdefault(result.dialogue.pattern, [0, 0]),
        ):
            bucket[0] += int(result.passed)
            bucket[1] += 1
    passed = sum(int(r.passed) for r in results)

    def rate(counts: list[int]) -> Json:
        return {"passed": counts[0], "total": counts[1], "rate": round(counts[0] / counts[1], 4)}

    return {
        "splits": {
            split: {pattern: rate(c) for pattern, c in sorted(by_pattern.items())}
            | {
                "overall": rate(
                    [sum(c[0] for c in by_pattern.values()), sum(c[1] for c in by_pattern.values())]
                )
            }
            for split, by_pattern in sorted(table.items())
        },
        "patterns": {pattern: rate(c) for pattern, c in sorted(patterns.items())},
        "overall": rate([passed, len(results)])
        if results
        else {"passed": 0, "total": 0, "rate": 0.0},
    }


def describe_failure(result: DialogueResult) -> str:
    """A failed dialogue as readable lines: each turn, the reply and what was wrong."""
    lines = [f"{result.dialogue.source} {result.dialogue.id}:"]
    for number, turn in enumerate(result.turns, start=1):
        body = turn.body
        mark = "FAIL" if turn.problems else "ok"
        lines.append(
            f"  {number}. [{mark}] > {turn.say}\n"
            f"     < {body.get('intent')} {body.get('dialogState')} {body.get('slots')}\n"
            f"     < {body.get('reply', '')!s}"
        )
        lines.extend(f"     ! {problem}" for problem in turn.problems)
    return "\n".join(lines)
