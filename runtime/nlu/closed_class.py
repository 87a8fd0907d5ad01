"""Closed-class messages read by rule: greetings, thanks, cancel, goodbye and small talk.

These intents are small closed sets of phrases, and people say them in endless small variants
("hey there", "hi again", "heyyy", "thanks so much!!", "cancel pls", "ok bye for now"). A
classifier learns them from a few sample utterances and misses the variants it was not shown;
a lexicon of the phrases themselves, with the words that may surround them, does not. So a
message made only of such phrases (and of address, politeness and filler words) is read by rule
before the classifier; anything else ("hi, plan a trip to Rome", "cancel my hotel booking") is
left to the classifier, which stays the backstop for the wordings the lexicon lacks.

Letters drawn out for effect are read as the word ("heyyy", "byeee", "thanksss"), and so is a
long word with one slip of the keyboard ("cancle", "thnaks", "goodbey"). When a
message mixes classes, the one that closes wins: goodbye over cancel over thanks over a greeting
over small talk ("thanks, bye" is a goodbye, "hey, how are you?" a greeting). Small talk here is
how-are-you, laughter and acknowledgements ("lol ok", "got it"); a bare "ok", "great" or "cool"
is left alone, as it may be a yes to an offer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from runtime.nlu.text import fold

_PHRASES: dict[str, str] = {
    "Goodbye": """
        bye | goodbye | good bye | bye bye | byebye | bye for now | see you | see ya |
        see you later | see you soon | see you around | cya | later | laters | farewell |
        good night | night night | take care | catch you later | ttyl | talk to you later |
        have a good one | have a nice day | have a good day | that's all | that is all |
        that's it | i'm done | im done | all done | gotta go | got to go | i have to go |
        i need to go | i must go | signing off | adios | ciao | au revoir | cheerio | so long
    """,
    "Cancel": """
        cancel | cancel that | cancel it | cancel this | cancel everything | never mind |
        nevermind | never mind that | nvm | forget it | forget that | forget about it |
        forget all that | forget everything | scrap that | scrap it | drop it | drop that |
        stop | stop that | stop it | abort | start over | start again | start afresh | restart |
        reset | let's start over | lets start over | let's start again | i changed my mind |
        changed my mind | i've changed my mind | skip it | skip that | ignore that | ignore it
    """,
    "Thanks": """
        thanks | thank you | thankyou | thank u | thanx | thnx | thnks | thx | tx | ty | tysm |
        tyvm | ta | cheers | many thanks | much appreciated | appreciate it | i appreciate it |
        i appreciate that | appreciated | thanks a lot | thanks a bunch | thanks a million |
        thanks so much | thank you so much | thank you very much | thanks very much |
        thank you kindly | for the help | for your help | for everything | for that | for this |
        that's helpful | that helps | that was helpful | nice one
    """,
    "Greeting": """
        hi | hello | hey | hiya | heya | hey hey | hi hi | hullo | howdy | yo | greetings |
        good morning | good afternoon | good evening | good day | morning | evening |
        afternoon | g'day | gday | hola | bonjour | salut | hallo | aloha | how do you do |
        nice to meet you | pleased to meet you
    """,
    "SmallTalk": """
        what's up | whats up | what is up | wassup | whassup | sup | what's new | whats new |
        how are you | how r u | how are u | how are you doing | how are you today |
        how you doing | how're you doing | how's it going | hows it going | how is it going |
        how are things | how's things | how's your day | how is your day |
        how's your day going | how have you been | you ok | you alright | are you ok |
        are you well | lol | haha | hahaha | hehe | lmao | rofl | got it | i see |
        fair enough | good to know | noted | makes sense
    """,
}
"""Each class's phrases, separated by ``|``, as the folded words of a message spell them."""
_PRECEDENCE = ("Goodbye", "Cancel", "Thanks", "Greeting", "SmallTalk")

