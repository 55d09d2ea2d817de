"""Find, parse and validate insight notes into (notes, problems).

Every problem is collected and located as path:line:col; nothing here raises on bad input,
and no note is dropped without a problem that says why.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import scan
from generator.model import Area, Note, Problem, Severity, Wiki
from generator.settings import Settings, parse_date
from generator.yamlfile import Located, YamlError, load_located_mapping

REQUIRED = ("title", "date", "area", "source")
LIST_FIELDS = ("customers", "tags", "related")
TEXT_FIELDS = ("team", "author", "confidence")
KNOWN_KEYS = (*REQUIRED, *LIST_FIELDS, *TEXT_FIELDS)
NOT_NOTES = {"index.md", "readme.md"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FENCE = re.compile(r"^(---|\.\.\.)\s*$")


@dataclass(frozen=True)
class NoteFile:
    """A file found under the notes folder: its POSIX path and the problem with it, if any."""

    path: str
    absolute: Path
    problem: Problem | None = None

    @property
    def id(self) -> str:
        """The note's id: its file name without `.md`."""
        return Path(self.path).name[: -len(".md")]


class _Collector:
    """Problems for one file, located by 0-based offsets into the text."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(self, line: int, col: int, code: str, msg: str, sev: Severity = "error") -> None:
        self.problems.append(Problem(self.path, line, col, sev, code, msg))

    def at(self, loc: Located, offset: int, code: str, msg: str, sev: Severity = "error") -> None:
        self.add(loc.line + offset + 1, loc.column + 1, code, msg, sev)


def find_note_files(root: Path, settings: Settings) -> list[NoteFile]:
    """Every Markdown note under the notes folder, in path order, with symlink problems noted."""
    base = root / settings.notes_dir
    real_root = root.resolve()
    found: list[NoteFile] = []
    seen_dirs: set[Path] = set()
    for folder, dirs, files in os.walk(base, followlinks=True):
        here = Path(folder)
        real = here.resolve()
        if real in seen_dirs or not real.is_relative_to(real_root):
            dirs[:] = []
            continue
        seen_dirs.add(real)
        dirs[:] = sorted(d for d in dirs if not d.startswith(("_", ".")))
        for name in sorted(files):
            if name.endswith(".md") and name.lower() not in NOT_NOTES:
                found.append(_note_file(root, real_root, here / name))
        found.extend(_outside_dirs(root, real_root, here, dirs))
    return sorted(found, key=lambda f: f.path)


def _outside_dirs(root: Path, real_root: Path, here: Path, dirs: list[str]) -> list[NoteFile]:
    outside = [d for d in dirs if not (here / d).resolve().is_relative_to(real_root)]
    for name in outside:
        dirs.remove(name)
    return [
        NoteFile(
            rel := (here / name).relative_to(root).as_posix(),
            here / name,
            Problem(rel, 1, 1, "error", "symlink-outside",
                    "this folder is a symbolic link to outside the repository; "
                    "move the notes into the repository"),
        )
        for name in outside
    ]  # fmt: skip


def _note_file(root: Path, real_root: Path, path: Path) -> NoteFile:
    rel = path.relative_to(root).as_posix()
    if path.is_symlink() and not path.resolve().is_relative_to(real_root):
        msg = "this note is a symbolic link to outside the repository; copy the note in instead"
        return NoteFile(rel, path, Problem(rel, 1, 1, "error", "symlink-outside", msg))
    return NoteFile(rel, path)


def load_wiki(
    root: Path,
    settings: Settings,
    areas: tuple[Area, ...],
    as_of: dt.date,
    files: list[NoteFile] | None = None,
) -> Wiki:
    """Parse and validate every note, then check what only the whole wiki can tell."""
    files = find_note_files(root, settings) if files is None else files
    notes: list[Note] = []
    problems: list[Problem] = []
    for item in files:
        note, found = read_note(item, settings, areas, as_of)
        problems.extend(found)
        if note is not None:
            notes.append(note)
    problems.extend(check_ids(files))
    problems.extend(check_related(notes, {f.id for f in files}))
    return Wiki(tuple(notes), areas, tuple(sorted(set(problems))), checked=len(files))


def read_note(
    item: NoteFile, settings: Settings, areas: tuple[Area, ...], as_of: dt.date
) -> tuple[Note | None, list[Problem]]:
    """Read one file from disk and validate it; a note comes back only if it has no errors."""
    if item.problem is not None:
        return None, [item.problem]
    try:
        size = item.absolute.stat().st_size
        if size > settings.max_note_bytes:
            msg = (
                f"the file is {size:,} bytes, over the limit of {settings.max_note_bytes:,}; "
                "split it, or move attachments out of the note"
            )
            return None, [Problem(item.path, 1, 1, "error", "too-large", msg)]
        data = item.absolute.read_bytes()
    except OSError as exc:
        msg = f"cannot read the file ({exc.strerror}); check its permissions"
        return None, [Problem(item.path, 1, 1, "error", "unreadable", msg)]
    return parse_note(item.path, data, settings, areas, as_of)


def parse_note(
    path: str, data: bytes, settings: Settings, areas: tuple[Area, ...], as_of: dt.date
) -> tuple[Note | None, list[Problem]]:
    """Validate one note's bytes; a note comes back only if it has no errors."""
    out = _Collector(path)
    text = _decode(data, out)
    if text is None:
        return None, out.problems
    split = _split_front_matter(text, out)
    if split is None:
        return None, out.problems
    yaml_text, body, body_line = split
    fields = _parse_yaml(yaml_text, out)
    if fields is None:
        return None, out.problems
    values = _check_fields(fields, out, settings, areas, as_of)
    values["positions"] = tuple((k, loc.line + 2, loc.column + 1) for k, loc in fields.items())
    _check_id(path, out)
    _check_body(body, body_line, out)
    if any(p.severity == "error" for p in out.problems):
        return None, out.problems
    note = Note(
        id=Path(path).name[:-3],
        path=path,
        body=body,
        body_line=body_line,
        content_hash=hashlib.sha256(data).hexdigest(),
        **values,
    )
    return note, out.problems


