"""Fingerprints of pages: a digest of everything a page is made from, so a page whose
fingerprint is unchanged since the last build is the same page and need not be made again.

Making every page's Markdown is a third of a cold build at 10,000 notes, so a fingerprint is
worked out from the page's inputs, not its output. Insight, listing and index pages (all but a
few of the wiki's pages) get one; the rest (home, brief, browse, decisions) read the whole
wiki and are always made again (they have none).

What goes into a fingerprint, besides the page's own arguments:

- everything every page reads: the settings, the as-of day, the area registry and the tag
  vocabulary, the site's
  name and URL style, the theme overrides folder, and this package's own source (a new
  version of the code or a template makes every page again);
- an insight page: the note, the notes it relates to and that link to it, the decisions it
  informs, its git history;
- a listing page: its group's name and size, its slice of notes, the page count, and for an
  area's first page that area's summary;
- an index page: each group's name and size, its notes in the window and its newest date.

A note stands in as a digest of its `repr` (its dataclass fields), worked out once per build.
tests/test_incremental.py builds a wiki cold and warm after every kind of change and
compares the two sites byte for byte: a missed input fails there.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from generator.digest import code_digest, digest, folder_digest
from generator.model import Note
from generator.notes import scan
from generator.processes import Forked
from generator.site import pages
from generator.site.context import Group, SiteContext


def page_fingerprints(ctx: SiteContext, plan: dict[str, pages.PageMaker]) -> dict[str, str]:
    """The fingerprint of each page of `plan` that has one (see the module's docstring).

    A large wiki's pages are shared with a forked child: ranking every note's related notes
    is most of the work.
    """
    common = site_digest(ctx)
    items = list(plan.items())
    if len(items) < PARALLEL_FROM:
        return _fingerprints(ctx, common, items)
    later = Forked(partial(_fingerprints, ctx, common, items[1::2]))
    found = _fingerprints(ctx, common, items[::2])
    found.update(later.result())
    return found


PARALLEL_FROM = 2000  # pages: below this, a child costs more than it saves


def _fingerprints(
    ctx: SiteContext, common: str, items: list[tuple[str, pages.PageMaker]]
) -> dict[str, str]:
    one = Fingerprinter(ctx, common)
    found = {}
    for src_uri, maker in items:
        made = one(src_uri, maker)
        if made is not None:
            found[src_uri] = made
    return found


class Fingerprinter:
    """Fingerprints one page at a time, as the process that builds it reads it (a cold build
    needs no fingerprint before it builds, only after, to keep the page)."""

    def __init__(self, ctx: SiteContext, common: str | None = None) -> None:
        self.ctx = ctx
        self.common = site_digest(ctx) if common is None else common
        self.digests = NoteDigests()

    def __call__(self, src_uri: str, maker: pages.PageMaker | None) -> str | None:
        """The page's fingerprint; None for a page made afresh every build."""
        parts = _inputs(self.ctx, maker, self.digests) if maker is not None else None
        return digest([self.common, src_uri, *parts]) if parts is not None else None


def site_digest(ctx: SiteContext) -> str:
    """What every page reads (see the module's docstring)."""
    return digest(
        [
            code_digest(),
            repr(ctx.settings),
            ctx.as_of.isoformat(),
            repr(ctx.wiki.areas),
            repr(ctx.wiki.tags),
            ctx.site_name,
            str(ctx.directory_urls),
            ctx.feed_url,
            folder_digest(Path(ctx.overrides)) if ctx.overrides else "",
        ]
    )


def _inputs(ctx: SiteContext, maker: Callable[[], Any], digests: NoteDigests) -> list[str] | None:
    if not isinstance(maker, partial) or maker.keywords:
        return None
    args = maker.args[1:]
    if maker.func is pages.insight_page:
        (note,) = args
        related = [ctx.by_id[i] for i in ctx.related.get(note.id, note.related) if i in ctx.by_id]
        backlinks = [ctx.by_id[i] for i in ctx.backlinks.get(note.id, ()) if i in ctx.by_id]
        return [
            "insight",
            digests(note),
            *("r" + digests(other) for other in related),
            *("b" + digests(other) for other in backlinks),
            repr(ctx.informs(note.id)),
            repr(ctx.history.get(note.path)),
        ]
    if maker.func is pages.listing_page:
        group, notes, number, count = args
        extra = pages._listing_extra(ctx, group, number, drawn=False)
        return [
            "listing",
            _group_digest(group),
            *(digests(note) for note in notes),
            str(number),
            str(count),
            repr(sorted(extra.items())),
        ]
    if maker.func is pages.index_page:
        kind, kind_groups = args
        start = ctx.as_of - dt.timedelta(days=ctx.settings.window_days - 1)
        rows = [
            (_group_digest(g), sum(start <= n.date <= ctx.as_of for n in g.notes),
             g.notes[0].date.isoformat() if g.notes else "")
            for g in kind_groups
        ]  # fmt: skip
        return ["index", kind, repr(rows)]
    return None


def _group_digest(group: Group) -> str:
    """What a listing shows of its group besides its own notes: its name and size."""
    return digest([group.kind, group.key, group.name, group.description, str(len(group.notes))])


class NoteDigests:
    """The digest of each note's fields, worked out once."""

    def __init__(self) -> None:
        self.known: dict[int, str] = {}

    def __call__(self, note: Note) -> str:
        key = id(note)
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = digest([repr(note)])
        return found


def link_targets(ctx: SiteContext) -> dict[str, tuple[str, ...]]:
    """The files each insight page's own links lead to, as src paths beside the page's (the
    engine resolves them; whether each exists is part of the page's key)."""
    found = {}
    for note in ctx.notes:
        links = scan.local_links(note.body)
        if links:
            src = ctx.src_of[note.id]
            folder = posixpath.dirname(src)
            found[src] = tuple(posixpath.normpath(posixpath.join(folder, p)) for _, p in links)
    return found
