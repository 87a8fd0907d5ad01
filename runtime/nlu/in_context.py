"""Reading a message as an answer within the dialogue, not as a new request.

People answer and refine in fragments: "6 days", "actually from Kigali", "and back on the 20th",
"can you make the budget 2000 instead?", "yes please, from Boston". Taken alone such a message
has no clear intent; in context it plainly changes the slots of the task at hand (Lex calls this
slot-level context carry-over). :func:`answers_in_context` decides whether a message reads that
way, from what is left once its slot values are taken out: nothing but connective words ("sorry,
I meant", "what about", "instead") means an answer; words that carry a request of their own
("weather", "flights", "hotel") leave the decision to the intent classifier.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from runtime.nlu.entities import Mention
from runtime.nlu.text import tokenize

ACCEPT_RE = re.compile(
    r"^\s*(?:yes|yeah|yep|yup|ya|sure|ok|okay|alright|please|go ahead|sounds good|why not|"
    r"definitely|absolutely|of course|do it|let's do it)\b(?!,? (?:thanks|thank you))",
    re.IGNORECASE,
)
"""A message that opens by accepting an offer ("yes please, from Boston")."""

CONNECTIVE_PHRASES = re.compile(
    r"\b(?:what about|how about|i meant|i mean|make it|make that|no wait|let's say|instead of|"
    r"change it to|and also)\b",
    re.IGNORECASE,
)
"""Phrases that introduce a changed value ("what about the 22nd", "make it 7 days")."""

CONNECTIVE = frozenset(
    """
    a an the and or but so then also too as well just only even still
    i me my we us our it its it's that this those these there here
    please pls plz thanks thank thx cheers
    ok okay yes yeah yep yup ya sure fine great good cool nice perfect alright right
    awesome lovely no nope nah not
    actually instead rather sorry meant wait oops hmm um uh er ah oh
    correction change changed switch
    let let's lets put set update move
    on in at for to from of by with until till through around between before after into
    back return returning come coming home leaving leave departing depart going go get
    budget days day nights night weeks week date dates destination origin departure
    again same one way round later earlier
    can could would will shall may might do does did you your is be are was were
    better best works work prefer preferably ideally maybe perhaps possible possibly
    add more extra additional another plus less fewer longer shorter double twice half halve
    somewhere anywhere probably think guess thinking considering
    extend shorten cut remove drop minus increase raise reduce lower by
    have has got now spend spending total max maximum about roughly approximately under tops
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Words that join slot values into a sentence without asking for anything by themselves,
modal and preference words included ("could I leave a day later?", "monday would be better");
question words are not ("how are you today?" keeps "how", so the classifier decides)."""


def residue(text: str, mentions: Sequence[Mention]) -> list[str]:
    """The folded words of ``text`` outside every mention that are not connective words."""
    words = []
    for token in tokenize(CONNECTIVE_PHRASES.sub(lambda m: " " * len(m.group()), text)):
        inside = any(m.start <= token.start < m.end for m in mentions)
        if not inside and token.text not in CONNECTIVE and not token.text.isdigit():
            words.append(token.text)
    return words


def accepts(text: str) -> bool:
    """True when the message opens with a yes ("yes please", "sure, from Boston")."""
    return ACCEPT_RE.match(text) is not None


def answers_in_context(
    text: str,
    mentions: Sequence[Mention],
    *,
    expected: str,
    predicted: str,
    confidence: float,
    threshold: float,
    rival: bool = False,
) -> bool:
    """Whether a message that supplies slots of ``expected`` is an answer to that task.

    It is when the classifier agrees, or is unsure, or when nothing but connective words is left
    besides the values; otherwise a confident other intent wins ("will it snow in Oslo?" while a
    flight search asks for a date is a weather question). A ``rival`` guess (another intent with
    slots of its own) wins even when unsure, if words are left that are not the values: "now
    plan Porto too" after a weather answer is a plan, not the weather in Porto.
    """
    if predicted == expected or predicted == "FallbackIntent":
        return True
    if confidence < threshold and not rival:
        return True
    return not residue(text, mentions)
