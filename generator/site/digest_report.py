"""`insights digest` as Markdown, an e-mail body (HTML with inline styles only) or JSON.

Links go to the published wiki (`site_url`). Without one they are relative to the wiki's root
(`billing/2026-06-20-x/`), and the Markdown and HTML say so in a line at the top.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from generator.config import Settings
from generator.model import Note
from generator.signals.digest import Digest, FlagChange
from generator.site import render
from generator.site.context import note_src
from generator.site.urls import page_url

FLAG_NAMES = {
    "going_dark": "Going dark",
    "unattributed": "Unattributed",
    "echo_chamber": "Echo chamber",
    "over_contacted": "Over-contacted customer",
    "cross_area_theme": "Cross-area theme",
    "no_evidence": "Building without listening",
    "stale_evidence": "Stale evidence",
}


class Links:
    """The URLs of the wiki's pages, absolute under `site_url` or relative to its root."""

    def __init__(self, notes: list[Note], settings: Settings) -> None:
        self.base = settings.site_url.rstrip("/") + "/" if settings.site_url else ""
        self._src = {n.id: note_src(n, settings) for n in notes}

    def note(self, note_id: str) -> str:
        """A note's page."""
        return self._page(self._src.get(note_id, ""))

    def area(self, slug: str) -> str:
        """An area's page."""
        return self._page(f"areas/{slug}/index.md")

    def tag(self, tag: str) -> str:
        """A tag's page."""
        return self._page(f"tags/{tag}/index.md")

    def _page(self, src: str) -> str:
        return self.base + str(render.link(page_url(src))) if src else self.base


def digest_report(digest: Digest, notes: list[Note], settings: Settings, fmt: str) -> str:
    """The digest in `fmt`: markdown, html or json."""
    links = Links(notes, settings)
    if fmt == "json":
        return json.dumps(digest_json(digest, links), indent=2, ensure_ascii=False) + "\n"
    context: dict[str, Any] = {
        "digest": digest,
        "links": links,
        "names": {a.slug: a.name for a in digest.areas},
        "flag_names": FLAG_NAMES,
        "titles": {n.id: n.title for n in notes},
    }
    if fmt == "html":
        return render.render_html("digest.html.j2", **context)
    return render.render("digest.md.j2", None, "gfm", **context)


def digest_json(digest: Digest, links: Links) -> dict[str, Any]:
    """The JSON contract documented in the README."""
    return {
        "as_of": _day(digest.as_of),
        "days": digest.days,
        "start": _day(digest.start),
        "previous_as_of": _day(digest.previous_as_of),
        "areas": [a.slug for a in digest.areas],
        "site_url": links.base or None,
        "insights": [_insight(n, links) for n in digest.insights],
        "findings": [
            {
                "status": f.status,
                "headline": f.finding.headline,
                "notes": list(f.finding.notes),
                "new_notes": list(f.added),
                "customers": list(f.finding.customers),
                "sources": list(f.finding.sources),
                "areas": list(f.finding.areas),
                "first_heard": _day(f.finding.first_heard),
                "last_heard": _day(f.finding.last_heard),
                "url": links.note(f.finding.notes[0]),
            }
            for f in digest.findings
        ],
        "themes": [
            {
                "status": t.status,
                "area": t.area,
                "tag": t.theme.tag,
                "trend": t.theme.trend,
                "window": t.theme.window,
                "previous": t.theme.previous,
                "new_notes": list(t.added),
                "why": t.theme.why,
                "url": links.tag(t.theme.tag),
            }
            for t in digest.themes
        ],
        "flags": {
            "raised": [_flag(f) for f in digest.raised],
            "cleared": [_flag(f) for f in digest.cleared],
        },
    }


def _insight(note: Note, links: Links) -> dict[str, Any]:
    return {
        "id": note.id,
        "title": note.title,
        "area": note.area,
        "date": _day(note.date),
        "source": note.source,
        "customers": list(note.customers),
        "tags": list(note.tags),
        "path": note.path,
        "url": links.note(note.id),
    }


def _flag(flag: FlagChange) -> dict[str, Any]:
    return {"flag": flag.flag, "subject": flag.subject, "areas": list(flag.areas), "why": flag.why}


def _day(day: dt.date) -> str:
    return day.isoformat()
