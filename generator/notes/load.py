"""Find, parse and validate the notes folder into a wiki: insight notes, decisions, problems.

Every problem is collected and located as path:line:col (1-based, in the file); nothing here
raises on bad input, and no file found is dropped without an error that says why. Finding the
files is `files.py`, reading one file is `parse.py` (its fields: `fields.py`, `decisions.py`);
this module reads every file and checks what only the whole wiki can tell.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import stat
from collections.abc import Callable, Collection, Sequence
from functools import partial
from pathlib import Path

from generator.config import Settings
from generator.model import Area, Decision, Note, Problem, Tag, Wiki
from generator.notes.decisions import check_evidence, front_matter_schema
from generator.notes.fields import ID, KNOWN_KEYS, REQUIRED, SLUG, slugify
from generator.notes.files import NOT_NOTES, NoteFile, find_note_files
from generator.notes.local_links import with_link_warnings
from generator.notes.parse import parse_note, problem, readable_fields, too_large, unknown_related
from generator.notes.parsecache import ParseCache
from generator.notes.tags import load_vocabulary, with_vocabulary
from generator.processes import can_fork, usable_cores
from generator.progress import Tick, no_progress

__all__ = [  # the public API; fields, files and one file's parsing live in their own modules
    "ID", "KNOWN_KEYS", "NOT_NOTES", "REQUIRED", "SLUG", "NoteFile", "check_ids", "check_related",
    "find_note_files", "front_matter_schema", "load_wiki", "parse_file", "parse_note",
    "readable_fields", "slugify", "split_entries", "wiki_of",
]  # fmt: skip


# Loading the wiki


def load_wiki(
    root: Path,
    settings: Settings,
    areas: tuple[Area, ...],
    as_of: dt.date,
    files: list[NoteFile] | None = None,
    cache: ParseCache | None = None,
    tick: Tick = no_progress,
    unchanged: Callable[[NoteFile], bool] | None = None,
) -> Wiki:
    """Parse and validate every note and decision, fold tag aliases into their tags (from the
    optional tag vocabulary), then check what only the whole wiki can tell: duplicate ids, and
    what each decision cites.

    With a `cache` (see parsecache.py), only the files it does not hold are parsed (and
    those `unchanged` says are the same as when cached are not read); `tick` hears of each
    file parsed."""
    files = find_note_files(root, settings) if files is None else files
    ids = {f.id for f in files}
    parse = partial(parse_file, settings=settings, areas=areas, as_of=as_of, ids=ids)
    if cache is None:
        parsed = _parse_files(files, parse, tick)
    else:
        read = partial(_bytes_or_none, limit=settings.max_note_bytes)
        parse_many = partial(_parse_files, parse=parse, tick=tick)
        parsed = cache.parse_all(files, read, parse_many, ids, unchanged)
    vocabulary, found = load_vocabulary(root, settings)

    def check(item: NoteFile, result: Parsed) -> Parsed:
        linked = with_link_warnings(item, result, notes_dir=settings.notes_dir)
        return with_vocabulary(linked, vocabulary)

    return wiki_of(files, parsed, areas, found, check=check, tags=vocabulary.tags)


def wiki_of(
    files: Sequence[NoteFile],
    parsed: Sequence[Parsed],
    areas: tuple[Area, ...],
    found: Sequence[Problem] = (),
    check: Callable[[NoteFile, Parsed], Parsed] | None = None,
    tags: tuple[Tag, ...] = (),
) -> Wiki:
    """The wiki of parsed files (each passed through `check`, if given) with `found` problems,
    after the checks only the whole wiki can make here: unique ids, and what each decision
    cites."""
    entries: list[Note | Decision] = []
    problems = list(found)
    for item, result in zip(files, parsed, strict=True):
        note, own = check(item, result) if check is not None else result
        problems.extend(own)
        if note is not None:
            entries.append(note)
    problems.extend(check_ids(list(files)))
    notes, decisions, cited = split_entries(entries, {item.id for item in files})
    problems.extend(cited)
    return Wiki(notes, areas, tuple(sorted(set(problems))), len(files), decisions, tags)


def split_entries(
    entries: Sequence[Note | Decision], ids: Collection[str]
) -> tuple[tuple[Note, ...], tuple[Decision, ...], list[Problem]]:
    """(the insight notes, the decisions whose evidence holds up, the problems with the rest).

    `ids` are every file's id: those that are not decisions name insights, so that a decision
    citing a note with errors is not blamed for that note's errors.
    """
    notes = tuple(e for e in entries if isinstance(e, Note))
    decisions = tuple(e for e in entries if isinstance(e, Decision))
    decided = {d.id for d in decisions}
    problems = check_evidence(decisions, set(ids) - decided, decided)
    failed = {p.path for p in problems}
    return notes, tuple(d for d in decisions if d.path not in failed), problems


PARALLEL_FROM = 2000  # notes: below this, a second process costs more than it saves
MAX_PROCESSES = 4  # beyond this, sending the notes back costs more than reading them
Parsed = tuple[Note | Decision | None, list[Problem]]


def _parse_files(
    files: list[NoteFile], parse: Callable[[NoteFile], Parsed], tick: Tick = no_progress
) -> list[Parsed]:
    """`parse` of each file, in file order; a large wiki is read on every usable core. `tick`
    hears of each file parsed (in this process, or back from another).

    Forked processes read all but the first share, so only the notes travel back, not the
    inputs. Forking is only safe from a single thread (`mkdocs serve` runs several: it reads
    alone).
    """
    cores = min(usable_cores(), MAX_PROCESSES)
    if len(files) < PARALLEL_FROM or cores < 2 or not can_fork():
        return [_ticked(parse(item), tick) for item in files]
    share = len(files) // cores
    rest = files[share:]
    with multiprocessing.get_context("fork").Pool(cores - 1) as pool:
        later = pool.imap(parse, rest, chunksize=max(1, len(rest) // (32 * (cores - 1))))
        first = [_ticked(parse(item), tick) for item in files[:share]]
        return first + [_ticked(result, tick) for result in later]


def _ticked(result: Parsed, tick: Tick) -> Parsed:
    tick(1)
    return result


def parse_file(
    item: NoteFile,
    settings: Settings,
    areas: tuple[Area, ...],
    as_of: dt.date,
    ids: Collection[str] | None = None,
) -> Parsed:
    """Read one file and validate what depends on its bytes alone (not its links)."""
    if item.problem is not None:
        return None, [item.problem]
    data = _read_bytes(item, settings.max_note_bytes)
    if isinstance(data, Problem):
        return None, [data]
    return parse_note(item.path, data, settings, areas, as_of, ids)


def _bytes_or_none(item: NoteFile, limit: int) -> bytes | None:
    """The file's bytes, or None if it has a problem."""
    if item.problem is not None:
        return None
    data = _read_bytes(item, limit)
    return None if isinstance(data, Problem) else data