def _decode(data: bytes, out: _Collector) -> str | None:
    if b"\x00" in data[:8192]:
        out.add(1, 1, "binary-file", "this is a binary file, not a Markdown note; remove it")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        out.add(line, col, "not-utf8", "the file is not UTF-8; re-save it with UTF-8 encoding")
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _split_front_matter(text: str, out: _Collector) -> tuple[str, str, int] | None:
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        out.add(
            1, 1, "no-front-matter",
            "the note must start with a '---' line, then its front matter "
            "(title, date, area, source), then another '---' line",
        )  # fmt: skip
        return None
    for number, line in enumerate(lines[1:], start=1):
        if _FENCE.match(line):
            return "\n".join(lines[1:number]), "\n".join(lines[number + 1 :]), number + 2
    out.add(1, 1, "unclosed-front-matter", "the front matter opened here is never closed; "
            "add a '---' line after the last field")  # fmt: skip
    return None


def _parse_yaml(yaml_text: str, out: _Collector) -> dict[str, Located] | None:
    try:
        fields = load_located_mapping(yaml_text)
    except YamlError as err:
        out.add(err.line + 2, err.column + 1, err.code, err.message)
        return None
    if fields is None:
        return {}
    if isinstance(fields, Located):
        kind = type(fields.value).__name__
        out.at(fields, 1, "not-a-mapping", f"the front matter is a {kind}, not fields; "
               "write one 'key: value' per line")  # fmt: skip
        return None
    return fields


