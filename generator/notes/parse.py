"""Parse and check one file of the notes folder: an insight note, or a decision.

Every problem is collected and located as path:line:col (1-based, in the file); nothing here
raises on bad input. Each front-matter field is checked in `fields.py` (a decision's in
`decisions.py`), and YAML is read by `yamlfile.py`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

from generator.config import Settings
from generator.model import Area, Decision, Note, Problem
from generator.notes import scan
from generator.notes.decisions import DECISION, INSIGHT, DecisionChecker, kind_of
from generator.notes.fields import (
    FRONT_MATTER_LINE,
    ID,
    Collector,
    FieldChecker,
    did_you_mean,
    kind,
    slugify,
)
from generator.yamlfile import Located, YamlError, load_located_mapping, shorten

_FENCE = re.compile(r"^(---|\.\.\.)\s*$")
EMPTY_BODY = {
    "insight": "the note has nothing after its front matter; say what was heard, the evidence "
    "and what it means",
    "decision": "the decision has nothing after its front matter; say why we decided this, "
    "and what we expect to change for customers",
}


def problem(path: str, code: str, message: str) -> Problem:
    """An error about a whole file, at its first line."""
    return Problem(path, 1, 1, "error", code, message)


def too_large(path: str, size: int, limit: int) -> Problem:
    """The error for a file over `max_note_bytes`."""
    return problem(path, "too-large", (
        f"the file is {size:,} bytes, over the limit of {limit:,} (max_note_bytes); "
        "shorten it, or split it into one note per finding"))  # fmt: skip


def parse_note(
    path: str,
    data: bytes,
    settings: Settings,
    areas: tuple[Area, ...],
    as_of: dt.date,
    ids: Collection[str] | None = None,
) -> tuple[Note | Decision | None, list[Problem]]:
    """Validate one file's bytes: an insight note, or a decision (`kind: decision`); it comes
    back only if it has no errors.

    With `ids` (every id in the wiki), an insight's `related:` ids are checked too; a
    decision's `evidence:` needs the whole wiki parsed first (see `decisions.check_evidence`).
    """
    out = Collector(path)
    checked = _check_note(path, data, settings, areas, as_of, ids, out)
    if checked is None or out.failed:
        return None, sorted(out.problems)
    kind, values, body, body_line, positions = checked
    made = Decision if kind == DECISION else Note
    note = made(
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
    """The front-matter values of a note (or decision) that pass their own checks, whatever
    else is wrong with it (what a reviewer can be shown of a note with errors), with
    `kind: decision` for a decision; None if its front matter cannot be read at all."""
    checked = _check_note(path, data, settings, areas, as_of, None, Collector(path))
    if checked is None:
        return None
    return {**checked[1], "kind": DECISION} if checked[0] == DECISION else checked[1]


Checked = tuple[str, dict[str, Any], str, int, tuple[tuple[str, int, int], ...]]


def _check_note(
    path: str,
    data: bytes,
    settings: Settings,
    areas: tuple[Area, ...],
    as_of: dt.date,
    ids: Collection[str] | None,
    out: Collector,
) -> Checked | None:
    """(its kind, the values that passed, the body, its first line, where each field is),
    with every problem collected in `out`; None if the front matter cannot be read.

    A file of an unknown kind has its kind reported and its body checked, but no fields:
    whether a note's `source` is missing means nothing until we know it is a note.
    """
    _check_id(path, out)
    if len(data) > settings.max_note_bytes:
        out.problems.append(too_large(path, len(data), settings.max_note_bytes))
        return None
    parts = _front_matter(data, out)
    if parts is None:
        return None
    fields, body, body_line = parts
    kind = kind_of(fields, out)
    checker = (DecisionChecker if kind == DECISION else FieldChecker)(out, settings, areas, as_of)
    values = checker.check(fields) if kind else {}
    _check_body(body, body_line, out, settings.allowed_contacts, kind or INSIGHT)
    if ids is not None and kind == INSIGHT:
        _check_related_items(fields.get("related"), ids, out)
    return kind or INSIGHT, values, body, body_line, tuple(checker.positions)


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


def _check_body(
    body: str, body_line: int, out: Collector, allowed: tuple[str, ...], kind: str
) -> None:
    if not body.strip():
        out.add(body_line - 1, 1, "empty-body", EMPTY_BODY[kind], "warning")
        return
    for finding in scan.unsafe_markup(body):
        out.add(finding.line + body_line - 1, finding.column, "unsafe-markup", finding.message)
    for finding in scan.personal_data(body, allowed):
        out.add(finding.line + body_line - 1, finding.column, "personal-data", finding.message)


def _check_related_items(loc: Located | None, ids: Collection[str], out: Collector) -> None:
    for item in loc.items if loc is not None else ():
        if item.text and ID.match(item.text) and item.text not in ids:
            out.at(item, "unknown-related", unknown_related(item.text, ids))


def unknown_related(other: str, ids: Collection[str]) -> str:
    return (
        f"related note '{other}' does not exist{did_you_mean(other, ids)}; "
        "use the file name of another note, without .md"
    )
