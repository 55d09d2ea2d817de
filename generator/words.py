"""The content words of a note, for telling what it is about: Snowball stems, no filler.

The one home of snowballstemmer. Stopwords are English function words and the most common
verbs, adverbs and adjectives, plus the words of the act of listening itself ("call",
"customer", "said", "feedback"): every note has them, whatever it reports, and a small wiki
has too few notes for their frequency alone to show that they say nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

_STOPWORD_TEXT = """
a about above across after again against all almost along already also although always am
among an and another any anyone anything anyway anywhere are aren around as at away back be
became because become becomes been before being below beside besides best better between
beyond both but by came can cannot cant could couldn did didn do does doesn doing don done
down during each either else elsewhere enough etc even ever every everyone everything
everywhere few for from further get gets getting give given gives go goes going gone got had
hadn has hasn have haven having he her here hers herself him himself his how however i if in
instead into is isn it its itself just keep kept know knew known least less let lets like
likely made make makes making many may maybe me might mine more most mostly much must my
myself near need neither never nevertheless next no nobody none nor not nothing now nowhere
of off often on once one ones only onto or other others otherwise our ours ourselves out over
own per perhaps please put quite rather re really said same say says see seem seemed seems
seen several shall she should shouldn since so some somehow someone something sometime
sometimes somewhere soon still such sure take taken takes taking than that the their theirs
them themselves then there therefore these they thing things think this those though through
thus to together too took toward towards try trying under unless until up upon us use used
uses using usually very via want wanted wants was wasn way ways we well went were weren what
whatever when whenever where whereas wherever whether which while who whoever whole whom whose
why will with within without won would wouldn yes yet you your yours yourself yourselves
ll ve d s t m
"""
_LISTENING_TEXT = """
call calls called meeting meetings interview interviews interviewed session sessions note
notes customer customers client clients user users participant participants people person
told tell telling asked ask asks mentioned mention feedback comment comments survey surveys
ticket tickets team teams would also lot lots today yesterday week weeks month months year
years time times day days first second third two three four five again told thanks thank
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD = re.compile(r"[^\W_]+")
_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of a lower-case word; '' for stopwords, numbers and single letters."""
    if len(word) < 2 or word in STOPWORDS or word.isdigit():
        return ""
    return _STEMMER.stemWord(word)


LISTENING = frozenset(stem(w) for w in _LISTENING_TEXT.split()) - {""}


@lru_cache(maxsize=200_000)
def _content_stem(word: str) -> str:
    found = stem(word)
    return "" if found in LISTENING else found


def content_stems(text: str) -> list[str]:
    """The stem of each word that says what a text is about, in order."""
    return [s for s in map(_content_stem, _WORD.findall(text.lower())) if s]


def content_words(text: str) -> list[tuple[str, str]]:
    """(stem, word) of each word that says what a text is about, in order, lower-cased."""
    pairs = ((_content_stem(w), w) for w in _WORD.findall(text.lower()))
    return [(s, w) for s, w in pairs if s]
