"""The notes of one revision, as `insights review` compares them: each file's parse result,
what a reviewer can be shown of it, and the wiki they make."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from generator.config import Settings
from generator.model import Area, Decision, Note, Problem, Tag, Wiki
from generator.notes.areas import parse_areas
from generator.notes.files import NOT_NOTES, NoteFile, find_note_files
from generator.notes.gitrepo import Repo, read_files
from generator.notes.load import check_related, parse_note, readable_fields, wiki_of
from generator.notes.project import Project
from generator.notes.tags import Vocabulary, parse_vocabulary, with_vocabulary


@dataclass(frozen=True)
class Shown:
    """What a review shows of a note or a decision: each field that could be read, None where
    it could not."""

    title: str | None = None
    area: str | None = None
    date: dt.date | None = None
    source: str | None = None
    customers: tuple[str, ...] = ()
    kind: str = "insight"  # or "decision"
    status: str | None = None
    owner: str | None = None
    evidence: tuple[str, ...] = ()

    @classmethod
    def of(cls, values: Mapping[str, Any] | Note | Decision) -> Shown:
        """The fields of a note or decision, or of the values of one with errors that could be
        read."""
        if isinstance(values, Note | Decision):
            kind = "decision" if isinstance(values, Decision) else "insight"
            names = (f.name for f in fields(cls) if hasattr(values, f.name))
            values = {"kind": kind, **{name: getattr(values, name) for name in names}}
        return cls(
            **{field.name: values[field.name] for field in fields(cls) if field.name in values}
        )

    @property
    def decision(self) -> bool:
        """Whether this is a decision."""
        return self.kind == "decision"


Parsed = tuple[Note | Decision | None, tuple[Problem, ...], Shown | None]


@dataclass(frozen=True)
class Snapshot:
    """The notes of one revision: their bytes and parse results by path, and the wiki they make."""

    files: Mapping[str, bytes]
    parsed: Mapping[str, Parsed]
    wiki: Wiki


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
    tags_text: str | None = None,
) -> Snapshot:
    """Parse and validate a revision's notes against that revision's area registry, with the
    aliases of its tag vocabulary (`tags_text`, if it has one) folded.

    Files whose bytes (and registry) are unchanged since an `earlier` snapshot are not parsed
    again: a review of one edit in 10,000 notes parses 10,001.
    """
    if areas_text is None:
        msg = "the area registry is missing; create it with 'slug: {name: ..., owner: ...}'"
        areas: tuple[Area, ...] = ()
        problems = [Problem(settings.areas_file, 1, 1, "error", "missing-registry", msg)]
    else:
        areas, problems = parse_areas(settings.areas_file, areas_text)
    vocabulary, tag_problems = (
        (Vocabulary(settings.tags_file), [])
        if tags_text is None
        else parse_vocabulary(settings.tags_file, tags_text)
    )
    same = earlier is not None and (earlier.wiki.areas, earlier.wiki.tags) == (
        areas,
        vocabulary.tags,
    )
    reuse = earlier if same else None
    parsed = {
        path: reuse.parsed[path]
        if reuse is not None and reuse.files.get(path) == data
        else parse_file(path, data, settings, areas, as_of, vocabulary)
        for path, data in sorted(files.items())
    }
    found = [*found, *problems, *tag_problems]
    return Snapshot(files, parsed, wiki_from_parsed(parsed, areas, found, vocabulary.tags))


def parse_file(
    path: str,
    data: bytes,
    settings: Settings,
    areas: tuple[Area, ...],
    as_of: dt.date,
    vocabulary: Vocabulary | None = None,
) -> Parsed:
    """One file's note or decision (None if it has errors), its own problems (`related:` and
    `evidence:` left unchecked, tag aliases folded) and what a reviewer can be shown of it."""
    note, problems = with_vocabulary(
        parse_note(path, data, settings, areas, as_of), vocabulary or Vocabulary()
    )
    values = note or readable_fields(path, data, settings, areas, as_of)
    return note, tuple(problems), None if values is None else Shown.of(values)


def wiki_from_parsed(
    parsed: Mapping[str, Parsed],
    areas: tuple[Area, ...],
    found: Sequence[Problem] = (),
    tags: tuple[Tag, ...] = (),
) -> Wiki:
    """The wiki of parsed files, after the checks across files: duplicate ids, unknown
    `related:` ids, and what each decision cites."""
    items = [NoteFile(path, Path(path)) for path in sorted(parsed)]
    notes = [note for note, _, _ in parsed.values() if isinstance(note, Note)]
    broken_links = check_related(notes, {item.id for item in items})
    unlinked = {p.path for p in broken_links}
    results = [
        (None if note is None or note.path in unlinked else note, list(own))
        for note, own, _ in (parsed[item.path] for item in items)
    ]
    return wiki_of(items, results, areas, [*found, *broken_links], tags=tags)


def revision_snapshot(
    repo: Repo, commit: str, settings: Settings, as_of: dt.date, earlier: Snapshot | None = None
) -> Snapshot:
    """The notes and the registry at a commit, read by two git processes."""
    wanted = [settings.notes_dir, settings.areas_file, settings.tags_file]
    files = read_files(repo, commit, wanted)
    notes = {p: data for p, data in files.items() if is_note_path(p, settings.notes_dir)}
    registry, vocabulary = files.get(settings.areas_file), files.get(settings.tags_file)
    areas_text = None if registry is None else registry.decode("utf-8", "replace")
    tags_text = None if vocabulary is None else vocabulary.decode("utf-8", "replace")
    return snapshot(notes, areas_text, settings, as_of, earlier=earlier, tags_text=tags_text)


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
    try:
        tags_text: str | None = (project.root / project.settings.tags_file).read_text("utf-8")
    except (OSError, UnicodeDecodeError):  # none, or one `insights check` reports
        tags_text = None
    return snapshot(files, areas_text, project.settings, as_of, found, earlier, tags_text)
