"""The words that steer the dialogue, whatever intent the classifier read.

A message's intent says what is asked; these cues say how it relates to the conversation so
far: a yes or a no to an offer ("yeah go on", "not yet, maybe later"), a refinement of the last
task rather than a new request, a reference to the last place or date, an elliptical follow-up
to the last answer ("and in Whistler?"), settling for what the bot offered instead of what it
cannot do ("ok, just show me the options then"), calling something off ("forget the trip, …"),
a change without its value ("can you make it cheaper?"), and a change of trip type ("one way
only", "make it a round trip"). Openings that apologise, correct or decline are no frustration.
"""

from __future__ import annotations

import re

from runtime.dialogue.topics import OUT_OF_SCOPE_TOPICS, TASK_WORDS, topic_of
from runtime.nlu.text import tokenize

YES_HEADS = frozenset(
    """
    yes yeah yea yep yup ya sure ok okay alright please absolutely definitely certainly go do
    sounds let's lets why that that'd great perfect
    """.split()  # noqa: SIM905 - a word list reads better as text
)
YES_WORDS = YES_HEADS | frozenset(
    """
    do go ahead on why not sounds good great perfect cool lovely nice that would be let's lets it
    for thanks thank you sure thing deal fine by me please then course right away
    """.split()  # noqa: SIM905 - a word list reads better as text
)
CLOSING_HEADS = frozenset({"ok", "okay", "alright", "great", "perfect"})
"""Heads that, with a thank-you, close rather than accept ("great, thanks")."""
ACKNOWLEDGE_RE = re.compile(
    r"(?:ok|okay|alright|all right|right|cool|got it|i see|fine|hmm+|sure|noted|yes|yeah|yep)",
    re.IGNORECASE,
)
APOLOGY_RE = re.compile(
    r"\W*(?:sorry|oops|my bad|apologies|whoops|no wait|wait|no,? (?:i|not)|not \w+,|"
    r"actually|i meant|correction)\b",
    re.IGNORECASE,
)
"""An opening that apologises or corrects ("sorry, I meant …", "no wait, 6 days"): the "no" of
a correction is no frustration."""
DECLINE_HEADS = frozenset(["no", "nope", "nah", "not", "maybe", "i'm", "im", "i", "we're", "it's"])
DECLINE_WORDS = DECLINE_HEADS | frozenset(
    """
    thanks thank you now yet later really need good fine that's all ok okay alright right for
    the moment at this time just am thing though
    """.split()  # noqa: SIM905 - a word list reads better as text
)
DECLINE_OPENING_RE = re.compile(
    r"^\W*(?:no,? thanks?|no thank you|no,? but|nah|nope|not (?:now|yet|really)|maybe later)\b",
    re.IGNORECASE,
)
"""A message that opens by politely declining ("no thanks, just the weather"): no frustration."""
REFINE_RE = re.compile(
    r"\b(?:instead|actually|rather|change|changed|switch|make it|make that|make the|what about|"
    r"how about|what of|and|also|same|sorry|i meant|no wait|correction|update|again|but|then|too|"
    r"only)\b",
    re.IGNORECASE,
)
TASK_WORDS_RE = re.compile(
    r"\b(?:plan|planning|trip|holiday|vacation|itinerary|getaway|flights?|fly|flying|weather|"
    r"forecast)\b",
    re.IGNORECASE,
)
PLACE_REFERENCE_RE = re.compile(
    r"\b(?:there|that city|that place|that town|that country|same place|same city|same spot)\b",
    re.IGNORECASE,
)
DATE_REFERENCE_RE = re.compile(
    r"\b(?:that day|that date|the same day|same day|same date)\b", re.IGNORECASE
)
ROUND_TRIP_RE = re.compile(
    r"\b(?:round[- ]?trip|return (?:flight|ticket|trip)s?|there and back|both ways)\b",
    re.IGNORECASE,
)
ONE_WAY_RE = re.compile(
    r"\b(?:one[- ]way|no return|single (?:ticket|flight)|without (?:a |the )?return|"
    r"(?:don't|do not|dont|won't|no) need (?:a |the |any )?return|"
    r"(?:skip|drop|remove|lose) the return)",
    re.IGNORECASE,
)
CANCEL_LEAD_RE = re.compile(
    r"^\W*(?:(?:ok|okay|actually|no|oh|hmm+),?\s+)?(?:forget(?: about)?|never ?mind|scrap|"
    r"cancel|drop|ditch|skip)\s*(?:it|that|this|all that|(?:the|my|your) (?P<named>[a-z]+(?: "
    r"[a-z]+)?))?\b\W*",
    re.IGNORECASE,
)
"""A message that opens by calling something off: "forget the trip, …", "never mind the
weather"; ``named`` is what it names, if anything."""
REOPENED: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "budget",
        re.compile(
            r"\b(?:cheaper|less expensive|more affordable|pricier|more expensive|"
            r"(?:bigger|smaller|lower|higher|different|another) budget|spend (?:less|more)|"
            r"(?:change|lower|raise|reduce|increase) (?:the |my )?budget)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "duration",
        re.compile(
            r"\b(?:make it (?:longer|shorter)|(?:a bit |a little )?(?:longer|shorter) trip|"
            r"(?:change|different) (?:the |my )?(?:length|duration|number of days))\b",
            re.IGNORECASE,
        ),
    ),
    (
        "destination",
        re.compile(
            r"\b(?:somewhere else|(?:another|a different|different) (?:place|city|destination|"
            r"country)|change (?:the |my )?destination)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "date",
        re.compile(
            r"\b(?:(?:another|a different|different|other) (?:day|date)s?|"
            r"change (?:the |my )?(?:date|day|departure date))\b",
            re.IGNORECASE,
        ),
    ),
)
"""Asking to change a slot without saying to what ("can you make it cheaper?", "somewhere
else"): the slot is asked for again."""
BOOK_RE = re.compile(r"\bbook(?:ing)?\b", re.IGNORECASE)
VENTING_RE = re.compile(
    r"\b(?:ugh+|argh+|hate|annoy\w*|frustrat\w*|useless|stupid|pointless|hopeless|ridiculous"
    r"|terrible|awful|rubbish|worst|waste of time|sick of|tired of|fed up|stress\w*|nightmare"
    r"|exhausting|so hard|a pain)\b",
    re.IGNORECASE,
)
"""Words of frustration ("ugh i hate planning trips", "this is useless"): with a negative mood,
a message made of them is venting, not a request the bot failed to understand."""
ELLIPSIS_RE = re.compile(
    r"^\W*(?:and|(?:and )?(?:what|how) about|what of|same for|ok(?:ay)?,? (?:and|what about))\b",
    re.IGNORECASE,
)
"""An elliptical follow-up that asks the last question again about something else ("and in
Whistler?", "what about tomorrow?")."""
CORRECTION_RE = re.compile(
    r"\b(?:instead|actually|change|changed|switch|make it|make that|i meant|no wait|rather|"
    r"correction|not)\b",
    re.IGNORECASE,
)
"""Words that mark a message as a change to the task at hand, not a question of its own."""
SETTLE_RE = re.compile(
    r"\b(?:just|then|anyway|at least|instead|fine|show|give|send|let me see|let's see|go on|"
    r"go ahead|do (?:it|that)|that'?s fine|that works|the (?:options|results|search|link))\b",
    re.IGNORECASE,
)
"""Words of someone settling for what was offered ("ok, just show me the options then")."""


