"""Links from a note's (or a decision's) body to files: each must lead to a file the wiki
publishes."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from generator.model import Decision, Note, Problem
from generator.notes import scan
from generator.notes.files import NOTE_ATTACHMENTS, NoteFile
from generator.yamlfile import shorten

Parsed = tuple[Note | Decision | None, list[Problem]]


def with_link_warnings(item: NoteFile, parsed: Parsed, *, notes_dir: str) -> Parsed:
    """A parsed note with the warnings about its links added (in a new list)."""
    note, problems = parsed
    return note, problems + (_check_links(note, item, notes_dir) if note is not None else [])


def _check_links(note: Note | Decision, item: NoteFile, notes_dir: str) -> list[Problem]:
    """Warn of each link or image in the body that leads to no published file."""
    links = scan.local_links(note.body)
    if not links:
        return []
    root = item.absolute.parents[len(PurePosixPath(item.path).parts) - 1]
    folder = (root / notes_dir).resolve()
    problems = []
    for where, path in links:
        message = _link_problem(where.message, item.absolute.parent / path, folder)
        if message:
            line = where.line + note.body_line - 1
            problems.append(Problem(note.path, line, where.column, "warning", "broken-link",
                                    message))  # fmt: skip
    return problems


def _link_problem(link: str, target: Path, notes_dir: Path) -> str | None:
    """What is wrong with a link to `target` from a note, if anything."""
    try:
        found = target.is_file()
        inside = target.resolve().is_relative_to(notes_dir)
    except (OSError, RuntimeError):  # a name too long, a symlink loop
        found = inside = False
    if not found:
        return (f"'{shorten(link)}' leads to no file; add the file next to the note, or "
                "correct the path")  # fmt: skip
    if not inside:
        return (f"'{shorten(link)}' leads outside the notes folder, which is all the wiki "
                "publishes; move the file next to the note")  # fmt: skip
    if target.suffix.lower() not in NOTE_ATTACHMENTS | {".md"}:
        return (
            f"'{shorten(link)}' is not published: only notes, images and documents "
            f"({', '.join(sorted(NOTE_ATTACHMENTS))}) are; link to it where it lives online"
        )
    return None
