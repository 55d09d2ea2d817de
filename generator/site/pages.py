"""What pages the wiki has and their Markdown, from the notes and their summaries.

Knows nothing about MkDocs: it returns `Page(src_uri, markdown)` values that any static-site
engine can render. Links between pages are relative `.md` paths, so the engine can check them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import Any

from generator.model import Area, Note
from generator.notes import body as notebody
from generator.site import chart, decision_pages, render
from generator.site.context import (
    Group,
    Page,
    PageMaker,
    SiteContext,
    fitted_body,
    make_page,
    newest_first,
    note_src,
    under,
)
from generator.site.urls import FIXED, feed_src, file_href, paged, target

__all__ = [  # Page, SiteContext and their helpers live in context.py
    "Group", "Page", "PageMaker", "SiteContext", "groups", "nav", "newest_first",
    "note_src", "page_plan", "under",
]  # fmt: skip


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
    if kind == "tag":  # a listed tag shows its name and description
        listed = {t.slug: t for t in ctx.wiki.tags}
        return [
            Group(kind, k, listed[k].name, tuple(v), listed[k].description)
            if k in listed
            else Group(kind, k, k, tuple(v))
            for k, v in sorted(buckets.items())
        ]
    name = render.label if kind == "source" else str
    return [Group(kind, k, name(k), tuple(v)) for k, v in sorted(buckets.items())]


def _month_name(key: str) -> str:
    return f"{dt.date.fromisoformat(key + '-01'):%B %Y}"


# --- Pages --------------------------------------------------------------------------------


KINDS = ("area", "tag", "customer", "team", "source", "month")


def page_plan(ctx: SiteContext) -> dict[str, PageMaker]:
    """Every page of the wiki by src_uri, each made only when asked for.

    Making a page reads the context and nothing else, so pages can be made in any order and
    in any process (the MkDocs adapter makes each one in the worker that builds it).
    """
    plan: dict[str, PageMaker] = {"index.md": partial(home_page, ctx)}
    if ctx.summarizer is not None:
        plan["brief.md"] = partial(brief_page, ctx)
    for kind in KINDS:
        kind_groups = groups(ctx, kind)
        plan[target(ctx, kind + "s")] = partial(index_page, ctx, kind, kind_groups)
        for group in kind_groups:
            plan.update(listing_plan(ctx, group))
    plan[FIXED["browse"]] = partial(browse_page, ctx)
    plan.update(decision_pages.decision_plan(ctx))
    for note in ctx.notes:
        plan[ctx.src_of[note.id]] = partial(insight_page, ctx, note)
    return plan



def home_page(ctx: SiteContext) -> Page:
    """The front door: what the wiki is, where to start, the newest insights."""
    return make_page(
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
    return make_page(ctx, "brief.md", "brief.md.j2", company=ctx.summary, top=top)


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
    return make_page(ctx, src, "index.md.j2", kind=kind, title=title, intro=intro, rows=rows)


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
    return make_page(
        ctx,
        paged(target(ctx, group.kind, group.key), number),
        "listing.md.j2",
        group=group,
        notes=notes,
        page=number,
        pages=pages,
        extra=_listing_extra(ctx, group, number),
    )


FEED_KINDS = ("area", "tag")  # the listings with an Atom feed of their own (feeds.py)


def _listing_extra(
    ctx: SiteContext, group: Group, number: int, drawn: bool = True
) -> dict[str, Any]:
    extra: dict[str, Any] = {"area": None, "summary": None, "heard": None, "feed": None}
    if group.kind in FEED_KINDS:
        feed = feed_src(group.kind, group.key)
        here = paged(target(ctx, group.kind, group.key), number)
        extra["feed"] = {"src": feed, "href": file_href(here, feed, ctx.directory_urls)}
    if group.kind == "area":
        extra["area"] = ctx.areas[group.key]
        if ctx.summary is not None and number == 1:
            summary = next((s for s in ctx.summary.areas if s.area.slug == group.key), None)
            extra["summary"] = summary
            if drawn:  # a fingerprint reads the summary the chart is drawn from
                extra["chart"] = chart.chart_svg(summary, ctx.overrides) if summary else None
    if group.kind == "customer":
        start = ctx.as_of - dt.timedelta(days=ctx.settings.window_days - 1)
        extra["heard"] = sum(start <= n.date <= ctx.as_of for n in group.notes)
    return extra


def browse_page(ctx: SiteContext) -> Page:
    """The filterable list of every insight (its data comes from browse/insights.json)."""
    return make_page(ctx, FIXED["browse"], "browse.md.j2", total=len(ctx.notes))


def insight_page(ctx: SiteContext, note: Note) -> Page:
    """One insight: title, metadata panel, body, related insights and backlinks."""
    related = [ctx.by_id[i] for i in ctx.related.get(note.id, note.related) if i in ctx.by_id]
    backlinks = [ctx.by_id[i] for i in ctx.backlinks.get(note.id, ()) if i in ctx.by_id]
    body = notebody.for_markdown(fitted_body(note))
    page = make_page(
        ctx,
        note_src(note, ctx.settings),
        "insight.md.j2",
        note=note,
        area=ctx.areas.get(note.area, Area(note.area, note.area)),
        body=render.trusted(body),
        related=related,
        backlinks=backlinks,
        informs=ctx.informs(note.id),
        git=ctx.history.get(note.path),
    )
    return replace(page, untrusted=notebody.may_hold_html(body))


def nav(ctx: SiteContext) -> list[Any]:
    """The navigation: sections and listing indexes only, never one entry per insight."""
    entries: list[Any] = [{"Home": "index.md"}]
    if ctx.summarizer is not None:
        entries.append({"Planning brief": "brief.md"})
    entries.append({"Browse": FIXED["browse"]})
    entries.append({"Decisions": FIXED["decisions"]})
    areas = [{"All areas": "areas/index.md"}]
    areas += [{a.name: target(ctx, "area", a.slug)} for a in ctx.wiki.areas]
    entries.append({"Areas": areas})
    for kind in ("tag", "customer", "team", "source", "month"):
        entries.append({TITLES[kind][0]: target(ctx, kind + "s")})
    return entries
