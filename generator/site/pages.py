"""What pages the wiki has and their Markdown, from the notes and their summaries.

Knows nothing about MkDocs: it returns `Page(src_uri, markdown)` values that any static-site
engine can render. Links between pages are relative `.md` paths, so the engine can check them.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, partial
from typing import Any

from generator.site import chart
from generator.notes import body as notebody
from generator.site import render
from generator.model import Area, CompanySummary, GitInfo, Note, Wiki
from generator.notes.load import slugify
from generator.config import Settings
from generator.site.urls import (
    FIXED,
    Url,
    href_from,
    note_item_from,
    page_url,
    paged,
    target,
    url_from,
)


@dataclass(frozen=True)
class Page:
    """One generated page: where it lives (a POSIX path ending in .md) and its Markdown.

    Long lists of insights are not Markdown: each sits in `fragments` as ready HTML, and the
    Markdown holds an HTML comment in its place. Parsing 90,000 list rows as Markdown (or even
    as raw HTML, which Python-Markdown also parses) was the biggest cost of a large build;
    `splice` puts the HTML in after the Markdown is rendered. A page whose Markdown holds a
    note's raw HTML is `untrusted`: what the Markdown became is sanitised, between fragments.
    """

    src_uri: str
    markdown: str
    fragments: tuple[tuple[str, str], ...] = ()
    untrusted: bool = False

    def splice(self, html: str) -> str:
        """The rendered page with each fragment in place of its marker (and, if `untrusted`,
        the rest sanitised; a note cannot write a marker, since its comments are dropped)."""
        if not self.untrusted:
            for marker, fragment in self.fragments:
                html = html.replace(marker, fragment, 1)
            return html
        parts = []
        for marker, fragment in self.fragments:
            before, found, after = html.partition(marker)
            if found:
                parts += [notebody.clean_html(before), fragment]
                html = after
        return "".join([*parts, notebody.clean_html(html)])


@dataclass(frozen=True)
class Group:
    """A listing: the notes that share an area, tag, customer, team, source or month."""

    kind: str
    key: str
    name: str
    notes: tuple[Note, ...]
    description: str = ""


@dataclass
class SiteContext:
    """Everything the pages are made from; built once per build."""

    wiki: Wiki
    settings: Settings
    as_of: dt.date
    summary: CompanySummary | None = None
    related: Mapping[str, Sequence[str]] = field(default_factory=dict)
    backlinks: Mapping[str, Sequence[str]] = field(default_factory=dict)
    history: Mapping[str, GitInfo] = field(default_factory=dict)
    overrides: str | None = None
    site_name: str = "Insight Wiki"
    directory_urls: bool = True
    feed_url: str = "feed.xml"

    def __post_init__(self) -> None:
        self.notes = sorted(self.wiki.notes, key=newest_first)
        self.by_id = {n.id: n for n in self.notes}
        self.src_of = {n.id: note_src(n, self.settings) for n in self.notes}
        self.areas = {a.slug: a for a in self.wiki.areas}
        self.group_cache: dict[str, list[Group]] = {}
        self.row_cache: dict[str, list[tuple[Any, Any]]] = {}  # see note_item_from
        self.dest_cache: dict[tuple[str, str, int], tuple[list[str], bool]] = {}


def newest_first(note: Note) -> tuple[int, str]:
    """Sort key: newest date first, then by id so equal dates keep a stable order."""
    return (-note.date.toordinal(), note.id)


def note_src(note: Note, settings: Settings) -> str:
    """A note's page keeps the note's path under the notes folder, so relative images work."""
    return under(note.path, settings.notes_dir)


def under(path: str, folder: str) -> str:
    """posixpath.relpath(path, folder), quickly for the usual case of a path inside folder."""
    prefix = _folder_prefix(folder)
    if path.startswith(prefix) and "/." not in path:
        return path[len(prefix) :]
    return posixpath.relpath(path, folder)


@cache
def _folder_prefix(folder: str) -> str:
    clean = posixpath.normpath(folder)
    return "" if clean == "." else clean + "/"


# --- Groups -------------------------------------------------------------------------------


def groups(ctx: SiteContext, kind: str) -> list[Group]:
    """Every listing of one kind, in a stable order (areas in registry order, others by name).

    Worked out once per kind and kept, since the home page and the listings all need them.
    """
    if kind not in ctx.group_cache:
        ctx.group_cache[kind] = _groups(ctx, kind)
    return ctx.group_cache[kind]


def _groups(ctx: SiteContext, kind: str) -> list[Group]:
    buckets: dict[str, list[Note]] = defaultdict(list)
    for note in ctx.notes:
        for key in note.values(kind):
            buckets[key].append(note)
    if kind == "area":
        return [
            Group("area", a.slug, a.name, tuple(buckets.get(a.slug, ())), a.description)
            for a in ctx.wiki.areas
        ]
    if kind == "month":
        return [Group(kind, k, _month_name(k), tuple(v)) for k, v in sorted(buckets.items())]
    name = render.label if kind == "source" else str
    return [Group(kind, k, name(k), tuple(v)) for k, v in sorted(buckets.items())]


def _month_name(key: str) -> str:
    return f"{dt.date.fromisoformat(key + '-01'):%B %Y}"


# --- Pages --------------------------------------------------------------------------------


PageMaker = Callable[[], "Page"]
KINDS = ("area", "tag", "customer", "team", "source", "month")


def page_plan(ctx: SiteContext) -> dict[str, PageMaker]:
    """Every page of the wiki by src_uri, each made only when asked for.

    Making a page reads the context and nothing else, so pages can be made in any order and
    in any process (the MkDocs adapter makes each one in the worker that builds it).
    """
    plan: dict[str, PageMaker] = {"index.md": partial(home_page, ctx)}
    if ctx.summary is not None:
        plan["brief.md"] = partial(brief_page, ctx)
    for kind in KINDS:
        kind_groups = groups(ctx, kind)
        plan[target(ctx, kind + "s")] = partial(index_page, ctx, kind, kind_groups)
        for group in kind_groups:
            plan.update(listing_plan(ctx, group))
    plan[FIXED["browse"]] = partial(browse_page, ctx)
    for note in ctx.notes:
        plan[ctx.src_of[note.id]] = partial(insight_page, ctx, note)
    return plan


def _page(ctx: SiteContext, src: str, template: str, **context: Any) -> Page:
    fragments: list[tuple[str, str]] = []

    def fragment(html: str) -> Any:
        marker = f"<!--insights-fragment-{len(fragments)}-->"
        fragments.append((marker, str(html)))
        return render.trusted("\n" + marker + "\n")

    href = href_from(ctx, src)
    text = render.render(
        template,
        ctx.overrides,
        url=url_from(ctx, src),
        href=href,
        note_item=note_item_from(ctx, href),
        fragment=fragment,
        as_of=ctx.as_of,
        ctx=ctx,
        **context,
    )
    return Page(src, text, tuple(fragments))


def home_page(ctx: SiteContext) -> Page:
    """The front door: what the wiki is, where to start, the newest insights."""
    return _page(
        ctx,
        "index.md",
        "home.md.j2",
        newest=ctx.notes[:10],
        areas=groups(ctx, "area"),
        tags=sorted(groups(ctx, "tag"), key=lambda g: (-len(g.notes), g.key))[:24],
        counts={k: len(groups(ctx, k)) for k in ("tag", "customer", "team", "source")},
        sources=groups(ctx, "source"),
        teams=groups(ctx, "team"),
        company=ctx.summary,
    )


def brief_page(ctx: SiteContext) -> Page:
    """The company-wide planning brief."""
    top = ctx.settings.brief_findings
    return _page(ctx, "brief.md", "brief.md.j2", company=ctx.summary, top=top)


TITLES = {
    "area": ("Areas", "Product areas, each with its 90-day learning summary."),
    "tag": ("Tags", "Themes: the tags notes carry."),
    "customer": ("Customers", "Every account or participant we have heard from."),
    "team": ("Teams", "The teams that listen to customers."),
    "source": ("Sources", "How we heard it: interviews, tickets, surveys and more."),
    "month": ("Timeline", "Insights by the month they were heard."),
}


def index_page(ctx: SiteContext, kind: str, kind_groups: list[Group]) -> Page:
    """The index of one kind of listing: each group with its count and latest date."""
    title, intro = TITLES[kind]
    src = target(ctx, kind + "s")
    window_start = ctx.as_of - dt.timedelta(days=ctx.settings.window_days - 1)
    rows = [
        (g, sum(window_start <= n.date <= ctx.as_of for n in g.notes))
        for g in (reversed(kind_groups) if kind == "month" else kind_groups)
    ]
    return _page(ctx, src, "index.md.j2", kind=kind, title=title, intro=intro, rows=rows)


def listing_plan(ctx: SiteContext, group: Group) -> dict[str, PageMaker]:
    """A group's notes newest first, split into pages of `page_size`."""
    size = max(ctx.settings.page_size, 1)
    chunks = [group.notes[i : i + size] for i in range(0, len(group.notes), size)] or [()]
    first = target(ctx, group.kind, group.key)
    return {
        paged(first, number): partial(listing_page, ctx, group, chunk, number, len(chunks))
        for number, chunk in enumerate(chunks, start=1)
    }