def _check_fields(
    fields: dict[str, Located],
    out: _Collector,
    settings: Settings,
    areas: tuple[Area, ...],
    as_of: dt.date,
) -> dict[str, Any]:
    values: dict[str, Any] = {"confidence": settings.default_confidence}
    for key in REQUIRED:
        if key not in fields:
            out.add(1, 1, "missing-field", f"required field '{key}' is missing; add '{key}: ...'")
    for key, loc in fields.items():
        if key not in KNOWN_KEYS:
            out.at(loc, 1, "unknown-key", _unknown_key(key), "warning")
            continue
        checked = _FIELD_CHECKS[key](loc, out, settings, areas, as_of)
        if checked is not None:
            values[key] = checked
    return values


def _unknown_key(key: str) -> str:
    hint = _did_you_mean(key, KNOWN_KEYS)
    return f"unknown field '{key}' is ignored{hint}"


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _text(loc: Located, out: _Collector, key: str) -> str | None:
    if loc.value is None or (isinstance(loc.value, str) and not loc.value.strip()):
        out.at(loc, 1, "empty-field", f"'{key}' is empty; give it a value")
        return None
    if isinstance(loc.value, (list | dict, bool)):
        kind = _kind(loc.value)
        out.at(loc, 1, "wrong-type", f"'{key}' must be text, not {kind}")
        return None
    return str(loc.value).strip()


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, list):
        return "a list"
    return "a mapping" if isinstance(value, dict) else type(value).__name__


def _check_title(loc: Located, out: _Collector, *_: Any) -> str | None:
    return _text(loc, out, "title")


def _check_date(loc: Located, out: _Collector, _s: Any, _a: Any, as_of: dt.date) -> Any:
    text = _text(loc, out, "date")
    if text is None:
        return None
    try:
        day = parse_date(text)
    except ValueError as exc:
        out.at(loc, 1, "bad-date", f"date {exc}, the day the signal was heard")
        return None
    if day > as_of:
        out.at(loc, 1, "future-date", f"date {day} is after the as-of date {as_of}; "
               "use the day the signal was heard")  # fmt: skip
        return None
    return day


def _check_choice(key: str, code: str) -> Any:
    def check(loc: Located, out: _Collector, settings: Settings, areas: Any, _: Any) -> Any:
        text = _text(loc, out, key)
        if text is None:
            return None
        choices = _choices(key, settings, areas)
        if text in choices:
            return text
        hint = _did_you_mean(text, choices) or f" (choose one of: {', '.join(choices)})"
        where = "insights/areas.yml" if key == "area" else "the plugin's config"
        out.at(loc, 1, code, f"'{text}' is not a known {key}{hint}; new ones go in {where}")
        return None

    return check


def _choices(key: str, settings: Settings, areas: tuple[Area, ...]) -> tuple[str, ...]:
    if key == "area":
        return tuple(a.slug for a in areas)
    if key == "source":
        return settings.sources
    return settings.confidence_levels


def _check_plain(key: str) -> Any:
    def check(loc: Located, out: _Collector, *_: Any) -> Any:
        return _text(loc, out, key)

    return check


def _check_list(key: str) -> Any:
    def check(loc: Located, out: _Collector, *_: Any) -> Any:
        if loc.value is None:
            return ()
        if not isinstance(loc.value, list):
            example = f"[{loc.value}]" if isinstance(loc.value, str) else "[a, b]"
            out.at(loc, 1, "wrong-type", f"'{key}' must be a list; write {key}: {example}")
            return None
        return _slugs(key, loc, out)

    return check


def _slugs(key: str, loc: Located, out: _Collector) -> tuple[str, ...] | None:
    items: list[str] = []
    for item in loc.value:
        if not isinstance(item, str | int) or isinstance(item, bool):
            out.at(loc, 1, "wrong-type", f"each of '{key}' must be text, not {_kind(item)}")
            return None
        text = str(item)
        pattern = ID if key == "related" else SLUG
        if not pattern.match(text):
            fix = slugify(text)
            out.at(loc, 1, "bad-slug", f"'{text}' in '{key}' is not a lowercase slug "
                   f"(a-z, 0-9 and '-'); write '{fix}'")  # fmt: skip
            return None
        if text not in items:
            items.append(text)
    return tuple(items)


