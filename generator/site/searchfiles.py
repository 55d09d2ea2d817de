"""The files of the site search index: scores, posting lists, chunks and their directories.

generator/site/sitesearch.py reads the pages and describes the layout; this module turns what
it read into the files of that layout, and reads a posting list back (for tests and
benchmarks/sitescale.py). Every number here is one search.js relies on through meta.json.
"""

from __future__ import annotations

import hashlib
import json
import math
from array import array
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

FORMAT = 2  # meta.json's "format": search.js refuses an index it cannot read
# BM25: K1 says how soon more of a word stops counting, B how much a long page is discounted.
K1, B = 1.2, 0.75
BONUS = (0, 1, 3)  # added to a term's score in no heading, in a heading, in the title
UNIT = 32_768  # a posting's score is round((BM25's term-frequency part + bonus) * UNIT)
# A term in more pages than FULL_POSTINGS (a common word at a large site) keeps only its
# HEAD_POSTINGS best postings in its chunk; its whole list is a file of its own.
FULL_POSTINGS = 10_000
HEAD_POSTINGS = 1_000
GROUP = 64  # chunks per group: meta.json names each group's first, a group file each chunk's
DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"  # base 64
_VALUE = {char: value for value, char in enumerate(DIGITS)}
_PAIRS = [a + b for a in DIGITS for b in DIGITS]  # the two low digits of a score
T = TypeVar("T")


def norms(lengths: list[int], average: float) -> list[float]:
    """BM25's length factor of each page, given its length in words and their average."""
    return [K1 * (1 - B + B * length / (average or 1.0)) for length in lengths]


def scores(postings: list[int], norms: list[float]) -> list[tuple[int, int]]:
    """A term's (page id, score), by page id, from its postings in sitesearch.SiteIndex.

    A posting there is page_id << 16 | where << 12 | count; its score here is what search.js
    multiplies by the term's idf (BM25, with a bonus for a heading or the title).
    """
    factor = (K1 + 1) * UNIT
    bonus = [value * UNIT for value in BONUS]
    return [
        (page, round(count * factor / (count + norms[page]) + bonus[(p >> 12) & 3]))
        for p in postings
        for page, count in ((p >> 16, p & 4095),)
    ]


def encode(pairs: list[tuple[int, int]]) -> str:
    """A posting list as text: per posting, the gap from the previous page id (base 32, the
    last digit marked by adding 32) and the score in three digits (base 64)."""
    out: list[str] = []
    previous = 0
    for page, score in pairs:
        gap, previous = page - previous, page
        if gap < 32:
            out.append(DIGITS[gap + 32])
        else:
            digits = [DIGITS[gap & 31 | 32]]
            gap >>= 5
            while gap:
                digits.append(DIGITS[gap & 31])
                gap >>= 5
            out.append("".join(reversed(digits)))
        out.append(DIGITS[score >> 12] + _PAIRS[score & 4095])
    return "".join(out)


def decode(text: str) -> list[tuple[int, int]]:
    """The (page id, score) pairs of an encoded posting list."""
    pairs: list[tuple[int, int]] = []
    page = at = 0
    while at < len(text):
        gap = 0
        while (digit := _VALUE[text[at]]) < 32:
            gap, at = gap * 32 + digit, at + 1
        page += gap * 32 + digit - 32
        score = _VALUE[text[at + 1]] * 4096 + _VALUE[text[at + 2]] * 64 + _VALUE[text[at + 3]]
        pairs.append((page, score))
        at += 4
    return pairs


def head(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The HEAD_POSTINGS best postings (highest score, then lowest page id), by page id:
    the first results of a search for the term alone, in search.js's order."""
    best = sorted(pairs, key=lambda pair: (-pair[1], pair[0]))[:HEAD_POSTINGS]
    return sorted(best)


Encoded = tuple[str, str | None]  # a term's encoded postings or head, and its whole list


@dataclass
class EntryMemo:
    """Each term's encoded postings in the last index written, kept for the next build of
    the same pages: a term's are the same while its postings, and the length of each page
    in them, are (a page's length weighs its scores), and the average length is."""

    pages: str = ""  # a digest of the pages, in id order
    average: float = -1.0
    lengths: list[int] = field(default_factory=list)
    entries: dict[str, tuple[bytes, Encoded]] = field(default_factory=dict)


def term_entries(
    postings: dict[str, list[int]],
    norms: list[float],
    terms: list[str],
    memo: EntryMemo | None = None,
    moved: Collection[str] = (),
) -> tuple[list[str], list[str]]:
    """Each term's entry in its chunk, as JSON ("term":value), and the whole lists of the
    common terms: a term's value is its encoded postings, or [df, head, list number].

    With a `memo` (valid for these pages and lengths but those with the `moved` terms), a
    term whose postings are unchanged is not encoded again; the memo is updated."""
    entries: list[str] = []
    lists: list[str] = []
    kept = memo.entries if memo is not None else {}
    found: dict[str, tuple[bytes, Encoded]] = {}
    for term in terms:
        plist = postings[term]
        if memo is None:
            entry = b"", _encoded(plist, norms)
        else:
            key = hashlib.blake2b(array("Q", plist).tobytes(), digest_size=16).digest()
            entry = kept.get(term) or (b"", ("", None))
            if entry[0] != key or term in moved:
                entry = key, _encoded(plist, norms)
            found[term] = entry
        text, whole = entry[1]
        if whole is None:
            value: object = text
        else:
            value = [len(plist), text, len(lists)]
            lists.append(whole)
        entries.append(f"{dumps(term)}:{dumps(value)}")
    if memo is not None:
        memo.entries = found
    return entries, lists


def _encoded(plist: list[int], norms: list[float]) -> Encoded:
    pairs = scores(plist, norms)
    if len(pairs) <= FULL_POSTINGS:
        return encode(pairs), None
    return encode(head(pairs)), dumps(encode(pairs))


def chunks(items: list[T], limit: int, size: Callable[[T], int]) -> list[list[T]]:
    """Items in order, cut into runs of at most `limit` bytes (an item bigger alone is one run)."""
    runs: list[list[T]] = []
    filled = 0
    for item in items:
        grows = size(item)
        if not runs or (runs[-1] and filled + grows > limit):
            runs.append([])
            filled = 0
        runs[-1].append(item)
        filled += grows
    return runs


def groups(firsts: list[T]) -> Iterator[list[T]]:
    """The chunks' firsts, GROUP at a time: chunk number N is in group N // GROUP."""
    for start in range(0, len(firsts), GROUP):
        yield firsts[start : start + GROUP]


def idf(pages: int, df: int) -> float:
    """A term's weight: rarer terms weigh more (as search.js computes it)."""
    return math.log(1 + (pages - df + 0.5) / (df + 0.5))


def dumps(value: object) -> str:
    """Compact JSON, non-ASCII characters as they are."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
