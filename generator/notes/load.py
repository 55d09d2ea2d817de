"""Find, parse and validate insight notes into (notes, problems).

Every problem is collected and located as path:line:col (1-based, in the file); nothing here
raises on bad input, and no file found is dropped without an error that says why. Finding the
files is `notefiles.py`, checking each front-matter field is `fields.py`, and YAML is
`yamlfile.py`; this module reads a note end to end and checks what only the whole wiki can tell.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import re
import stat
from collections.abc import Callable, Collection, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from generator.config import Settings
from generator.model import Area, Note, Problem, Wiki
from generator.notes import scan
from generator.notes.fields import (
    FRONT_MATTER_LINE,
    ID,
    KNOWN_KEYS,
    REQUIRED,
    SLUG,
    Collector,
    FieldChecker,
    did_you_mean,
    front_matter_schema,
    kind,
    slugify,
)
from generator.notes.files import NOT_NOTES, NoteFile, find_note_files
from generator.notes.local_links import with_link_warnings
from generator.processes import can_fork, usable_cores
from generator.yamlfile import Located, YamlError, load_located_mapping, shorten

__all__ = [  # the public API; fields and files live in their own modules
    "ID", "KNOWN_KEYS", "NOT_NOTES", "REQUIRED", "SLUG", "NoteFile", "check_ids", "check_related",
    "find_note_files", "front_matter_schema", "load_wiki", "parse_file", "parse_note",
    "readable_fields", "slugify", "wiki_of",
]  # fmt: skip
_FENCE = re.compile(r"^(---|\.\.\.)\s*$")


# Loading the wiki


def load_wiki(
    root: Path,
    settings: Settings,
    areas: tuple[Area, ...],
    as_of: dt.date,
    files: list[NoteFile] | None = None,
) -> Wiki:
    """Parse and validate every note, then check what only the whole wiki can tell."""
    files = find_note_files(root, settings) if files is None else files
    ids = {f.id for f in files}
    parse = partial(parse_file, settings=settings, areas=areas, as_of=as_of, ids=ids)
    parsed = _parse_files(files, parse)
    links = partial(with_link_warnings, notes_dir=settings.notes_dir)
    return wiki_of(files, parsed, areas, check=links)


def wiki_of(
    files: Sequence[NoteFile],
    parsed: Sequence[Parsed],
    areas: tuple[Area, ...],
    found: Sequence[Problem] = (),
    check: Callable[[NoteFile, Parsed], Parsed] | None = None,
) -> Wiki:
    """The wiki of parsed files (each passed through `check`, if given) with `found` problems,
    after the check only the whole wiki can make here: unique ids."""
    notes: list[Note] = []
    problems = list(found)
    for item, result in zip(files, parsed, strict=True):
        note, own = check(item, result) if check is not None else result
        problems.extend(own)
        if note is not None:
            notes.append(note)
    problems.extend(check_ids(list(files)))
    return Wiki(tuple(notes), areas, tuple(sorted(set(problems))), checked=len(files))


PARALLEL_FROM = 2000  # notes: below this, a second process costs more than it saves
MAX_PROCESSES = 4  # beyond this, sending the notes back costs more than reading them
Parsed = tuple[Note | None, list[Problem]]


def _parse_files(files: list[NoteFile], parse: Callable[[NoteFile], Parsed]) -> list[Parsed]:
    """`parse` of each file, in file order; a large wiki is read on every usable core.

    Forked processes read all but the first share, so only the notes travel back, not the
    inputs. Forking is only safe from a single thread (`mkdocs serve` runs several: it reads
    alone).
    """
    cores = min(usable_cores(), MAX_PROCESSES)
    if len(files) < PARALLEL_FROM or cores < 2 or not can_fork():
        return [parse(item) for item in files]
    share = len(files) // cores
    rest = files[share:]
    with multiprocessing.get_context("fork").Pool(cores - 1) as pool:
        later = pool.map_async(parse, rest, chunksize=max(1, len(rest) // (8 * (cores - 1))))
        first = [parse(item) for item in files[:share]]
        return first + later.get()


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


def _read_bytes(item: NoteFile, limit: int) -> bytes | Problem:
    """The file's bytes (never more than limit + 1), or why they cannot be read."""
    try:
        info = item.absolute.stat()
        if not stat.S_ISREG(info.st_mode):
            return _problem(item.path, "unreadable", "this is not a regular file; remove it")
        if info.st_size > limit:
            return _too_large(item.path, info.st_size, limit)
        with item.absolute.open("rb") as handle:
            return handle.read(limit + 1)
    except OSError as exc:
        return _problem(item.path, "unreadable", (
            f"cannot read the file ({exc.strerror}); check its permissions"))  # fmt: skip