_FIELD_CHECKS: dict[str, Any] = {
    "title": _check_title,
    "date": _check_date,
    "area": _check_choice("area", "unknown-area"),
    "source": _check_choice("source", "unknown-source"),
    "confidence": _check_choice("confidence", "unknown-confidence"),
    "team": _check_plain("team"),
    "author": _check_plain("author"),
    "customers": _check_list("customers"),
    "tags": _check_list("tags"),
    "related": _check_list("related"),
}


def slugify(text: str) -> str:
    """A lowercase a-z0-9 slug of any text ('Acme Corp.' -> 'acme-corp')."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def _check_id(path: str, out: _Collector) -> None:
    note_id = Path(path).name[:-3]
    if not ID.match(note_id):
        out.add(1, 1, "bad-id", f"the file name '{note_id}' is not a valid id (lowercase a-z, "
                f"0-9 and '-'); rename it to '{slugify(note_id)}.md'")  # fmt: skip


def _check_body(body: str, body_line: int, out: _Collector) -> None:
    if not body.strip():
        out.add(body_line, 1, "empty-body", "the note has no body; say what was heard, "
                "the evidence and what it means", "warning")  # fmt: skip
        return
    for finding in scan.unsafe_markup(body):
        out.add(finding.line + body_line - 1, finding.column, "unsafe-markup", finding.message)
    for finding in scan.personal_data(body):
        out.add(finding.line + body_line - 1, finding.column, "personal-data", finding.message)


def check_ids(files: list[NoteFile]) -> list[Problem]:
    """A duplicate id is an error on every file after the first that uses it."""
    first: dict[str, str] = {}
    problems = []
    for item in files:
        if item.id in first:
            msg = f"id '{item.id}' is already used by {first[item.id]}; rename one of the files"
            problems.append(Problem(item.path, 1, 1, "error", "duplicate-id", msg))
        else:
            first[item.id] = item.path
    return problems


def check_related(notes: list[Note], ids: set[str]) -> list[Problem]:
    """Each `related:` id must name another note in the wiki."""
    problems = []
    for note in notes:
        line, col = note.position("related")
        for other in note.related:
            if other not in ids:
                hint = _did_you_mean(other, ids)
                msg = f"related note '{other}' does not exist{hint}"
                problems.append(Problem(note.path, line, col, "error", "unknown-related", msg))
    return problems


def front_matter_schema(settings: Settings, areas: tuple[Area, ...]) -> dict[str, Any]:
    """A JSON Schema of the front matter, from the same definitions the checker uses."""
    slug = {"type": "string", "pattern": SLUG.pattern}
    text = {"type": "string", "minLength": 1}
    described = {
        "title": {**text, "description": "The finding, as a sentence."},
        "date": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$",
                 "description": "The day the signal was heard (YYYY-MM-DD)."},
        "area": {"enum": [a.slug for a in areas], "description": "A key of the area registry."},
        "source": {"enum": list(settings.sources), "description": "How the signal was heard."},
        "customers": {"type": "array", "items": slug, "uniqueItems": True,
                      "description": "Account or participant handles, never contact details."},
        "tags": {"type": "array", "items": slug, "uniqueItems": True,
                 "description": "Themes, as lowercase slugs."},
        "team": {**text, "description": "The team that heard it."},
        "author": {**text, "description": "Who wrote the note."},
        "confidence": {"enum": list(settings.confidence_levels),
                       "default": settings.default_confidence},
        "related": {"type": "array", "items": {"type": "string", "pattern": ID.pattern},
                    "description": "Ids (file names without .md) of other notes."},
    }  # fmt: skip
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Insight note front matter",
        "type": "object",
        "required": list(REQUIRED),
        "properties": {key: described[key] for key in KNOWN_KEYS},
    }