def listing_page(
    ctx: SiteContext, group: Group, notes: Sequence[Note], number: int, pages: int
) -> Page:
    """One page of a group's listing."""
    return _page(
        ctx,
        paged(target(ctx, group.kind, group.key), number),
        "listing.md.j2",
        group=group,
        notes=notes,
        page=number,
        pages=pages,
        extra=_listing_extra(ctx, group, number),
    )


def _listing_extra(ctx: SiteContext, group: Group, number: int) -> dict[str, Any]:
    extra: dict[str, Any] = {"area": None, "summary": None, "heard": None}
    if group.kind == "area":
        extra["area"] = ctx.areas[group.key]
        if ctx.summary is not None and number == 1:
            summary = next((s for s in ctx.summary.areas if s.area.slug == group.key), None)
            extra["summary"] = summary
            extra["chart"] = chart.chart_svg(summary, ctx.overrides) if summary else None
    if group.kind == "customer":
        start = ctx.as_of - dt.timedelta(days=ctx.settings.window_days - 1)
        extra["heard"] = sum(start <= n.date <= ctx.as_of for n in group.notes)
    return extra


def browse_page(ctx: SiteContext) -> Page:
    """The filterable list of every insight (its data comes from browse/insights.json)."""
    return _page(ctx, FIXED["browse"], "browse.md.j2", total=len(ctx.notes))


