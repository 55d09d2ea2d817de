"""Findings: groups of window notes that report the same thing, found from their own words.

Each note becomes one TF-IDF vector in a single term space: its title's terms and its body's
terms, each part scaled to unit length and the title weighted above the body, plus its tags as
weak extra evidence. Two notes are compared only when they share MEET of their most
distinctive words, and their cosine is scaled down when they share fewer than FULL words (zero
under SHARED). Notes are grouped by average-linkage clustering: two groups merge only while the
mean similarity of all their cross pairs stays at or above a threshold, so one common word
cannot chain unrelated notes together.

Everything is ordered by note id (then path) before any arithmetic, so the same notes give the
same findings whatever order the files were read in.
"""

from __future__ import annotations

import dataclasses
import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import mul

from generator.model import Finding, Note
from generator.signals.finding_text import Words, finding_quotes, key_terms, words

TITLE_WEIGHT = 1.3  # a title's unit vector against the body's 1.0
TAG_WEIGHT = 0.35  # tags: extra evidence, never enough alone
MEET = 2  # signature words two notes must share before they are compared
SIGNATURE = 16  # a note's most distinctive terms, through which it meets other notes
COMMON = 0.08  # terms in more than this share of notes are too common to find candidates by
# ... or in more than this many: beyond 10,000 notes, a word in a thousand of them names no
# finding, and comparing every note that shares one would grow with the square of the wiki.
MAX_COMMON = 800
TYPICAL = 12  # the most typical notes of a finding, whose words give its key terms
FULL = 6  # shared terms at which a pair gets its full cosine; fewer scale it down
SHARED = 2  # distinct terms two notes must share to be similar at all: one word is a coincidence


class Model:
    """The notes of W and P as unit vectors, and which pairs are similar enough to compare."""

    def __init__(self, notes: Sequence[Note]) -> None:
        self.notes = sorted(notes, key=lambda n: (n.id, n.path))
        self.words = [words(n) for n in self.notes]
        df = Counter(chain.from_iterable(set(w.title + w.body) for w in self.words))
        total = len(self.notes)
        self.idf = {t: math.log((1 + total) / (1 + n)) + 1.0 for t, n in df.items()}
        self.vectors = [
            _vector(n, w, self.idf) for n, w in zip(self.notes, self.words, strict=True)
        ]
        self.tags = [frozenset("#" + t for t in n.tags) for n in self.notes]
        too_common = min(max(8, int(total * COMMON)), MAX_COMMON)
        self.signatures = _signatures(self.vectors, df, too_common)
        self._candidates: dict[int, list[int]] = {}
        self._postings: dict[str, list[int]] = defaultdict(list)
        for row, signature in enumerate(self.signatures):
            for term in signature:
                self._postings[term].append(row)

    def candidates(self, row: int) -> list[int]:
        """Rows sharing at least MEET of their distinctive terms with `row`, in row order."""
        if row not in self._candidates:
            signature = self.signatures[row]
            shared = Counter(chain.from_iterable(self._postings[t] for t in signature))
            shared.pop(row, None)
            self._candidates[row] = sorted(r for r, n in shared.items() if n >= MEET)
        return self._candidates[row]

    def similarity(self, first: int, second: int) -> float:
        """Cosine similarity of two rows' vectors, 0 to 1, scaled down when they share fewer
        than FULL words, and 0 when they share fewer than SHARED: a few words in common are
        as likely a coincidence as a finding."""
        a, b = self.vectors[first], self.vectors[second]
        common = a.keys() & b.keys()
        words = len(common) - len(common & self.tags[first])
        if words < SHARED:
            return 0.0
        dot = sum(map(mul, map(a.__getitem__, common), map(b.__getitem__, common)))
        return min(1.0, dot * min(1.0, words / FULL))