def _problem(path: str, code: str, message: str) -> Problem:
    return Problem(path, 1, 1, "error", code, message)


def _too_large(path: str, size: int, limit: int) -> Problem:
    return _problem(path, "too-large", (
        f"the file is {size:,} bytes, over the limit of {limit:,} (max_note_bytes); "
        "shorten it, or split it into one note per finding"))  # fmt: skip


# Parsing one note


def parse_note(
    path: str,
    data: bytes,
    settings: Settings,
    areas: tuple[Area, ...],
    as_of: dt.date,
    ids: Collection[str] | None = None,
) -> tuple[Note | None, list[Problem]]:
    """Validate one note's bytes; a note comes back only if it has no errors.

    With `ids` (every note id in the wiki), `related:` ids are checked too.
    """
    out = Collector(path)
    checked = _check_note(path, data, settings, areas, as_of, ids, out)
    if checked is None or out.failed:
        return None, sorted(out.problems)
    values, body, body_line, positions = checked
    note = Note(
        id=Path(path).name.removesuffix(".md"),
        path=path,
        body=body,
        body_line=body_line,
        content_hash=hashlib.sha256(data).hexdigest(),
        positions=positions,
        **values,
    )
    return note, sorted(out.problems)


def readable_fields(
    path: str, data: bytes, settings: Settings, areas: tuple[Area, ...], as_of: dt.date
) -> dict[str, Any] | None:
    """The front-matter values of a note that pass their own checks, whatever else is wrong
    with it (what a reviewer can be shown of a note with errors); None if its front matter
    cannot be read at all."""
    checked = _check_note(path, data, settings, areas, as_of, None, Collector(path))
    return None if checked is None else checked[0]


Checked = tuple[dict[str, Any], str, int, tuple[tuple[str, int, int], ...]]


def _check_note(
    path: str,
    data: bytes,
    settings: Settings,
    areas: tuple[Area, ...],
    as_of: dt.date,
    ids: Collection[str] | None,
    out: Collector,
) -> Checked | None:
    """(the values that passed, the body, its first line, where each field is), with every
    problem collected in `out`; None if the front matter cannot be read."""
    _check_id(path, out)
    if len(data) > settings.max_note_bytes:
        out.problems.append(_too_large(path, len(data), settings.max_note_bytes))
        return None
    parts = _front_matter(data, out)
    if parts is None:
        return None
    fields, body, body_line = parts
    checker = FieldChecker(out, settings, areas, as_of)
    values = checker.check(fields)
    _check_body(body, body_line, out, settings.allowed_contacts)
    if ids is not None:
        _check_related_items(fields.get("related"), ids, out)
    return values, body, body_line, tuple(checker.positions)


def _front_matter(data: bytes, out: Collector) -> tuple[dict[str, Located], str, int] | None:
    """(fields, body, the body's first line), or None with the problem collected."""
    text = _decode(data, out)
    if text is None:
        return None
    split = _split_front_matter(text, out)
    if split is None:
        return None
    yaml_text, body, body_line = split
    fields = _parse_yaml(yaml_text, out)
    return None if fields is None else (fields, body, body_line)