def _fitted(note: Note) -> str:
    """The note's body as its page shows it: under the title, lists apart from paragraphs."""
    return notebody.loosen_lists(notebody.fit_headings(note.body, note.title))


def insight_page(ctx: SiteContext, note: Note) -> Page:
    """One insight: title, metadata panel, body, related insights and backlinks."""
    related = [ctx.by_id[i] for i in ctx.related.get(note.id, note.related) if i in ctx.by_id]
    backlinks = [ctx.by_id[i] for i in ctx.backlinks.get(note.id, ()) if i in ctx.by_id]
    body = notebody.for_markdown(_fitted(note))
    page = _page(
        ctx,
        note_src(note, ctx.settings),
        "insight.md.j2",
        note=note,
        area=ctx.areas.get(note.area, Area(note.area, note.area)),
        body=render.trusted(body),
        related=related,
        backlinks=backlinks,
        git=ctx.history.get(note.path),
    )
    return replace(page, untrusted=notebody.may_hold_html(body))


def nav(ctx: SiteContext) -> list[Any]:
    """The navigation: sections and listing indexes only, never one entry per insight."""
    entries: list[Any] = [{"Home": "index.md"}]
    if ctx.summary is not None:
        entries.append({"Planning brief": "brief.md"})
    entries.append({"Browse": FIXED["browse"]})
    areas = [{"All areas": "areas/index.md"}]
    areas += [{a.name: target(ctx, "area", a.slug)} for a in ctx.wiki.areas]
    entries.append({"Areas": areas})
    for kind in ("tag", "customer", "team", "source", "month"):
        entries.append({TITLES[kind][0]: target(ctx, kind + "s")})
    return entries


def feed_xml(ctx: SiteContext, site_url: str) -> str:
    """An Atom feed of the newest insights."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    entries = [
        (note, base + note_src(note, ctx.settings)[: -len(".md")] + "/")
        for note in ctx.notes[: ctx.settings.feed_size]
    ]
    return render.render_xml(
        "feed.xml.j2",
        ctx.overrides,
        entries=entries,
        site_name=ctx.site_name,
        site_url=base,
        updated=entries[0][0].date if entries else ctx.as_of,
    )
