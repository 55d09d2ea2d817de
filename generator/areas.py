"""The area registry, `insights/areas.yml`: the only place an area can be added."""

from __future__ import annotations

from pathlib import Path

from generator.fields import SLUG, slugify
from generator.model import Area, Problem
from generator.settings import Settings
from generator.yamlfile import Located, YamlError, load_located_mapping, shorten

AREA_KEYS = ("name", "owner", "description")


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
    """Validate the registry's YAML: a mapping of slug to {name, owner, description}."""
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
        area, problem = _area(path, slug, loc)
        if area is not None:
            areas.append(area)
        if problem is not None:
            problems.append(problem)
    return tuple(areas), problems


def _area(path: str, slug: str, loc: Located) -> tuple[Area | None, Problem | None]:
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
    return Area(slug=slug, **{k: v.strip() for k, v in fields.items()}), None
