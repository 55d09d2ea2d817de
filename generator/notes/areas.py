"""The area registry, `insights/areas.yml`: the only place an area can be added."""

from __future__ import annotations

import re
from pathlib import Path

from generator.config import Settings
from generator.model import Area, Problem
from generator.notes.fields import SLUG, slugify
from generator.yamlfile import Located, YamlError, load_located_mapping, shorten

AREA_KEYS = ("name", "owner", "description", "status")
STATUSES = ("active", "retired")
_STATUS_LINE = re.compile(r"(?:^\s*|[{,]\s*)status\s*:\s*(\S)")


def load_areas(root: Path, settings: Settings) -> tuple[tuple[Area, ...], list[Problem]]:
    """The areas in registry order, and every problem with the registry file."""
    path = settings.areas_file
    try:
        text = (root / path).read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = "the area registry is missing; create it with 'slug: {name: ..., owner: ...}'"
        return (), [Problem(path, 1, 1, "error", "missing-registry", msg)]
    except UnicodeDecodeError:
        msg = "the area registry is not UTF-8; re-save it with UTF-8 encoding"
        return (), [Problem(path, 1, 1, "error", "bad-registry", msg)]
    except OSError as exc:
        msg = f"cannot read the area registry ({exc.strerror}); check its permissions"
        return (), [Problem(path, 1, 1, "error", "bad-registry", msg)]
    return parse_areas(path, text)


def parse_areas(path: str, text: str) -> tuple[tuple[Area, ...], list[Problem]]:
    """Validate the registry's YAML: a mapping of slug to {name, owner, description, status}."""
    try:
        entries = load_located_mapping(text)
    except YamlError as err:
        return (), [Problem(path, err.line + 1, err.column + 1, "error", err.code, err.message)]
    if not isinstance(entries, dict) or not entries:
        msg = "the registry must map each area slug to {name, owner, description}"
        return (), [Problem(path, 1, 1, "error", "bad-registry", msg)]
    areas: list[Area] = []
    problems: list[Problem] = []
    for slug, loc in entries.items():
        area, problem = _area(path, slug, loc, text)
        if area is not None:
            areas.append(area)
        if problem is not None:
            problems.append(problem)
    return tuple(areas), problems


def _area(path: str, slug: str, loc: Located, text: str) -> tuple[Area | None, Problem | None]:
    def problem(msg: str) -> tuple[None, Problem]:
        return None, Problem(path, loc.line + 1, loc.column + 1, "error", "bad-registry", msg)

    if not SLUG.match(slug):
        return problem(f"area '{shorten(slug)}' is not a lowercase slug; write '{slugify(slug)}'")
    if not isinstance(loc.value, dict):
        return problem(f"area '{slug}' must be a mapping with at least 'name: ...'")
    fields = {k: v for k, v in loc.value.items() if k in AREA_KEYS}
    if not all(isinstance(v, str) for v in fields.values()):
        return problem(f"area '{slug}': name, owner and description must be text")
    if not fields.get("name", "").strip():
        return problem(f"area '{slug}' needs a 'name'")
    status = fields.get("status", "active").strip()
    if status not in STATUSES:
        return None, _status_problem(path, text, slug, loc)
    return Area(slug=slug, **{k: v.strip() for k, v in fields.items()}), None


def _status_problem(path: str, text: str, slug: str, loc: Located) -> Problem:
    """An unknown status, reported at its own line when the entry spells it out on one."""
    line, column = loc.line, loc.column
    for number, row in enumerate(text.split("\n")[loc.line :], start=loc.line):
        match = _STATUS_LINE.search(row)
        if number > loc.line and row[:1] not in ("", " ", "\t", "#"):
            break  # the next area
        if match:
            line, column = number, match.start(1)
            break
    value = shorten(str(loc.value.get("status")))
    msg = (f"area '{slug}': status '{value}' is not one of {', '.join(STATUSES)}; "
           "write 'status: retired' for an area nobody works on any more")  # fmt: skip
    return Problem(path, line + 1, column + 1, "error", "bad-registry", msg)