def plain_yes(text: str) -> bool:
    """A yes and nothing more ("yes please", "yeah why not", "sure, sounds great"); "ok thanks"
    and "great, thanks" are thank-yous, not a yes."""
    words = [t.text for t in tokenize(text)]
    if text.strip().lower().startswith("of course"):
        return all(w in YES_WORDS | {"of", "course"} for w in words)
    if not words or words[0] not in YES_HEADS or any(w not in YES_WORDS for w in words):
        return False
    if len(words) == 1 and words[0] in ("go", "do", "that", "why", "let's", "lets", "sounds"):
        return False  # a head that says nothing alone
    return not (words[0] in CLOSING_HEADS and ("thanks" in words or "thank" in words))


def refines(message: str) -> bool:
    """True when a message reads as a change to the last task, not a new request of its kind."""
    return bool(REFINE_RE.search(message)) or not TASK_WORDS_RE.search(message)


def trip_type_change(message: str) -> bool:
    """True for a message that only changes a flight search's trip type ("can you do one way
    only?", "make it a round trip"): it names one, and no words of a plan or weather question
    are left around it."""
    match = ONE_WAY_RE.search(message) or ROUND_TRIP_RE.search(message)
    if match is None:
        return False
    rest = message[: match.start()] + " " + message[match.end() :]
    return not any(TASK_WORDS[name].search(rest) for name in ("PlanTrip", "CheckWeather"))


def settles_for(offer: str, intent: str, message: str) -> bool:
    """True when, after "I can't …, but I can …", a message settles for the task offered ("ok,
    just show me the options then", "fine, give me the link then"): it has the words of someone
    settling, asks for no other task in that task's own words, and neither cancels, closes nor
    asks for something else the bot cannot do."""
    if SETTLE_RE.search(message) is None or intent in ("Cancel", "Goodbye", "Thanks"):
        return False
    other = TASK_WORDS.get(intent)
    if intent != offer and other is not None and other.search(message):
        return False
    return topic_of(message, OUT_OF_SCOPE_TOPICS) is None


def called_off(message: str) -> tuple[str | None, str] | None:
    """``(named, rest)`` for a message that opens by calling something off ("forget the trip,
    what's the weather in Athens?" → ("trip", "what's the weather in Athens?")); ``named`` is
    the task it names by one of its words, None when it names none. None for any other
    message."""
    match = CANCEL_LEAD_RE.match(message)
    if match is None:
        return None
    named = match["named"]
    task = None
    if named:
        task = next((name for name, words in TASK_WORDS.items() if words.search(named)), None)
        if task is None and named.split()[0] not in ("whole", "thing", "request", "search"):
            return None  # "cancel my hotel booking": something else is called off
    return task, message[match.end() :].strip(" ,.;:!-")


def reopened(message: str) -> str | None:
    """The slot a message asks to change without a new value ("make it cheaper" → budget), or
    None."""
    return next((slot for slot, pattern in REOPENED if pattern.search(message)), None)


def declines(text: str) -> bool:
    """A no and nothing more ("no", "not yet, maybe later", "nah I'm good, thanks")."""
    words = [t.text for t in tokenize(text)]
    return (
        bool(words)
        and words[0] in DECLINE_HEADS
        and all(w in DECLINE_WORDS for w in words)
        and (words[0] != "i" or "good" in words or "fine" in words)
    )
