"""Corpora with a known answer for findings: planted groups, one-off distractors, scores.

Each `tests/fixtures/findings/*.yml` holds notes, the planted `groups` (ids of W notes that
report one thing) and `previous_of` (P notes about a planted group, which make it continuing).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.model import Finding, Note

FOLDER = Path(__file__).parent / "fixtures" / "findings"


@dataclass(frozen=True)
class Corpus:
    """Notes and the answer: which W notes belong together, and which groups P heard."""

    name: str
    as_of: dt.date
    notes: tuple[Note, ...]
    groups: dict[str, frozenset[str]]
    previous_of: dict[str, frozenset[str]]


def load(path: Path) -> Corpus:
    """A corpus file as Notes and its answer."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    notes = tuple(_note(item) for item in raw["notes"])
    return Corpus(
        path.stem,
        raw["as_of"],
        notes,
        {k: frozenset(v) for k, v in raw["groups"].items()},
        {k: frozenset(v) for k, v in (raw.get("previous_of") or {}).items()},
    )


def _note(item: dict[str, Any]) -> Note:
    return Note(
        id=item["id"],
        path=f"insights/{item['area']}/{item['id']}.md",
        title=str(item["title"]),
        date=item["date"],
        area=item["area"],
        source=item.get("source", "interview"),
        customers=tuple(item.get("customers") or ()),
        tags=tuple(item.get("tags") or ()),
        body=str(item.get("body") or ""),
    )


def corpora() -> list[Path]:
    """Every corpus file."""
    return sorted(FOLDER.glob("*.yml"))


@dataclass(frozen=True)
class Score:
    """How well findings match the planted groups."""

    precision: float  # of the note pairs put in one finding, the share planted together
    recall: float  # of the planted pairs, the share put in one finding
    recovered: int  # planted groups most of whose notes share a finding that is mostly theirs
    planted: int
    spurious: int  # findings with no planted group in their majority
    continuing_right: int  # recovered groups whose new/continuing verdict matches the answer


def score(corpus: Corpus, findings: tuple[Finding, ...]) -> Score:
    """Compare findings with the corpus's answer."""
    found = [set(f.notes) for f in findings]
    together = {p for f in found for p in _pairs(f)}
    planted = {p for g in corpus.groups.values() for p in _pairs(g)}
    group_of = {i: name for name, g in corpus.groups.items() for i in g}
    recovered, right = 0, 0
    for name, members in corpus.groups.items():
        best = max(findings, key=lambda f: len(members & set(f.notes)), default=None)
        if best is None:
            continue
        overlap = len(members & set(best.notes))
        if overlap >= max(2, -(-len(members) * 6 // 10)) and overlap >= 0.6 * len(best.notes):
            recovered += 1
            right += best.new == (name not in corpus.previous_of)
    spurious = sum(1 for f in found if not _majority(f, group_of))
    return Score(
        precision=len(together & planted) / len(together) if together else 1.0,
        recall=len(together & planted) / len(planted) if planted else 1.0,
        recovered=recovered,
        planted=len(corpus.groups),
        spurious=spurious,
        continuing_right=right,
    )


def _pairs(ids: frozenset[str] | set[str]) -> set[tuple[str, str]]:
    return set(itertools.combinations(sorted(ids), 2))


def _majority(ids: set[str], group_of: dict[str, str]) -> bool:
    names = [group_of[i] for i in ids if i in group_of]
    return bool(names) and max(names.count(n) for n in set(names)) * 2 > len(ids)