def _decode(data: bytes, out: Collector) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        out.add(1, 1, "not-utf8", "the file is UTF-16; re-save it as UTF-8")
        return None
    if b"\x00" in data[:8192]:
        out.add(1, 1, "binary-file", "this is a binary file, not a Markdown note; remove it")
        return None
    try:
        return _normalize(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        before = _normalize(data[: exc.start].decode("utf-8", "replace")).split("\n")
        out.add(len(before), len(before[-1]) + 1, "not-utf8", (
            "the file is not UTF-8 (this character is in another encoding); "
            "re-save the file with UTF-8 encoding"))  # fmt: skip
        return None


def _normalize(text: str) -> str:
    """Without a byte-order mark, and with every line ending as '\\n'."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _split_front_matter(text: str, out: Collector) -> tuple[str, str, int] | None:
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        out.add(1, 1, "no-front-matter", _no_front_matter(lines))
        return None
    for number, line in enumerate(lines[1:], start=1):
        if _FENCE.match(line):
            return "\n".join(lines[1:number]), "\n".join(lines[number + 1 :]), number + 2
    out.add(1, 1, "unclosed-front-matter", "the front matter opened here is never closed; "
            "add a '---' line after the last field")  # fmt: skip
    return None


def _no_front_matter(lines: list[str]) -> str:
    later = next((i for i, line in enumerate(lines[:20]) if line.rstrip() == "---"), None)
    if later:
        return f"the note must start with its '---' line; delete what comes before line {later + 1}"
    return (
        "the note must start with a '---' line, then its front matter "
        "(title, date, area, source), then another '---' line"
    )


def _parse_yaml(yaml_text: str, out: Collector) -> dict[str, Located] | None:
    try:
        fields = load_located_mapping(yaml_text)
    except YamlError as err:
        out.add(err.line + FRONT_MATTER_LINE, err.column + 1, err.code, err.message)
        return None
    if fields is None:
        return {}
    if isinstance(fields, Located):
        out.at(fields, "not-a-mapping", f"the front matter is {kind(fields.value)}, "
               "not fields; write one 'key: value' per line, like 'title: ...'")  # fmt: skip
        return None
    return fields


def _check_id(path: str, out: Collector) -> None:
    note_id = Path(path).name.removesuffix(".md")
    if not ID.match(note_id):
        out.add(1, 1, "bad-id", f"the file name '{shorten(note_id)}' is not a valid id "
                f"(lowercase a-z, 0-9 and '-'); rename it to '{slugify(note_id)}.md'")  # fmt: skip


def _check_body(body: str, body_line: int, out: Collector, allowed: tuple[str, ...]) -> None:
    if not body.strip():
        out.add(body_line - 1, 1, "empty-body", "the note has nothing after its front matter; "
                "say what was heard, the evidence and what it means", "warning")  # fmt: skip
        return
    for finding in scan.unsafe_markup(body):
        out.add(finding.line + body_line - 1, finding.column, "unsafe-markup", finding.message)
    for finding in scan.personal_data(body, allowed):
        out.add(finding.line + body_line - 1, finding.column, "personal-data", finding.message)


# What only the whole wiki can tell


def _check_related_items(loc: Located | None, ids: Collection[str], out: Collector) -> None:
    for item in loc.items if loc is not None else ():
        if item.text and ID.match(item.text) and item.text not in ids:
            out.at(item, "unknown-related", _unknown_related(item.text, ids))


def _unknown_related(other: str, ids: Collection[str]) -> str:
    return (
        f"related note '{other}' does not exist{did_you_mean(other, ids)}; "
        "use the file name of another note, without .md"
    )


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
            problems.append(_problem(path, "duplicate-id", msg))
    return problems


def check_related(notes: list[Note], ids: set[str]) -> list[Problem]:
    """Each `related:` id must name another note in the wiki (for notes parsed without ids)."""
    problems = []
    for note in notes:
        for index, other in enumerate(note.related):
            if other not in ids:
                line, col = _item_position(note, "related", index)
                msg = _unknown_related(other, ids)
                problems.append(Problem(note.path, line, col, "error", "unknown-related", msg))
    return problems


def _item_position(note: Note, key: str, index: int) -> tuple[int, int]:
    names = {name for name, _, _ in note.positions}
    return note.position(f"{key}[{index}]" if f"{key}[{index}]" in names else key)
