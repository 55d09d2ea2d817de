"""Which notes say similar things: TF-IDF vectors of every note, compared cheaply.

Feeds the related insights on each page and the near-duplicate warning of `insights check`.
Pure Python and no index: each note is compared only with the notes that share one of its most
distinctive words (its signature), so comparing 10,000 notes with each other takes about a
second rather than the hours that all 50 million pairs would.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from functools import cached_property
from itertools import chain
from operator import itemgetter
from typing import Any

from generator.model import NearDuplicate, Note, Problem
from generator.notes.scan import without_html
from generator.words import content_stems

SIGNATURE = 12  # a note's most distinctive terms, through which it meets other notes
CANDIDATES = 3  # times `limit`: how many top sharers `related` ranks by similarity
HEAD = 40  # terms of each vector that rank related notes
MIN_RELATED = 0.05  # less similar notes are not worth a reader's click
MIN_SHARED = 3  # signature terms two notes must share before their full vectors are compared
COMMON = 0.05  # terms in more than this share of notes are too common to find candidates by
# ... or in more than this many (the share of 10,000 notes): past that size, the candidates
# a common word brings grow with the wiki, and the work with its square.
MAX_COMMON = 500


def terms(note: Note) -> dict[str, int]:
    """A note's term counts: content stems of its title (counted twice) and body (its text, not
    its HTML tags), and its tags."""
    stems = content_stems(f"{note.title} {note.title} {without_html(note.body)}")
    counts: dict[str, int] = dict(Counter(stems))
    for tag in note.tags:
        counts["#" + tag] = 2
    return counts


class TermsMemo:
    """What one similarity model worked out for each note, kept for the next (a preview
    server's): a note that did not change is the same object (parsecache.py), so its terms
    are not worked out again, nor its vector while no term it has changed in how many notes
    have it."""

    def __init__(self) -> None:
        self.kept: dict[int, list[Any]] = {}  # id(note): [note, terms, vector, signature, head]
        self.df: Counter[str] = Counter()
        self.total = -1

    def of(self, notes: Sequence[Note]) -> list[dict[str, int]]:
        """Each note's terms, in order; only these notes are kept."""
        kept: dict[int, list[Any]] = {}
        for note in notes:
            found = self.kept.get(id(note))
            same = found is not None and found[0] is note
            kept[id(note)] = found if found is not None and same else [note, terms(note)]
        self.kept = kept
        return [kept[id(note)][1] for note in notes]

    def weighed(
        self, notes: Sequence[Note], df: Counter[str], idf: dict[str, float], too_common: int
    ) -> list[tuple[dict[str, float], dict[str, float]]]:
        """Each note's vector and signature, kept where none of its terms changed weight."""
        total = len(notes)
        moved = None if total != self.total else {t for t in df | self.df if df[t] != self.df[t]}
        self.df, self.total = df, total
        found = []
        for note in notes:
            entry = self.kept[id(note)]
            if moved is None or len(entry) < 4 or not moved.isdisjoint(entry[1]):
                vector = _unit(entry[1], idf)
                entry[2:] = [vector, _signature(vector, df, too_common), None]
            found.append((entry[2], entry[3]))
        return found

    def head(self, note: Note, vector: dict[str, float]) -> dict[str, float]:
        """A note's heaviest terms (see SimilarNotes._heads), kept with its vector."""
        entry = self.kept[id(note)]
        if entry[4] is None:
            entry[4] = _head(vector)
        return entry[4]


class SimilarNotes:
    """Every note as a unit-length TF-IDF vector, with an inverted index of their signatures."""

    def __init__(self, notes: Sequence[Note], known: TermsMemo | None = None) -> None:
        """`known` keeps each note's terms for the next model (a preview server's), by note."""
        self.notes = sorted(notes, key=lambda n: n.path)
        self._row = {n.id: i for i, n in reversed(list(enumerate(self.notes)))}
        self.known = known
        counts = [terms(n) for n in self.notes] if known is None else known.of(self.notes)
        df = Counter(chain.from_iterable(counts))
        idf = {term: math.log(1.0 + len(notes) / n) for term, n in df.items()}
        total = len(self.notes)
        too_common = min(max(64, int(total * COMMON)), MAX_COMMON)
        if known is None:
            self.vectors = [_unit(c, idf) for c in counts]
            self.signatures = [_signature(v, df, too_common) for v in self.vectors]
        else:
            weighed = known.weighed(self.notes, df, idf, too_common)
            self.vectors = [vector for vector, _ in weighed]
            self.signatures = [signature for _, signature in weighed]
        self._rows: dict[str, list[int]] = defaultdict(list)
        for row, signature in enumerate(self.signatures):
            for term in signature:
                self._rows[term].append(row)

    def _shared(self, row: int) -> Counter[int]:
        """The other notes sharing signature terms with this one, and how many they share."""
        counts = Counter(chain.from_iterable(self._rows[term] for term in self.signatures[row]))
        counts.pop(row, None)
        return counts

    def related(self, note_id: str, limit: int = 5) -> list[str]:
        """Ids of the notes most like this one (by words and tags), best first.

        The notes sharing the most signature terms are ranked by the similarity of their HEAD
        heaviest terms; those below MIN_RELATED are left out, so there may be fewer than `limit`.
        """
        row = self._row.get(note_id)
        if row is None:
            return []
        heads = self._heads
        mine = heads[row]
        scores = {
            other: sum(mine[t] * heads[other][t] for t in mine.keys() & heads[other].keys())
            for other, _ in self._shared(row).most_common(limit * CANDIDATES)
        }
        best = sorted(scores, key=lambda o: (-round(scores[o], 9), o))
        ids = [self.notes[o].id for o in best if scores[o] >= MIN_RELATED]
        return [i for i in ids if i != note_id][:limit]

    @cached_property
    def _heads(self) -> list[dict[str, float]]:
        """Each vector's HEAD heaviest terms: most of its length, a fraction of its size."""
        if self.known is not None:
            known = self.known
            return [known.head(n, v) for n, v in zip(self.notes, self.vectors, strict=True)]
        return [_head(v) for v in self.vectors]

    def similarity(self, first: int, second: int) -> float:
        """The cosine similarity of two notes' full vectors (rows of `self.notes`), 0 to 1."""
        a, b = self.vectors[first], self.vectors[second]
        return min(1.0, sum(a[term] * b[term] for term in a.keys() & b.keys()))

    def near_duplicates(
        self, threshold: float, paths: Collection[str] | None = None
    ) -> list[NearDuplicate]:
        """Pairs of notes at least `threshold` similar, each once; only those touching `paths`."""
        pairs: dict[tuple[int, int], float] = {}
        for row, note in enumerate(self.notes):
            if paths is not None and note.path not in paths:
                continue
            for other in (o for o, count in self._shared(row).items() if count >= MIN_SHARED):
                key = (min(row, other), max(row, other))
                if key not in pairs:
                    pairs[key] = self.similarity(row, other)
        found = [
            NearDuplicate(self.notes[a].path, self.notes[b].path, round(score, 2))
            for (a, b), score in pairs.items()
            if score >= threshold
        ]
        return sorted(found, key=lambda d: (d.first, d.second))


def _head(vector: dict[str, float]) -> dict[str, float]:
    return dict(heapq.nlargest(HEAD, vector.items(), key=itemgetter(1)))


def _unit(counts: dict[str, int], idf: dict[str, float]) -> dict[str, float]:
    weights = {t: (1.0 + math.log(c)) * idf[t] for t, c in counts.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {t: w / norm for t, w in weights.items()}


def _signature(vector: dict[str, float], df: Counter[str], too_common: int) -> dict[str, float]:
    usable = [(t, w) for t, w in vector.items() if 1 < df[t] <= too_common]
    return dict(sorted(usable, key=lambda tw: (-tw[1], tw[0]))[:SIGNATURE])


def duplicate_problems(
    notes: Sequence[Note], threshold: float, paths: Collection[str] | None = None
) -> list[Problem]:
    """A `near-duplicate` warning on each note (in `paths`, if given) very like another note.

    Notes already linked by `related:` (either way) are not warned about.
    """
    by_path = {note.path: note for note in notes}
    problems = []
    for pair in SimilarNotes(notes).near_duplicates(threshold, paths):
        first, second = by_path[pair.first], by_path[pair.second]
        if first.id in second.related or second.id in first.related:
            continue
        for note, other in ((first, second), (second, first)):
            if paths is None or note.path in paths:
                problems.append(_duplicate_problem(note, other, pair.similarity))
    return problems


def _duplicate_problem(note: Note, other: Note, similarity: float) -> Problem:
    line, column = note.position("title")
    message = (
        f"very similar to {other.path} (similarity {similarity:.2f}); "
        f"link it with related: [{other.id}] or merge the two"
    )
    return Problem(note.path, line, column, "warning", "near-duplicate", message)
