"""Value types shared by the NLU, dialogue, store and handler layers.

They are plain frozen dataclasses with ``to_dict``/``from_dict`` so that every store (SQLite,
DynamoDB, the spool file) persists exactly the same JSON shape.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

JsonValue = Any
"""A JSON-compatible value (str, int, float, bool, None, list, dict)."""

SlotValue = str | int | dict[str, Any]
"""A normalised slot value: a canonical city or ISO date (str), whole days (int), or a budget
``{"amount": int | float, "currency": "USD"}``."""

SentimentLabel = Literal["positive", "neutral", "negative", "mixed"]


@dataclass(frozen=True)
class ChatRequest:
    """A validated ``POST /chat`` body (see :mod:`runtime.api.validation`)."""

    message: str
    session_id: str | None
    client_message_id: str | None


@dataclass(frozen=True, kw_only=True)
class NluContext:
    """What the dialogue knows before a message is understood.

    Providers use it to read a bare answer ("5 days", "Lisbon") in context: Lex gets it as
    session state, the embedded NLU uses ``eliciting_slot`` to prefer the slot being asked for
    and reads "make it 7 days" or "back on the 14th" as a change to ``active_intent``'s slots.
    ``completed`` says that task was already answered (its slots stay for refinements);
    ``offered_intent`` is a task the last reply offered ("find flights there too?"), which a
    "yes please, from Boston" starts.
    """

    session_id: str
    active_intent: str | None = None
    eliciting_slot: str | None = None
    slots: dict[str, SlotValue] = field(default_factory=dict)
    completed: bool = False
    offered_intent: str | None = None
    focus_slot: str | None = None
    """After an answer, the one slot the last message set: an uncued date goes to it first."""
    answered: dict[str, dict[str, SlotValue]] = field(default_factory=dict)
    """Slots of the tasks answered earlier in the session, by intent (the latest last): a
    fragment that fills nothing of the task at hand may refine one of them ("make it 1500" after
    a plan and a weather question)."""


@dataclass(frozen=True, kw_only=True)
class NluResult:
    """One provider's reading of a message: intent, confidence in [0, 1] and normalised slots."""

    intent: str
    confidence: float
    slots: dict[str, SlotValue]
    provider: str
    ambiguous: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Slot -> the normalised values one mention could mean when it could mean several
    ("Portland" -> ("Portland, Oregon", "Portland, Maine"); "03/04/2027" -> ("2027-04-03",
    "2027-03-04")). Such a slot is left out of ``slots``: the dialogue asks which one."""
    unresolved: dict[str, str] = field(default_factory=dict)
    """Slot -> the text of a mention that looked like a value but could not be normalised
    ("a trip to Atlantis" -> {"destination": "Atlantis"}), so the dialogue can say so instead of
    dropping it silently."""
    mentioned: dict[str, SlotValue] = field(default_factory=dict)
    """The places and date a message names, by role, when its intent was not understood ("tell
    me about Lisbon" -> {"destination": "Lisbon"}): not slots of any intent, but what the
    dialogue can name back ("I can plan a trip to Lisbon …") instead of a bare "didn't get
    that"."""


@dataclass(frozen=True, kw_only=True)
class Sentiment:
    """The mood of a message; ``score`` in [0, 1] is the confidence of ``label``."""

    label: SentimentLabel
    score: float
    provider: str


@dataclass(frozen=True, kw_only=True)
class Understanding:
    """What the NLU layer hands to the dialogue manager for one message."""

    nlu: NluResult
    sentiment: Sentiment
    degraded: bool = False  # True when a cloud provider was wanted but the embedded one answered


@dataclass(kw_only=True)
class DialogueState:
    """Per-session dialogue memory, stored between turns (JSON: see :meth:`to_dict`).

    ``intent``/``slots`` are the task at hand: in progress (``eliciting_slot`` says what was
    asked) or, with ``completed``, the one just answered, kept so that "make it 7 days" or "back
    on the 14th" can refine it. ``paused`` is a task interrupted by a side question, resumed when
    that is answered; ``clarifying`` is a question "which one?" ({"slot", "options"}).
    ``answered`` keeps the slots of each task's last answer (intent -> slots, the latest last), so
    a plan can still be refined after a weather question; ``aside`` is the side task the last
    reply answered before going back to the task in progress ("and in Whistler?" asks it again);
    ``mentioned`` holds what a request the bot could not do named (its places and date, by
    role), for the task that follows it; ``instead`` says the pending ``offer`` is what the bot
    can do in place of what was asked ("ok, just show me the options then" takes it); ``focus``
    is the one slot the last message set, which a bare date then changes ("and back sunday",
    then "make it monday instead" moves the return, not the departure). ``trip_month`` is the
    month the last plan was for ("a week in Iceland in August"), which its refinements keep.
    Every field has a default, so a state stored by an older version still loads.
    """

    intent: str | None = None
    slots: dict[str, SlotValue] = field(default_factory=dict)
    eliciting_slot: str | None = None
    last_place: str | None = None
    turn_count: int = 0
    fallback_count: int = 0  # consecutive misunderstandings, to vary the fallback reply
    offer: str | None = None  # an intent the last reply offered ("find flights there too?")
    completed: bool = False
    last_date: str | None = None  # the last day talked about ("flights on that day")
    paused: dict[str, Any] | None = None  # {"intent", "slots", "eliciting_slot"}
    clarifying: dict[str, Any] | None = None  # {"slot", "options"}
    round_trip: bool = False  # the traveller asked for a return flight: ask for its date
    last_currency: str | None = None  # the last budget's currency, to suggest budgets in it
    answered: dict[str, dict[str, Any]] = field(default_factory=dict)  # intent -> last slots
    aside: str | None = None  # the side task answered just before the task at hand resumed
    mentioned: dict[str, Any] = field(default_factory=dict)  # an out-of-scope request's values
    instead: bool = False  # the offer is what the bot can do instead of what was asked
    focus: str | None = None  # the one slot the last message set ("and back sunday")
    trip_month: str | None = None  # YYYY-MM: the month a plan was asked for ("in august")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready copy."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DialogueState:
        """Rebuild from :meth:`to_dict` output, ignoring unknown keys from newer versions."""
        names = cls.__dataclass_fields__.keys()
        state = cls(**{k: v for k, v in data.items() if k in names})
        state.slots = dict(state.slots or {})
        paused, clarifying = state.paused, state.clarifying
        # Nested memory is only trusted in its own shape: a damaged state degrades to none.
        state.paused = (
            paused
            if isinstance(paused, dict)
            and isinstance(paused.get("intent"), str)
            and isinstance(paused.get("slots", {}), dict)
            else None
        )
        state.clarifying = (
            clarifying
            if isinstance(clarifying, dict)
            and isinstance(clarifying.get("slot"), str)
            and isinstance(clarifying.get("options"), list)
            else None
        )
        answered = state.answered if isinstance(state.answered, dict) else {}
        state.answered = {str(k): dict(v) for k, v in answered.items() if isinstance(v, dict)}
        state.mentioned = dict(state.mentioned) if isinstance(state.mentioned, dict) else {}
        return state


@dataclass(frozen=True, kw_only=True)
class Turn:
    """One user message and the bot's reply: the unit of history, analytics and GDPR export.

    ``turn_key`` is time-ordered (``<13-digit epoch ms>#<random>``) so that a session's turns sort
    chronologically in every store; ``date`` is the UTC day (``YYYY-MM-DD``) for analytics.
    ``quick_replies`` and ``cards`` are the answer's optional structured parts
    (:mod:`runtime.rich_reply`), kept with it so that an export or a resend shows them again;
    a turn stored before they existed loads with none.
    """

    session_id: str
    turn_key: str
    timestamp_ms: int
    date: str
    message: str
    reply: str
    intent: str
    slots: dict[str, SlotValue]
    dialog_state: str
    nlu_provider: str
    nlu_confidence: float
    sentiment_label: str
    sentiment_score: float
    latency_ms: int
    variant: str = ""
    degraded: bool = False
    client_message_id: str | None = None
    quick_replies: list[dict[str, Any]] = field(default_factory=list)
    cards: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready copy."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Turn:
        """Rebuild from :meth:`to_dict` output (stores may add keys of their own)."""
        names = cls.__dataclass_fields__.keys()
        known = {k: v for k, v in data.items() if k in names}
        for name in ("quick_replies", "cards"):  # lists of objects, or none
            items = known.get(name)
            known[name] = (
                [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
            )
        return cls(**known)


@dataclass(frozen=True, kw_only=True)
class FlightLink:
    """A flight-search deep link handed out in a reply and served through ``GET /go/{link_id}``."""

    link_id: str
    session_id: str
    url: str
    created_ms: int
    variant: str = ""
    clicked_ms: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready copy."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FlightLink:
        """Rebuild from :meth:`to_dict` output."""
        names = cls.__dataclass_fields__.keys()
        return cls(**{k: v for k, v in data.items() if k in names})
