"""`insights review`: what a change to the notes adds, breaks and means for the 90-day picture.

Pure functions of two snapshots (the notes at a base and a head revision), except
`load_review`, which reads them through `generator.gitrepo`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Literal

from generator.config import Settings, SettingsError
from generator.model import CompanySummary, Decision, EvidenceStrength, Note, Problem, Wiki
from generator.notes.gitrepo import Repo, diff_changes, open_repo, resolve_commit
from generator.notes.project import Project
from generator.signals.decisions import is_open, summarize_decision
from generator.signals.similar import SimilarNotes
from generator.signals.snapshots import (
    Shown,
    Snapshot,
    is_note_path,
    revision_snapshot,
    work_tree_snapshot,
)
from generator.signals.summary import Windows, summarize

__all__ = [  # snapshots of a revision live in snapshots.py
    "KINDS", "Duplicate", "NoteChange", "Review", "Shown", "Snapshot", "is_note_path",
    "load_review", "make_review",
]  # fmt: skip

Kind = Literal["added", "changed", "renamed", "removed"]
KINDS: tuple[Kind, ...] = ("added", "changed", "renamed", "removed")
NO_EVIDENCE = "no customer evidence: cite the insights behind it in `evidence:`"


@dataclass(frozen=True)
class NoteChange:
    """One note (or decision) added, changed, renamed or removed.

    `note` is None when the note has errors; `shown` is what could still be read of it, and
    None only when its front matter cannot be read at all. A decision that is not removed
    has its evidence strength, as the head revision's notes make it.
    """

    kind: Kind
    path: str
    old_path: str | None = None
    note: Note | Decision | None = None
    shown: Shown | None = None
    strength: EvidenceStrength | None = None

    @property
    def decision(self) -> bool:
        """Whether the file changed is a decision."""
        return self.shown is not None and self.shown.decision


@dataclass(frozen=True)
class Duplicate:
    """A changed note (its title at `line`, `column`) that reads much like another note."""

    path: str
    line: int
    column: int
    other: str
    other_title: str
    similarity: float


@dataclass(frozen=True)
class Review:
    """Everything `insights review` reports."""

    base: str
    head: str
    as_of: dt.date
    days: int
    changes: tuple[NoteChange, ...]
    problems: tuple[Problem, ...]
    duplicates: tuple[Duplicate, ...] = ()
    context: tuple[str, ...] = ()

    @property
    def errors(self) -> int:
        """How many reported problems are errors."""
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        """How many reported problems are warnings, near-duplicates included."""
        return len(self.problems) - self.errors + len(self.duplicates)

    @property
    def counts(self) -> dict[str, int]:
        """How many notes of each kind of change, in the order added, changed, renamed, removed."""
        tally = Counter(c.kind for c in self.changes)
        return {kind: tally[kind] for kind in KINDS}

    @property
    def note_changes(self) -> tuple[NoteChange, ...]:
        """The changes to insight notes (and to files that cannot be read)."""
        return tuple(c for c in self.changes if not c.decision)

    @property
    def decision_changes(self) -> tuple[NoteChange, ...]:
        """The changes to decisions."""
        return tuple(c for c in self.changes if c.decision)


def compare(base: Snapshot, head: Snapshot, renames: Mapping[str, str]) -> tuple[NoteChange, ...]:
    """The notes added, changed, renamed and removed; `renames` maps new paths to old ones."""
    renames = {new: old for new, old in renames.items() if new in head.files and old in base.files}
    moved_away = set(renames.values())
    new, old = partial(_change, head, _by_path(head)), partial(_change, base, _by_path(base))
    changes = []
    for path in sorted(head.files.keys() | base.files.keys()):
        if path in renames:
            changes.append(new("renamed", path, renames[path]))
        elif path in moved_away and path not in head.files:
            continue
        elif path not in base.files:
            changes.append(new("added", path))
        elif path not in head.files:
            changes.append(old("removed", path))
        elif _normalized(base.files[path]) != _normalized(head.files[path]):
            changes.append(new("changed", path))
    return tuple(sorted(changes, key=lambda c: (KINDS.index(c.kind), c.path)))


def _by_path(side: Snapshot) -> dict[str, Note | Decision]:
    found: dict[str, Note | Decision] = {note.path: note for note in side.wiki.notes}
    found.update((decision.path, decision) for decision in side.wiki.decisions)
    return found


def _change(
    side: Snapshot,
    notes: dict[str, Note | Decision],
    kind: Kind,
    path: str,
    old_path: str | None = None,
) -> NoteChange:
    """A change with the note as the snapshot's wiki has it (None if it has errors there)."""
    shown = side.parsed[path][2] if path in side.parsed else None
    return NoteChange(kind, path, old_path, notes.get(path), shown)


