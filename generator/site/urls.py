"""Where each page of the wiki lives, and the relative links between pages."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from generator.model import Note
from generator.notes.load import slugify
from generator.site import render

if TYPE_CHECKING:
    from generator.site.context import SiteContext

Url = Callable[..., Any]

KIND_DIRS = {
    "area": "areas",
    "tag": "tags",
    "customer": "customers",
    "team": "teams",
    "source": "sources",
    "month": "timeline",
}
FIXED = {
    "home": "index.md",
    "brief": "brief.md",
    "browse": "browse/index.md",
    "decisions": "decisions/index.md",
}


def target(ctx: SiteContext, kind: str, key: str = "") -> str:
    """The src_uri of a page, by kind: note, decision, area, tag, customer, team, source, ..."""
    if kind in ("note", "decision"):
        return ctx.src_of[key]
    if kind in FIXED:
        return FIXED[kind]
    if kind.endswith("s") and kind[:-1] in KIND_DIRS:  # "areas" -> the index of areas
        return f"{KIND_DIRS[kind[:-1]]}/index.md"
    slug = slugify(key) if kind == "team" else key
    return f"{KIND_DIRS[kind]}/{slug}/index.md"


def feed_src(kind: str = "", key: str = "") -> str:
    """Where a feed lives: 'feed.xml', or 'feed-area-billing.xml' for a listing's own.

    Every feed sits at the site's root, as feed plugins put them: mkdocs-material reads the
    `sitemap.xml` next to each `<link rel="alternate">` of a page (for its language
    selector), so a feed in a listing's folder would cost a failed request on every visit.
    """
    return f"feed-{kind}-{key}.xml" if kind else "feed.xml"


def file_href(here: str, path: str, directory_urls: bool = True) -> Any:
    """The relative URL from the built page of src `here` (or from a file, when `here` does
    not end in .md) to the file at `path` under the site."""
    origin = page_url(here, directory_urls) if here.endswith(".md") else here
    relative = _relative(_parts(str(render.link(path))), _parts(posixpath.dirname(origin)))
    if relative and path.endswith("/"):
        relative += "/"
    return render.trusted(relative or "./")


def url_from(ctx: SiteContext, here: str) -> Url:
    """A `url(kind, key)` for templates: the relative `.md` link from page `here` to a target."""
    base = _parts(posixpath.dirname(here))

    def url(kind: str, key: str = "", page: int = 1) -> Any:
        return render.link(_relative(_parts(paged(target(ctx, kind, key), page)), base))

    return url


def href_from(ctx: SiteContext, here: str) -> Url:
    """An `href(kind, key)` for HTML in templates: the relative URL of the built page.

    Long lists are written as HTML, which Markdown passes through untouched (90,000 list rows
    at 10,000 notes would otherwise be parsed as Markdown); their links are final URLs.
    """
    directory_urls = ctx.directory_urls
    base = _parts(posixpath.dirname(page_url(here, directory_urls)))
    dests = ctx.dest_cache

    def href(kind: str, key: str = "", page: int = 1) -> Any:
        found = dests.get((kind, key, page))
        if found is None:
            dest = page_url(paged(target(ctx, kind, key), page), directory_urls)
            found = dests[kind, key, page] = (_parts(render.link(dest)), dest.endswith("/"))
        parts, folder = found
        relative = _relative(parts, base)
        return render.trusted((relative + "/" if folder and relative else relative) or "./")

    return href


def note_item_from(ctx: SiteContext, href: Url) -> Url:
    """A `note_item(note)` for templates: the note's row in a list of insights.

    The row is the macro `note_row` of _macros.md.j2. A note sits in dozens of lists (its
    area, tags, customers, month...), and its row differs between them only by the links
    `href` gave it; so each rendering is kept with the links it asked for, and used again on
    any page where those links come out the same.
    """
    asked: list[tuple[tuple[Any, ...], Any]] = []
    macros: list[Any] = []

    def recording_href(*args: Any) -> Any:
        url = href(*args)
        asked.append((args, url))
        return url

    def note_item(note: Note) -> Any:
        kept = ctx.row_cache.setdefault(note.id, [])
        for links, row in kept:
            if all(href(*args) == url for args, url in links):
                return row
        if not macros:
            module = render.template_module(
                "_macros.md.j2", ctx.overrides, href=recording_href, ctx=ctx
            )
            macros.append(module.note_row)
        asked.clear()
        row = macros[0](note)
        kept.append((tuple(asked), row))
        return row

    return note_item


def page_url(src: str, directory_urls: bool = True) -> str:
    """The URL (relative to the site root) MkDocs gives a page: 'a/b.md' -> 'a/b/'."""
    stem = src[: -len(".md")]
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def paged(src: str, page: int) -> str:
    return src if page <= 1 else posixpath.join(posixpath.dirname(src), f"page-{page}.md")


def _parts(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def _relative(dest: list[str], base: list[str]) -> str:
    """posixpath.relpath for clean relative paths, without its cost (it runs 300,000 times)."""
    common = 0
    for a, b in zip(dest, base, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(base) - common) + dest[common:])
