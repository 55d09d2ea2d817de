"""Compile a wiki: load and check the notes, summarise them, and plan every generated file.

This is the pipeline the MkDocs adapter (and any future engine) runs; it knows nothing about
MkDocs. Data flows one way: settings -> notes -> summaries -> pages -> files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from generator.site import pages
from generator.notes.areas import load_areas
from generator.site.browse import JSON_PATH, browse_json
from generator.site.feeds import feed_files
from generator.notes.history import git_history
from generator.signals.links import RelatedMap, backlinks
from generator.model import GitInfo, Wiki
from generator.notes.files import NOTE_ATTACHMENTS
from generator.notes.parsecache import ParseCache
from generator.notes.project import RegistryError, load_cached_wiki
from generator.config import Settings, resolve_as_of
from generator.signals.similar import TermsMemo
from generator.signals.summary import summarize

ASSETS = "assets/insights"
ASSET_DIR = Path(__file__).parent / "assets"


@dataclass
class BuiltSite:
    """A checked wiki and everything needed to write its pages."""

    root: Path
    settings: Settings
    as_of: dt.date
    wiki: Wiki
    context: pages.SiteContext
    nav: list[Any] = field(default_factory=list)
    fragmented: dict[str, pages.Page] = field(default_factory=dict)
    plan: dict[str, pages.PageMaker] = field(default_factory=dict)  # made pages leave it

    def __post_init__(self) -> None:
        self._notes_dir = (self.root / self.settings.notes_dir).resolve()
        self._registry = (self.root / self.settings.areas_file).resolve()
        self._vocabulary = (self.root / self.settings.tags_file).resolve()
        self.plan_paths = tuple(self.plan)  # every page planned, made or not

    @property
    def nav_paths(self) -> set[str]:
        """The src paths the navigation links to."""
        return set(_walk_nav(self.nav))

    @property
    def css(self) -> list[str]:
        """Stylesheets to add to every page."""
        return [f"{ASSETS}/{name}" for name in _asset_names() if name.endswith(".css")]

    @property
    def javascript(self) -> list[str]:
        """Scripts to add to every page."""
        return [f"{ASSETS}/{name}" for name in _asset_names() if name.endswith(".js")]

    def publishes(self, path: Path) -> bool:
        """Whether a file MkDocs found may be published as it is.

        From the notes folder only images and documents that notes link to are: a note's own
        Markdown is published through its generated page, and any other file there (HTML,
        SVG, scripts, the registry) could carry markup that no check has looked at.
        """
        if path in (self._registry, self._vocabulary):
            return False
        if not path.is_relative_to(self._notes_dir):
            return True
        return path.suffix.lower() in NOTE_ATTACHMENTS

    def page_markdown(self, src_uri: str) -> str | None:
        """The Markdown of a generated page, made now; None if no page has this path.

        The engine asks for each page when it reads it, so a page is made by the process that
        builds it (see generator/plugin/workers.py) and only once.
        """
        make = self.plan.pop(src_uri, None)
        if make is None:
            return None
        page = make()
        if page.fragments or page.untrusted:
            self.fragmented[page.src_uri] = page
        return page.markdown

    def finish_page(self, src_uri: str, html: str) -> str:
        """A page's rendered HTML with its HTML fragments spliced in, sanitised if it holds a
        note's raw HTML (see `pages.Page`)."""
        page = self.fragmented.pop(src_uri, None)
        return page.splice(html) if page else html

    def files(self) -> Iterator[tuple[str, str | bytes]]:
        """Every generated file as (path, content): pages, the feeds and the assets.

        A page's content is empty here: `page_markdown` makes it when the engine reads it.
        """
        for src_uri in list(self.plan):
            yield src_uri, ""
        yield from feed_files(self.context, self.settings.site_url)
        yield (
            JSON_PATH,
            browse_json(
                self.wiki.notes, self.wiki.areas, self.settings, self.context.directory_urls
            ),
        )
        for name in _asset_names():
            yield f"{ASSETS}/{name}", (ASSET_DIR / name).read_bytes()


def compile_site(
    root: Path,
    settings: Settings,
    as_of: dt.date | None,
    overrides: str | None = None,
    site_name: str = "Insight Wiki",
    directory_urls: bool = True,
    wiki: Wiki | None = None,
    say: Callable[[str], None] | None = None,
    cache: ParseCache | None = None,
    history: Mapping[str, GitInfo] | None = None,
    lazy: bool = False,
    terms: TermsMemo | None = None,
) -> BuiltSite:
    """Load every note (unless `wiki` was loaded already) and plan the site.

    Problems are in `.wiki.problems`; a broken area registry raises RegistryError. Notes are
    parsed through `cache`, or the one in cache_dir (see `load_cached_wiki`; `say` gets why a
    saved one was ignored). `history` is the notes' git history if known already.

    With `lazy`, the summaries and the similarity model are worked out only when a page
    first needs them: a preview server that remakes a few pages after an edit may need
    neither; it keeps the notes' `terms` for the next similarity model.
    """
    day = resolve_as_of(as_of, settings)
    if wiki is None:
        areas, problems = load_areas(root, settings)
        if problems:
            raise RegistryError(problems)
        wiki = load_cached_wiki(root, settings, areas, day, say=say, cache=cache)
    if history is None:
        history = git_history(root, settings.notes_dir) if settings.git_history else {}
    related = RelatedMap(wiki.notes, known=terms)
    context = pages.SiteContext(
        wiki=wiki,
        settings=settings,
        as_of=day,
        summarizer=partial(summarize, wiki.notes, wiki.areas, day, settings, decisions=wiki.decisions),
        history=history,
        related=related,
        backlinks=backlinks(wiki.notes),
        overrides=overrides,
        site_name=site_name,
        directory_urls=directory_urls,
    )
    if not lazy:  # worked out now, before page workers fork, so that they share them
        context.summary
        related.similar
    return BuiltSite(
        root, settings, day, wiki, context, pages.nav(context), plan=pages.page_plan(context)
    )


def _asset_names() -> list[str]:
    return sorted(p.name for p in ASSET_DIR.iterdir() if p.suffix in (".css", ".js"))


def _walk_nav(entries: Any) -> Iterator[str]:
    for entry in entries:
        for value in entry.values():
            if isinstance(value, list):
                yield from _walk_nav(value)
            else:
                yield value