def _normalized(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n")


def touched(changes: Sequence[NoteChange]) -> set[str]:
    """The head paths of the notes a change adds, edits or renames."""
    return {c.path for c in changes if c.kind != "removed"}


def review_problems(base: Wiki, head: Wiki, changed: set[str]) -> tuple[Problem, ...]:
    """Problems in changed notes, and problems the change causes elsewhere (a broken link)."""
    before = set(base.problems)
    return tuple(p for p in head.problems if p.path in changed or p not in before)


def near_duplicates(wiki: Wiki, changed: set[str], threshold: float) -> tuple[Duplicate, ...]:
    """Changed notes that read much like another note, unless `related:` already links them."""
    if not changed:
        return ()
    by_path = {note.path: note for note in wiki.notes}
    found = []
    for pair in SimilarNotes(wiki.notes).near_duplicates(threshold, changed):
        first, second = by_path[pair.first], by_path[pair.second]
        if first.id in second.related or second.id in first.related:
            continue
        note, other = (first, second) if first.path in changed else (second, first)
        line, column = note.position("title")
        found.append(Duplicate(note.path, line, column, other.path, other.title, pair.similarity))
    return tuple(found)


def wiki_context(
    before: CompanySummary, after: CompanySummary, settings: Settings
) -> tuple[str, ...]:
    """What the change does to the summaries, in words: contacts, dark areas, themes."""
    return (
        *_contacts(before, after, settings),
        *_revived(before, after),
        *_new_themes(before, after),
        *_echo_chambers(before, after),
        *_cross_area(before, after),
    )


def _contacts(before: CompanySummary, after: CompanySummary, settings: Settings) -> list[str]:
    counts = {c.customer: c.insights for c in before.over_contacted}
    return [
        f"{c.customer} is now in {c.insights} insights in the last {after.days} days "
        f"(over the limit of {settings.contact_limit})"
        for c in after.over_contacted
        if c.insights > counts.get(c.customer, 0)
    ]


def _revived(before: CompanySummary, after: CompanySummary) -> list[str]:
    was = {s.area.slug: s for s in before.areas}
    lines = []
    for area in after.areas:
        old = was.get(area.area.slug)
        if old is None or not old.going_dark or area.going_dark:
            continue
        if old.last_heard is None or area.last_heard is None:
            lines.append(f"first {area.area.slug} insight: the area had none, so it was dark")
        else:
            gap = (area.last_heard - old.last_heard).days
            lines.append(f"first {area.area.slug} insight in {gap} days: "
                         "the area was going dark")  # fmt: skip
    return lines


def _new_themes(before: CompanySummary, after: CompanySummary) -> list[str]:
    trends = {(s.area.slug, t.tag): t.trend for s in before.areas for t in s.themes}
    lines = []
    for area in after.areas:
        for theme in area.themes:
            old = trends.get((area.area.slug, theme.tag))
            if theme.trend in ("emerging", "rising") and old != theme.trend:
                article = "an" if theme.trend == "emerging" else "a"
                lines.append(f"tag {theme.tag} becomes {article} {theme.trend} theme "
                             f"in {area.area.slug}")  # fmt: skip
    return lines


def _echo_chambers(before: CompanySummary, after: CompanySummary) -> list[str]:
    lines = []
    for area in after.areas:
        if area.echo_chamber and area.area.slug not in before.echo_chambers:
            why = " ".join(f.why for f in area.flags if f.name == "echo_chamber")
            lines.append(f"{area.area.slug} becomes an echo chamber: {why}".strip(": "))
    return lines


def _cross_area(before: CompanySummary, after: CompanySummary) -> list[str]:
    known = {t.tag for t in before.cross_area_themes}
    return [
        f"tag {t.tag} is now heard in {len(t.areas)} areas: {', '.join(t.areas)}"
        for t in after.cross_area_themes
        if t.tag not in known
    ]


def make_review(
    labels: tuple[str, str],
    base: Snapshot,
    head: Snapshot,
    renames: Mapping[str, str],
    as_of: dt.date,
    settings: Settings,
) -> Review:
    """The review of the change from `base` to `head` as of a day."""
    changes = with_strength(compare(base, head, renames), head.wiki, as_of, settings)
    changed = touched(changes)
    problems = (*review_problems(base.wiki, head.wiki, changed), *unheard(changes, settings))
    before = summarize(base.wiki.notes, base.wiki.areas, as_of, settings)
    after = summarize(head.wiki.notes, head.wiki.areas, as_of, settings)
    return Review(
        base=labels[0],
        head=labels[1],
        as_of=as_of,
        days=after.days,
        changes=changes,
        problems=tuple(sorted(problems)),
        duplicates=near_duplicates(head.wiki, changed, settings.duplicate_threshold),
        context=wiki_context(before, after, settings) if changes else (),
    )


def with_strength(
    changes: Sequence[NoteChange], wiki: Wiki, as_of: dt.date, settings: Settings
) -> tuple[NoteChange, ...]:
    """The changes, each decision not removed with its evidence strength in the head wiki."""
    notes = {n.id: n for n in wiki.notes}
    start = Windows(as_of, settings.window_days).start
    return tuple(
        replace(c, strength=summarize_decision(c.note, notes, start, as_of, settings).strength)
        if isinstance(c.note, Decision) and c.kind != "removed"
        else c
        for c in changes
    )


def unheard(changes: Sequence[NoteChange], settings: Settings) -> list[Problem]:
    """A warning on each new open decision that cites no insight."""
    problems = []
    for change in changes:
        decision = change.note
        if change.kind != "added" or not isinstance(decision, Decision) or decision.evidence:
            continue
        if is_open(decision, settings):
            written = {name for name, _, _ in decision.positions}
            line, column = decision.position("evidence" if "evidence" in written else "title")
            problems.append(
                Problem(decision.path, line, column, "warning", "no-evidence", NO_EVIDENCE)
            )
    return problems


# --- Reading the two revisions -------------------------------------------------------------


def load_review(
    project: Project, base_ref: str, head_ref: str | None, as_of: dt.date
) -> tuple[Review, Repo]:
    """Review the notes between two revisions of the project's repository (head: work tree)."""
    repo = open_repo(project.root)
    base_commit = resolve_commit(repo, base_ref)
    head_commit = None if head_ref is None else resolve_commit(repo, head_ref)
    settings = project.settings
    base = revision_snapshot(repo, base_commit, settings, as_of)
    if head_commit is None:
        head = work_tree_snapshot(project, as_of, base)
    else:
        head = revision_snapshot(repo, head_commit, settings, as_of, base)
    diff = diff_changes(repo, base_commit, head_commit, settings.notes_dir)
    renames = {c.path: c.old for c in diff if c.status == "R" and c.old is not None}
    labels = (base_ref, head_ref or "the working tree")
    try:
        return make_review(labels, base, head, renames, as_of, settings), repo
    except ValueError as exc:  # a window of 0 days: the config is wrong
        raise SettingsError(f"insights: {exc}") from None
