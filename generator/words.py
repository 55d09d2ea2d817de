"""Words: how the wiki splits text into words and stems them, for every use it has of them.

Site search (and its twin in generator/site/assets/search.js, which must agree: a browser test
checks it), related notes, near-duplicates and findings all read text through this module, so a
word found by one is found the same way by all.

- `words`: NFKC, lower case, runs of letters and digits, accents off, and each character of a
  script written without spaces (Chinese, Japanese, Korean) a word of its own.
- `stem`: a light English stem: plurals, -ed, -ing and a final e come off, so "invoices",
  "invoiced", "invoicing" and "invoice" all give "invoic".
- `content_stem`: the stem of a word that says what a text is about; '' for stopwords (English
  function words and the most common verbs, adverbs and adjectives), numbers and single
  letters. `LISTENING` holds the stems of the act of listening itself ("call", "customer",
  "said"), which every note has whatever it reports.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+")
# Scripts written without spaces between words: each character is a word of its own.
_UNSPACED_SPLIT = re.compile(
    "([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff])"
)

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


def fold(word: str) -> str:
    """A word as words are compared: no accents (see search.js's fold, which must agree)."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def words(text: str) -> list[str]:
    """The words of a text, as search.js's words finds them: NFKC, lower case, letters and
    digits, accents off, and each character of a script written without spaces on its own."""
    if text.isascii():
        return _WORD.findall(text.lower())
    return [part for word in raw_words(text) for part in split(word)]


def raw_words(text: str) -> list[str]:
    """Runs of letters and digits, lower case, before `split`."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _WORD.findall(text.lower())


def split(word: str) -> list[str]:
    """A run of letters and digits as words: accents off, unspaced scripts a character each."""
    if word.isascii():
        return [word]
    return [part for part in _UNSPACED_SPLIT.split(fold(word)) if part]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light English stem: plurals, -ed, -ing and a final e come off (as in search.js).

    "invoices", "invoiced", "invoicing" and "invoice" all give "invoic"; a word with
    anything but the letters a-z, or of three letters or fewer, is its own stem.
    """
    if len(word) <= 3 or not word.isascii() or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= 3 and any(v in base for v in "aeiouy"):
            word = base
            if word[-1] == word[-2] and word[-1] not in "aeiouylsz":
                word = word[:-1]  # shipping: ship
            break
    if len(word) >= 5 and word.endswith("e"):
        word = word[:-1]
    return word


@lru_cache(maxsize=200_000)
def _terms(word: str) -> tuple[str, ...]:
    return tuple(stem(part) for part in split(word))


def term_counts(text: str) -> dict[str, int]:
    """How often each stemmed word occurs in a text."""
    counts: dict[str, int] = {}
    for word, count in Counter(raw_words(text)).items():
        for term in _terms(word):
            counts[term] = counts.get(term, 0) + count
    return counts


@lru_cache(maxsize=200_000)
def content_stem(word: str) -> str:
    """The stem of a word that says what a text is about: '' for stopwords, numbers and
    single letters."""
    if len(word) < 2 or word in STOPWORDS or word.isdigit():
        return ""
    return stem(word)


LISTENING = frozenset(content_stem(w) for w in _LISTENING_TEXT.split()) - {""}


def content_stems(text: str) -> list[str]:
    """The stem of each word of a text that says what it is about, in order."""
    return [s for s in map(content_stem, words(text)) if s]


def content_words(text: str) -> list[tuple[str, str]]:
    """(stem, word) of each word of a text that says what it is about, in order."""
    return [(s, w) for w in words(text) if (s := content_stem(w))]