def _read_bytes(item: NoteFile, limit: int) -> bytes | Problem:
    """The file's bytes (never more than limit + 1), or why they cannot be read."""
    try:
        info = item.absolute.stat()
        if not stat.S_ISREG(info.st_mode):
            return problem(item.path, "unreadable", "this is not a regular file; remove it")
        if info.st_size > limit:
            return too_large(item.path, info.st_size, limit)
        with item.absolute.open("rb") as handle:
            return handle.read(limit + 1)
    except OSError as exc:
        return problem(item.path, "unreadable", (
            f"cannot read the file ({exc.strerror}); check its permissions"))  # fmt: skip


# What only the whole wiki can tell


def check_ids(files: list[NoteFile]) -> list[Problem]:
    """A duplicate id is an error on each file that uses it, naming the others."""
    paths: dict[str, list[str]] = {}
    for item in files:
        paths.setdefault(item.id, []).append(item.path)
    problems = []
    for note_id, same in paths.items():
        for path in same if len(same) > 1 else ():
            others = ", ".join(p for p in same if p != path)
            msg = f"id '{note_id}' is also used by {others}; rename one of the files"
            problems.append(problem(path, "duplicate-id", msg))
    return problems


def check_related(notes: list[Note], ids: set[str]) -> list[Problem]:
    """Each `related:` id must name another note in the wiki (for notes parsed without ids)."""
    problems = []
    for note in notes:
        for index, other in enumerate(note.related):
            if other not in ids:
                line, col = _item_position(note, "related", index)
                msg = unknown_related(other, ids)
                problems.append(Problem(note.path, line, col, "error", "unknown-related", msg))
    return problems


def _item_position(note: Note, key: str, index: int) -> tuple[int, int]:
    names = {name for name, _, _ in note.positions}
    return note.position(f"{key}[{index}]" if f"{key}[{index}]" in names else key)
