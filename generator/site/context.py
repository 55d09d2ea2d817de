"""What every page is made from (`SiteContext`), and a page made (`Page`).

Knows nothing about MkDocs: a page is its src_uri and its Markdown, with long HTML lists kept
apart until the Markdown is rendered.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from generator.config import Settings
from generator.model import CompanySummary, Decision, DecisionSummary, GitInfo, Note, Wiki
from generator.notes import body as notebody
from generator.signals.decisions import summarize_decisions
from generator.site import render
from generator.site.urls import href_from, note_item_from, url_from

PageMaker = Callable[[], "Page"]


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
    summarizer: Callable[[], CompanySummary] | None = None  # see `summary`
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
        self.decisions = sorted(self.wiki.decisions, key=newest_first)
        self.src_of.update((d.id, note_src(d, self.settings)) for d in self.decisions)
        self.cited = {i for d in self.decisions for i in d.evidence}

    @cached_property
    def summary(self) -> CompanySummary | None:
        """The 90-day summaries, findings included: worked out when a page first needs them
        (a build asks before its page workers fork; a preview server, only if it must)."""
        return self.summarizer() if self.summarizer is not None else None

    @cached_property
    def decided(self) -> dict[str, DecisionSummary]:
        """Each decision in the window by id, with its evidence and flags: what the summary
        says of it, without the findings (which only the brief's unaddressed list reads)."""
        start = self.as_of - dt.timedelta(days=self.settings.window_days - 1)
        heard = [n for n in self.notes if n.area in self.areas]
        found = summarize_decisions(self.decisions, heard, (), start, self.as_of, self.settings)
        return {s.decision.id: s for s in found.decisions}

    def informs(self, note_id: str) -> Sequence[DecisionSummary]:
        """The decisions that cite a note, newest first."""
        if note_id not in self.cited:  # most notes: no decision need be summarised
            return ()
        decided = self.decided
        return [
            decided[d.id] for d in self.decisions if d.id in decided for i in d.evidence if i == note_id
        ]


def newest_first(note: Note | Decision) -> tuple[int, str]:
    """Sort key: newest date first, then by id so equal dates keep a stable order."""
    return (-note.date.toordinal(), note.id)


def note_src(note: Note | Decision, settings: Settings) -> str:
    """A note's (or decision's) page keeps its path under the notes folder, so relative images
    work."""
    return under(note.path, settings.notes_dir)


def under(path: str, folder: str) -> str:
    """posixpath.relpath(path, folder), quickly for the usual case of a path inside folder."""
    prefix = _folder_prefix(folder)
    if path.startswith(prefix) and "/." not in path:
        return path[len(prefix) :]
    return posixpath.relpath(path, folder)


def fitted_body(note: Note | Decision) -> str:
    """The body as its page shows it: under the title, lists apart from paragraphs."""
    return notebody.loosen_lists(notebody.fit_headings(note.body, note.title))


@cache
def _folder_prefix(folder: str) -> str:
    clean = posixpath.normpath(folder)
    return "" if clean == "." else clean + "/"



def make_page(ctx: SiteContext, src: str, template: str, **context: Any) -> Page:
    """A page of `template`, rendered with the context every page gets and `context`."""
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