def _unit(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    weights = {t: (1.0 + math.log(c)) * idf[t] for t, c in counts.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {t: w / norm for t, w in weights.items()}


def _vector(note: Note, w: Words, idf: dict[str, float]) -> dict[str, float]:
    combined: dict[str, float] = defaultdict(float)
    for term, weight in _unit(Counter(w.title), idf).items():
        combined[term] += TITLE_WEIGHT * weight
    for term, weight in _unit(Counter(w.body), idf).items():
        combined[term] += weight
    tags = sorted(set(note.tags))
    for tag in tags:
        combined["#" + tag] += TAG_WEIGHT / math.sqrt(len(tags))
    norm = math.sqrt(sum(v * v for v in combined.values())) or 1.0
    return {t: v / norm for t, v in sorted(combined.items())}


def _signatures(
    vectors: list[dict[str, float]], df: Counter[str], too_common: int
) -> list[tuple[str, ...]]:
    """Each row's SIGNATURE heaviest words that another note has and most notes lack."""
    signatures = []
    for vector in vectors:
        usable = [(t, v) for t, v in vector.items() if t[0] != "#" and 1 < df[t] <= too_common]
        ranked = sorted(usable, key=lambda tv: (-tv[1], tv[0]))[:SIGNATURE]
        signatures.append(tuple(t for t, _ in ranked))
    return signatures


# --- Grouping -----------------------------------------------------------------------------


def similar_pairs(model: Model, rows: Sequence[int]) -> dict[tuple[int, int], float]:
    """Similarities above zero between the given rows, each pair once as (low, high)."""
    wanted = set(rows)
    pairs: dict[tuple[int, int], float] = {}
    for row in rows:
        for other in model.candidates(row):
            if other > row and other in wanted:
                score = model.similarity(row, other)
                if score > 0:
                    pairs[(row, other)] = score
    return pairs


def group(
    rows: Sequence[int], pairs: dict[tuple[int, int], float], threshold: float
) -> list[list[int]]:
    """Average-linkage groups of `rows`: merged while their mean pair similarity >= threshold."""
    members = {r: [r] for r in rows}
    links: dict[int, dict[int, float]] = defaultdict(dict)
    for (a, b), score in pairs.items():
        links[a][b] = links[b][a] = score
    heap = [(-score, a, b, 1, 1) for (a, b), score in pairs.items() if score >= threshold]
    heapq.heapify(heap)
    while heap:
        _, a, b, size_a, size_b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        if len(members[a]) != size_a or len(members[b]) != size_b:
            continue
        _merge(a, b, members, links, heap, threshold)
    return sorted(sorted(m) for m in members.values())


def _merge(
    a: int,
    b: int,
    members: dict[int, list[int]],
    links: dict[int, dict[int, float]],
    heap: list[tuple[float, int, int, int, int]],
    threshold: float,
) -> None:
    """Fold group b into group a and queue a's new mean similarity to each neighbour."""
    members[a] = members[a] + members.pop(b)
    joined = links.pop(b)
    joined.pop(a, None)
    mine = links[a]
    mine.pop(b, None)
    for other, score in joined.items():
        mine[other] = mine.get(other, 0.0) + score
        links[other][a] = mine[other]
        links[other].pop(b, None)
    size = len(members[a])
    for other, total in sorted(mine.items()):
        mean = total / (size * len(members[other]))
        if mean >= threshold:
            low, high = min(a, other), max(a, other)
            heapq.heappush(heap, (-mean, low, high, len(members[low]), len(members[high])))


# --- Findings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Findings:
    """The findings among some window notes, best first, and the notes that matched nothing."""

    findings: tuple[Finding, ...]
    single_signals: tuple[str, ...]  # note ids, newest first


class Finder:
    """Findings of the window W, measured against the previous window P."""

    def __init__(self, current: Sequence[Note], previous: Sequence[Note], threshold: float) -> None:
        self.threshold = threshold
        self.model = Model([*current, *previous])
        ids = {n.id for n in current}
        self.current = [r for r, n in enumerate(self.model.notes) if n.id in ids]
        self.previous = [r for r, n in enumerate(self.model.notes) if n.id not in ids]
        self.pairs = similar_pairs(self.model, self.current)
        self.groups = group(self.current, self.pairs, threshold)
        self._described: dict[tuple[int, ...], Finding] = {}

    def notes_of(self, ids: Iterable[str]) -> tuple[Note, ...]:
        """The notes with these ids, by id, each once."""
        wanted = set(ids)
        return tuple(n for n in self.model.notes if n.id in wanted)

    def company(self) -> Findings:
        """The findings across every area."""
        return self._findings([(g, self.previous) for g in self.groups])

    def area(self, slug: str) -> Findings:
        """The findings of one area, cut from the company's.

        A finding with two or more notes in the area is cut down to them; one whose only note
        here was heard in other areas too is shown whole, so that note is not taken for a
        single signal and the area sees who else hears it.
        """
        notes = self.model.notes
        before = [r for r in self.previous if notes[r].area == slug]
        groups = []
        for found in self.groups:
            here = [r for r in found if notes[r].area == slug]
            if len(here) == 1 and len(found) > 1:
                groups.append((found, self.previous))
            elif here:
                groups.append((here, before))
        return self._findings(groups)

    def _findings(self, groups: list[tuple[list[int], list[int]]]) -> Findings:
        """Groups of two or more notes (each with the P notes it is compared with) as
        findings, best first; the notes of the others as single signals, newest first."""
        found = [self._finding(g, before) for g, before in groups if len(g) >= 2]
        found.sort(key=rank)
        notes = self.model.notes
        singles = sorted(
            (notes[g[0]] for g, _ in groups if len(g) == 1),
            key=lambda n: (-n.date.toordinal(), n.id),
        )
        return Findings(tuple(found), tuple(n.id for n in singles))

    def _finding(self, rows: list[int], previous: list[int]) -> Finding:
        """The finding of a group; what its notes say is made once per group (an area that
        holds a whole finding shows the company's), how many P notes are like it each time."""
        earlier = self._heard_before(rows, previous)
        made = self._described.get(tuple(rows))
        if made is None:
            made = self._described[tuple(rows)] = self._describe(rows)
        return dataclasses.replace(made, new=earlier == 0, previous=earlier)

    def _describe(self, rows: list[int]) -> Finding:
        order = self._representative_first(rows)
        notes = [self.model.notes[r] for r in order]
        typical = order[:TYPICAL]
        return Finding(
            headline=notes[0].title,
            terms=key_terms(
                notes[:TYPICAL],
                [self.model.words[r] for r in typical],
                [self.model.vectors[r] for r in typical],
            ),
            notes=tuple(n.id for n in notes),
            customers=_distinct(c for n in notes for c in n.customers),
            sources=_distinct(n.source for n in notes),
            teams=_distinct(n.team for n in notes if n.team),
            areas=_distinct(n.area for n in notes),
            first_heard=min(n.date for n in notes),
            last_heard=max(n.date for n in notes),
            new=True,
            previous=0,
            quotes=finding_quotes(notes),
        )

    def _similarity(self, a: int, b: int) -> float:
        return self.pairs.get((min(a, b), max(a, b)), 0.0)

    def _representative_first(self, rows: list[int]) -> list[int]:
        """The rows most typical of the group first, then the newest.

        Typical is the mean similarity to the other notes plus how much of the group's words
        the title holds, so a vague title ("Notes from our call") rarely heads a finding.
        """
        notes, model = self.model.notes, self.model
        centroid: Counter[str] = Counter()
        for row in rows:
            centroid.update(model.vectors[row])

        def key(row: int) -> tuple[float, int, str]:
            mean = sum(self._similarity(row, o) for o in rows if o != row) / (len(rows) - 1)
            title = _unit(Counter(model.words[row].title), model.idf)
            norm = math.sqrt(sum(v * v for v in centroid.values())) or 1.0
            held = sum(w * centroid[t] for t, w in title.items()) / norm
            return (-round(mean + held, 9), -notes[row].date.toordinal(), notes[row].id)

        return sorted(rows, key=key)

    def _heard_before(self, rows: list[int], previous: list[int]) -> int:
        """How many notes of P are like the group: a mean cosine >= threshold with its notes.

        The mean cosine with the group is the dot product with the sum of its vectors over
        its size, so each note of P is compared once with the group, not with each note.
        """
        model, allowed = self.model, set(previous)
        total: Counter[str] = Counter()
        for row in rows:
            total.update(model.vectors[row])
        near = sorted({o for r in rows for o in model.candidates(r) if o in allowed})
        bound = self.threshold * len(rows)
        count = 0
        for other in near:
            vector = model.vectors[other]
            count += sum(w * total[t] for t, w in vector.items() if t in total) >= bound
        return count


def rank(finding: Finding) -> tuple[int, int, int, int, int, str, str]:
    """Breadth first (customers, sources, areas, notes), then the newest, then by headline."""
    return (
        -len(finding.customers),
        -len(finding.sources),
        -len(finding.areas),
        -len(finding.notes),
        -finding.last_heard.toordinal(),
        finding.headline.casefold(),
        finding.notes[0],
    )


def _distinct(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values), key=lambda v: (v.casefold(), v)))
