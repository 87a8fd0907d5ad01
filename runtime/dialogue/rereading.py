"""The NLU's intent read again in the conversation, where the words say more than it did.

A classifier reads one message alone. In a conversation some readings are plainly wrong:

- an elliptical question right after a side answer ("and in Whistler?" after the weather, while
  a trip is being planned) asks that side question again, though read against the task at hand
  it looks like a change to the trip; a message that says it corrects ("actually", "instead",
  "make it") still changes the trip;
- a request that names something the bot cannot do is out of scope, whatever task it looked
  like ("do you sell insurance?"); one in a task's own words that names nothing of the kind is
  that task ("how much is a flight to Paris?");
- a weather reading without a word about the weather is another task in that task's words
  ("any tips for visiting Rome?"), else a trip when it is a verb-less trip fragment ("seville
  for easter", :mod:`runtime.nlu.fragments`), else a question the bot cannot answer ("what's
  the population of Japan?");
- plain small-talk words are small talk when the classifier was unsure ("tell me a joke");
- a trip type alone changes the flight search in hand ("can you do one way only?");
- asking to change a slot without a new value ("can you make it cheaper?", "somewhere else")
  asks for that slot again, of the task at hand or the latest answered task that has it.
"""

from __future__ import annotations

from runtime.dialogue.cues import CORRECTION_RE, ELLIPSIS_RE, reopened, trip_type_change
from runtime.dialogue.topics import (
    OUT_OF_SCOPE_TOPICS,
    SMALL_TALK_TOPICS,
    asks_weather,
    only_task,
    out_of_scope,
    topic_of,
)
from runtime.dialogue.turn import TASK_INTENTS, TurnInput
from runtime.model import BotModel
from runtime.nlu.fragments import trip_purpose

CLEAR_TOPICS = frozenset({"joke", "bored", "how_are_you"})
"""Small-talk topics whose words say it plainly, even when the classifier is unsure."""


def aside_asked(model: BotModel, turn: TurnInput, text: str) -> str | None:
    """The side task just answered, when the message asks it again about something else; else
    None (see the module docstring)."""
    state, nlu = turn.state, turn.nlu
    aside = state.aside
    if aside not in TASK_INTENTS or aside == state.intent or not nlu.slots:
        return None
    if not ELLIPSIS_RE.match(text) or CORRECTION_RE.search(text):
        return None
    if nlu.intent not in (state.intent, aside, "FallbackIntent"):
        return None
    intent = model.intent(str(aside))
    return str(aside) if all(intent.slot(k) is not None for k in nlu.slots) else None


def intent_of(turn: TurnInput, text: str) -> str:
    """The NLU's intent, read again where the words say more than the classifier did (see the
    module docstring)."""
    name = turn.nlu.intent
    if out_of_scope(name, text):
        return "OutOfScope"  # "do you sell insurance?", "I need a hotel in Rome": known asks
    if name == "OutOfScope" and topic_of(text, OUT_OF_SCOPE_TOPICS) is None:
        task = only_task(text)
        if task is not None:
            return task  # "how much is a flight to Paris?": nothing it cannot do is named
    if name == "FallbackIntent" and topic_of(text, SMALL_TALK_TOPICS) in CLEAR_TOPICS:
        return "SmallTalk"  # "tell me something funny", "so bored": plainly small talk
    state = turn.state
    if (
        name == "CheckWeather"
        and not asks_weather(text)
        and "date" not in turn.nlu.slots
        and "CheckWeather" not in (state.intent, state.aside)
        and not ELLIPSIS_RE.match(text)
    ):
        if only_task(text) is None and trip_purpose(text):
            return "PlanTrip"  # "seville for easter": a trip fragment, not a weather question
        return only_task(text) or "OutOfScope"
    if (
        state.intent == "FindFlights"
        and name not in ("FindFlights", "Cancel", "Goodbye")
        and trip_type_change(text)
    ):
        return "FindFlights"  # "can you do one way only?": the flight search in hand changes
    return name


def reopened_slot(model: BotModel, turn: TurnInput, text: str) -> tuple[str, str] | None:
    """``(task, slot)`` when the message asks to change a slot without saying to what, and a
    task the session holds has that slot; else None."""
    slot = reopened(text)
    if slot is None or turn.nlu.slots or turn.nlu.intent in ("Cancel", "Goodbye"):
        return None
    state = turn.state
    held = [state.intent] if state.intent in TASK_INTENTS else []
    held += [name for name in reversed(state.answered) if name not in held]
    for name in held:
        if model.intent(str(name)).slot(slot) is not None:
            return str(name), slot
    return None
