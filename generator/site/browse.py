"""The data behind the site's faceted browser (`browse/insights.json`): metadata, never bodies.

Compact and deterministic: each facet's values are listed once and notes refer to them by
position, notes come newest first, and the same notes always give the same bytes. URLs are
relative to the JSON file, which sits next to the browse page.
"""

from __future__ import annotations

import json
import posixpath
import urllib.parse
from collections.abc import Sequence

from generator.model import Area, Note
from generator.site.pages import under
from generator.site.render import label
from generator.config import Settings

FORMAT = 1
FACETS = ("area", "tag", "customer", "source", "team")
JSON_PATH = "browse/insights.json"
_HERE = posixpath.dirname(JSON_PATH)


def note_url(note: Note, settings: Settings, directory_urls: bool = True) -> str:
    """The note's page URL, relative to the browse folder ('../billing/x/')."""
    src = under(note.path, settings.notes_dir)[: -len(".md")]
    page = f"{src}/" if directory_urls else f"{src}.html"
    inside = page.startswith(_HERE + "/")
    target = posixpath.relpath(page, _HERE) if inside else "../" + page.removesuffix("/")
    return urllib.parse.quote(target + ("/" if page.endswith("/") else ""), safe="/.-~")


def browse_json(
    notes: Sequence[Note], areas: Sequence[Area], settings: Settings, directory_urls: bool = True
) -> bytes:
    """The browser's JSON: {"format", "facets": {name: [[value, label], ...]}, "notes": [...]}."""
    ordered = sorted(notes, key=lambda n: (-n.date.toordinal(), n.id))
    facets = _facet_values(ordered, areas)
    position = {name: {v: i for i, (v, _) in enumerate(vals)} for name, vals in facets.items()}
    rows = [_row(n, position, note_url(n, settings, directory_urls)) for n in ordered]
    data = {"format": FORMAT, "facets": facets, "notes": rows}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _facet_values(notes: Sequence[Note], areas: Sequence[Area]) -> dict[str, list[list[str]]]:
    """Each facet's values, in a stable order, with the label the page shows for each."""
    used = {name: sorted({v for n in notes for v in n.values(name)}) for name in FACETS}
    names = {a.slug: a.name for a in areas}
    registry = [a.slug for a in areas if a.slug in used["area"]]
    extra = [a for a in used["area"] if a not in names]
    facets = {name: [[v, v] for v in values] for name, values in used.items()}
    facets["area"] = [[slug, names.get(slug, slug)] for slug in [*registry, *extra]]
    facets["source"] = [[v, label(v)] for v in used["source"]]
    return facets


def _row(note: Note, position: dict[str, dict[str, int]], url: str) -> dict[str, object]:
    row: dict[str, object] = {
        "id": note.id,
        "title": note.title,
        "url": url,
        "date": note.date.isoformat(),
        "area": position["area"][note.area],
        "source": position["source"][note.source],
        "tags": [position["tag"][t] for t in note.tags],
        "customers": [position["customer"][c] for c in note.customers],
    }
    if note.team:
        row["team"] = position["team"][note.team]
    return row
