"""Atom feeds: the site's newest insights, and one for each area and each tag.

A feed is a generated file, not a page: MkDocs copies it as it is, so each costs one template
rendering and no Markdown. Each holds the newest `feed_size` insights of its area or tag. The
same notes and as-of date give the same bytes: a feed's `updated` is the date of its newest
insight (the as-of date when it has none), never the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from generator.model import Area, Note
from generator.notes import body as notebody
from generator.site import render
from generator.site.context import SiteContext
from generator.site.pages import FEED_KINDS, Group, groups
from generator.site.urls import feed_src, file_href, page_url, target


@dataclass(frozen=True)
class FeedEntry:
    """One insight in a feed, with what the feed says of it."""

    note: Note
    href: str  # its page: absolute with a site URL, else relative to the feed
    area: str  # the area's name
    source: str  # the source, for people
    summary: str  # the first paragraph, plain text


def feed_files(ctx: SiteContext, site_url: str) -> Iterator[tuple[str, str]]:
    """Every feed as (path under the site, Atom XML): the site's, then each area's and tag's."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    made: dict[str, FeedEntry] = {}  # every feed is at the root: a note is the same in each
    yield "feed.xml", feed_xml(ctx, base, None, made)
    for kind in FEED_KINDS:
        for group in groups(ctx, kind):
            yield feed_src(kind, group.key), feed_xml(ctx, base, group, made)


def feed_xml(
    ctx: SiteContext, base: str, group: Group | None, made: dict[str, FeedEntry] | None = None
) -> str:
    """The Atom feed of a listing (`group`), or of the whole wiki when None."""
    where = feed_src(group.kind, group.key) if group else feed_src()
    page = target(ctx, group.kind, group.key) if group else "index.md"
    notes = group.notes if group else ctx.notes
    made = {} if made is None else made
    entries = [
        made.get(n.id) or made.setdefault(n.id, _entry(ctx, base, where, n))
        for n in notes[: max(ctx.settings.feed_size, 0)]
    ]
    return render.render_xml(
        "feed.xml.j2",
        ctx.overrides,
        title=f"{ctx.site_name}: {_about(group)}",
        feed_id=(base or "urn:insight-wiki:") + where,
        self_url=base + where if base else "",
        page_href=_href(ctx, base, where, page),
        entries=entries,
        updated=_updated(entries, ctx.as_of),
    )


def _about(group: Group | None) -> str:
    if group is None:
        return "newest insights"
    return f"new insights in {group.name}" if group.kind == "area" else f"new insights tagged {group.key}"


def _entry(ctx: SiteContext, base: str, where: str, note: Note) -> FeedEntry:
    area = ctx.areas.get(note.area, Area(note.area, note.area))
    href = _href(ctx, base, where, ctx.src_of[note.id])
    summary = notebody.first_paragraph(note.body)
    return FeedEntry(note, href, area.name, render.label(note.source), summary)


def _href(ctx: SiteContext, base: str, where: str, src: str) -> str:
    """A page's URL: absolute under the site URL, else relative to the feed at `where`."""
    url = page_url(src, ctx.directory_urls)
    if base:
        return base + str(render.link(url))
    return str(file_href(where, url))


def _updated(entries: Sequence[FeedEntry], as_of: dt.date) -> dt.date:
    return max((e.note.date for e in entries), default=as_of)
