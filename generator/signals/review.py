"""`insights review`: what a change to the notes adds, breaks and means for the 90-day picture.

Pure functions of two snapshots (the notes at a base and a head revision), except
`load_review`, which reads them through `generator.gitrepo`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from functools import partial
from pathlib import Path
from typing import Any, Literal

from generator.config import Settings, SettingsError
from generator.model import Area, CompanySummary, Note, Problem, Wiki
from generator.notes.areas import parse_areas
from generator.notes.files import NOT_NOTES, NoteFile, find_note_files
from generator.notes.gitrepo import Repo, diff_changes, open_repo, read_files, resolve_commit
from generator.notes.load import check_related, parse_note, readable_fields, wiki_of
from generator.notes.project import Project
from generator.signals.similar import SimilarNotes
from generator.signals.summary import summarize

Kind = Literal["added", "changed", "renamed", "removed"]
KINDS: tuple[Kind, ...] = ("added", "changed", "renamed", "removed")


@dataclass(frozen=True)
class Shown:
    """What a review shows of a note: each field that could be read, None where it could not."""

    title: str | None = None
    area: str | None = None
    date: dt.date | None = None
    source: str | None = None
    customers: tuple[str, ...] = ()

    @classmethod
    def of(cls, values: Mapping[str, Any] | Note) -> Shown:
        """The fields of a note, or of the values of a note with errors that could be read."""
        if isinstance(values, Note):
            values = {field.name: getattr(values, field.name) for field in fields(cls)}
        return cls(
            **{field.name: values[field.name] for field in fields(cls) if field.name in values}
        )


@dataclass(frozen=True)
class NoteChange:
    """One note added, changed, renamed or removed.

    `note` is None when the note has errors; `shown` is what could still be read of it, and
    None only when its front matter cannot be read at all.
    """

    kind: Kind
    path: str
    old_path: str | None = None
    note: Note | None = None
    shown: Shown | None = None


@dataclass(frozen=True)
class Duplicate:
    """A changed note (its title at `line`, `column`) that reads much like another note."""

    path: str
    line: int
    column: int
    other: str
    other_title: str
    similarity: float


Parsed = tuple[Note | None, tuple[Problem, ...], Shown | None]


@dataclass(frozen=True)
class Snapshot:
    """The notes of one revision: their bytes and parse results by path, and the wiki they make."""

    files: Mapping[str, bytes]
    parsed: Mapping[str, Parsed]
    wiki: Wiki


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


def is_note_path(path: str, notes_dir: str) -> bool:
    """Whether a file path names a note, by the rules `insights check` finds notes with."""
    folder = notes_dir.strip("/")
    if folder not in ("", ".") and not path.startswith(folder + "/"):
        return False
    inner = path[len(folder) + 1 :] if folder not in ("", ".") else path
    *dirs, name = inner.split("/")
    hidden = name.startswith(".") or any(d.startswith(("_", ".")) for d in dirs)
    return name.endswith(".md") and name.lower() not in NOT_NOTES and not hidden


def snapshot(
    files: Mapping[str, bytes],
    areas_text: str | None,
    settings: Settings,
    as_of: dt.date,
    found: Sequence[Problem] = (),
    earlier: Snapshot | None = None,
) -> Snapshot:
    """Parse and validate a revision's notes against that revision's area registry.

    Files whose bytes (and registry) are unchanged since an `earlier` snapshot are not parsed
    again: a review of one edit in 10,000 notes parses 10,001.
    """
    if areas_text is None:
        msg = "the area registry is missing; create it with 'slug: {name: ..., owner: ...}'"
        areas: tuple[Area, ...] = ()
        problems = [Problem(settings.areas_file, 1, 1, "error", "missing-registry", msg)]
    else:
        areas, problems = parse_areas(settings.areas_file, areas_text)
    reuse = earlier if earlier is not None and earlier.wiki.areas == areas else None
    parsed = {
        path: reuse.parsed[path]
        if reuse is not None and reuse.files.get(path) == data
        else parse_file(path, data, settings, areas, as_of)
        for path, data in sorted(files.items())
    }
    return Snapshot(files, parsed, wiki_from_parsed(parsed, areas, [*found, *problems]))


def parse_file(
    path: str, data: bytes, settings: Settings, areas: tuple[Area, ...], as_of: dt.date
) -> Parsed:
    """One file's note (None if it has errors), its own problems (`related:` left unchecked)
    and what a reviewer can be shown of it."""
    note, problems = parse_note(path, data, settings, areas, as_of)
    values = note or readable_fields(path, data, settings, areas, as_of)
    return note, tuple(problems), None if values is None else Shown.of(values)


def wiki_from_parsed(
    parsed: Mapping[str, Parsed], areas: tuple[Area, ...], found: Sequence[Problem] = ()
) -> Wiki:
    """The wiki of parsed files, after the checks across notes: duplicate and unknown ids."""
    items = [NoteFile(path, Path(path)) for path in sorted(parsed)]
    notes = [note for note, _, _ in parsed.values() if note is not None]
    broken_links = check_related(notes, {item.id for item in items})
    unlinked = {p.path for p in broken_links}
    results = [
        (None if note is None or note.path in unlinked else note, list(own))
        for note, own, _ in (parsed[item.path] for item in items)
    ]
    return wiki_of(items, results, areas, [*found, *broken_links])


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


def _by_path(side: Snapshot) -> dict[str, Note]:
    return {note.path: note for note in side.wiki.notes}


def _change(
    side: Snapshot, notes: dict[str, Note], kind: Kind, path: str, old_path: str | None = None
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
    changes = compare(base, head, renames)
    changed = touched(changes)
    before = summarize(base.wiki.notes, base.wiki.areas, as_of, settings)
    after = summarize(head.wiki.notes, head.wiki.areas, as_of, settings)
    return Review(
        base=labels[0],
        head=labels[1],
        as_of=as_of,
        days=after.days,
        changes=changes,
        problems=review_problems(base.wiki, head.wiki, changed),
        duplicates=near_duplicates(head.wiki, changed, settings.duplicate_threshold),
        context=wiki_context(before, after, settings) if changes else (),
    )


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


def revision_snapshot(
    repo: Repo, commit: str, settings: Settings, as_of: dt.date, earlier: Snapshot | None = None
) -> Snapshot:
    """The notes and the registry at a commit, read by two git processes."""
    files = read_files(repo, commit, [settings.notes_dir, settings.areas_file])
    notes = {p: data for p, data in files.items() if is_note_path(p, settings.notes_dir)}
    registry = files.get(settings.areas_file)
    areas_text = None if registry is None else registry.decode("utf-8", "replace")
    return snapshot(notes, areas_text, settings, as_of, earlier=earlier)


def work_tree_snapshot(
    project: Project, as_of: dt.date, earlier: Snapshot | None = None
) -> Snapshot:
    """The notes and the registry as they are on disk now."""
    files: dict[str, bytes] = {}
    found: list[Problem] = []
    for item in find_note_files(project.root, project.settings):
        if item.problem is not None:
            found.append(item.problem)
            continue
        try:
            files[item.path] = item.absolute.read_bytes()
        except OSError as exc:
            msg = f"cannot read the file ({exc.strerror}); check its permissions"
            found.append(Problem(item.path, 1, 1, "error", "unreadable", msg))
    try:
        areas_text: str | None = (project.root / project.settings.areas_file).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        areas_text = None
    return snapshot(files, areas_text, project.settings, as_of, found, earlier)
