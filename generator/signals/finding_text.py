"""What a finding says in its notes' own words: each note's content words, and the key terms
and quotes of a group of notes. Nothing here writes a word the notes did not."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

from generator.model import Note, Quote
from generator.notes.scan import without_html
from generator.signals.quotes import blockquotes, shorten
from generator.words import LISTENING, content_stems, content_words

TERMS = 4  # key terms shown with a finding
QUOTES = 3  # quotes shown with a finding
QUOTE_CHARS = 240
_URL = re.compile(r"(?:https?://|www\.)\S+|\]\([^)]*\)")
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)
# Headings and bold lead-ins are a team's template ("## What we found", "**Next steps.**"),
# shared by unrelated notes; the title already says what a note is about.
_LABELS = re.compile(r"^ {0,3}#{1,6} .*$|^\W*\*\*[^*\n]{1,60}\*\*[.:]?", re.M)


@dataclass(frozen=True)
class Words:
    """A note's stemmed content words, title and body apart, in text order."""

    title: tuple[str, ...]
    body: tuple[str, ...]


def words(note: Note) -> Words:
    """The stemmed content words of a note's title and body: no links, markup or customers.

    A customer's name is left out because a finding is what was heard, not from whom: two
    notes about one customer's different problems are not one finding.
    """
    skip = LISTENING | set(content_stems(" ".join(note.customers)))
    return Words(
        tuple(s for s in content_stems(note.title) if s not in skip),
        tuple(s for s in content_stems(prose(note.body)) if s not in skip),
    )


def prose(body: str) -> str:
    """A body without HTML, links, code, headings and bold lead-ins."""
    return _LABELS.sub(" ", _CODE.sub(" ", _URL.sub(" ", without_html(body))))


def key_terms(
    notes: Sequence[Note], members: Sequence[Words], vectors: Sequence[dict[str, float]]
) -> tuple[str, ...]:
    """The words and two-word phrases that most of the group shares and weighs most."""
    share = Counter(chain.from_iterable(_phrases(w) for w in members))
    needed = max(2, math.ceil(len(members) / 2))
    weight: dict[tuple[str, ...], float] = defaultdict(float)
    for words_of, vector in zip(members, vectors, strict=True):
        for key in _phrases(words_of):
            if share[key] >= needed:
                weight[key] += sum(vector.get(s, 0.0) for s in key)
    chosen: list[tuple[str, ...]] = []
    for key, _ in sorted(weight.items(), key=lambda kw: (-round(kw[1], 9), kw[0])):
        if any(set(key) & set(c) for c in chosen):
            continue
        chosen.append(key)
        if len(chosen) == TERMS:
            break
    spelled = _spellings(notes)
    return tuple(" ".join(spelled.get(s, s) for s in key) for key in chosen)


def _phrases(w: Words) -> set[tuple[str, ...]]:
    pairs = chain(zip(w.title, w.title[1:], strict=False), zip(w.body, w.body[1:], strict=False))
    return {(s,) for s in w.title + w.body} | {(a, b) for a, b in pairs if a != b}


def _spellings(notes: Sequence[Note]) -> dict[str, str]:
    """Each stem's most used spelling among the notes, ties by the shorter, then alphabetical."""
    seen = Counter(chain.from_iterable(content_words(f"{n.title} {prose(n.body)}") for n in notes))
    best: dict[str, tuple[int, int, str]] = {}
    for (s, word), n in seen.items():
        key = (-n, len(word), word)
        if s not in best or key < best[s]:
            best[s] = key
    return {s: key[2] for s, key in best.items()}


def finding_quotes(notes: Sequence[Note]) -> tuple[Quote, ...]:
    """The first blockquote of each note that has one, most representative first, up to QUOTES."""
    quotes: list[Quote] = []
    for note in notes:
        found = blockquotes(note.body)
        text = shorten(found[0], QUOTE_CHARS) if found else ""
        if text and all(q.text != text for q in quotes):
            quotes.append(Quote(text, note.id))
        if len(quotes) == QUOTES:
            break
    return tuple(quotes)