_AROUND = frozenset(
    """
    no hmm hm um uh er erm oh ah well so
    bot travelbot travel there again everyone everybody all you mate friend buddy pal dude guys
    folks man sir madam team agent assistant robot
    please pls plz so very much a the lot lots loads bunch ton tons heaps million really kindly
    again then now just for
    ok okay oh ah well alright right great perfect awesome nice cool brilliant lovely super
    excellent fantastic amazing wonderful fab good
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Words that may surround a closed-class phrase without making the message a request."""

_WORD_RE = re.compile(r"[a-z]+(?:'[a-z]+)?")
_RUN3 = re.compile(r"(.)\1{2,}")
_RUN2 = re.compile(r"(.)\1+")


def _phrase_table() -> dict[tuple[str, ...], str]:
    table: dict[tuple[str, ...], str] = {}
    for intent in reversed(_PRECEDENCE):  # a phrase listed twice belongs to the stronger class
        for phrase in _PHRASES[intent].split("|"):
            table[tuple(phrase.split())] = intent
    return table


_TABLE = _phrase_table()
_LONGEST = max(len(key) for key in _TABLE)
_VOCABULARY = frozenset(word for key in _TABLE for word in key) | _AROUND
_MIN_TYPO_LENGTH = 5  # shorter words are too close to other words to guess at
_TYPO_TARGETS = frozenset(
    word for key in _TABLE for word in key if len(word) >= _MIN_TYPO_LENGTH and "'" not in word
)


_CLASS_OF = {word: intent for key, intent in _TABLE.items() for word in key}


def _one_edit(typed: str, word: str) -> bool:
    """True when ``typed`` is ``word`` with one letter swapped with its neighbour, replaced,
    added or dropped ("cancle", "thnaks", "goodbyee")."""
    if abs(len(typed) - len(word)) > 1 or typed == word:
        return False
    if len(typed) == len(word):
        diff = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
        if len(diff) == 1:
            return True
        i = diff[0]
        return (
            len(diff) == 2
            and diff[1] == i + 1
            and typed[i] == word[i + 1]
            and typed[i + 1] == word[i]
        )
    short, long = (typed, word) if len(typed) < len(word) else (word, typed)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _known(word: str) -> str:
    """``word`` as the lexicon spells it, when drawn-out letters hide it ("heyyy" → "hey") or
    one slip of the keyboard does ("cancle" → "cancel"; only long words, only one guess)."""
    if word in _VOCABULARY:
        return word
    for shorter in (_RUN3.sub(r"\1", word), _RUN3.sub(r"\1\1", word), _RUN2.sub(r"\1", word)):
        if shorter in _VOCABULARY:
            return shorter
    if len(word) >= _MIN_TYPO_LENGTH:
        guesses = sorted(
            (target for target in _TYPO_TARGETS if _one_edit(word, target)),
            key=lambda target: ((target,) not in _TABLE, abs(len(target) - len(word)), target),
        )
        if len({_CLASS_OF[guess] for guess in guesses}) == 1:  # "thnaks": thanks or thnks
            return guesses[0]
    return word


def _words(text: str) -> list[str]:
    folded = fold(text).replace("’", "'")
    return [_known(w) for w in _WORD_RE.findall(folded)]


def _classes(words: Sequence[str]) -> set[str] | None:
    """The classes of the phrases that make up ``words`` (with surrounding words), or None
    when a word belongs to no phrase and may not surround one."""
    found: set[str] = set()
    index = 0
    while index < len(words):
        for size in range(min(_LONGEST, len(words) - index), 0, -1):
            intent = _TABLE.get(tuple(words[index : index + size]))
            if intent is not None:
                found.add(intent)
                index += size
                break
        else:
            if words[index] not in _AROUND:
                return None
            index += 1
    return found


def closed_class(text: str) -> str | None:
    """The intent of a message made only of closed-class phrases ("hey there!", "thanks so
    much", "ok bye"), or None when it says anything else."""
    words = _words(text)
    if not words or len(words) > 2 * _LONGEST:
        return None
    found = _classes(words)
    if not found:
        return None
    return next(intent for intent in _PRECEDENCE if intent in found)
