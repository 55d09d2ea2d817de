"""Site search: a chunked Pagefind index of the built site (through generator/pagefind.py).

mkdocs-material's search downloads the whole index (18 MB at 10,000 notes) before the first
result. Pagefind splits the index into chunks, so the browser (generator/assets/search.js)
fetches only the few a query needs. Pages mark what to index with `data-pagefind-body`
(generator/theme/main.html wraps the article in it).

Pagefind reads a search copy of each page rather than the page: the `<html>` tag, the title
and the article, a quarter of the bytes, since the theme's header, navigation and footer
are not indexed anyway. The copies are written as pages are built, into a folder of their
own, and Pagefind's URLs come out the same since the copies keep the pages' paths.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path

from generator.pagefind import PagefindError, Service

OUTPUT_DIR = "pagefind"
IGNORED = (
    ".headerlink",  # the ¶ permalink next to each heading: not a word of the page
    # Lists at the top level of a generated page list other insights (listings, the newest,
    # related ones); each insight is found on its own page, so a listing is found by its name
    # and intro only. A note's own lists sit in .insight-body, its metadata in .insight-meta.
    "[data-pagefind-body] > ul",
    ".insight-list",
)


BODY_START = "<div data-pagefind-body>"
BODY_END = "<!--/insights-search-body-->"  # right after the closing tag (theme/main.html)
_HTML_TAG = re.compile(r"<html\b[^>]*>")
_TITLE = re.compile(r"<title>.*?</title>", re.DOTALL)
NOTHING = ".none"  # the marker of a page with nothing to index, next to where its copy would be
_POLL = 0.005  # seconds between looks for the next copy


class SiteSearchError(Exception):
    """Pagefind could not index the site; the message says why."""


def search_copy(html: str) -> str | None:
    """The part of a built page Pagefind reads: None for a page with nothing to index."""
    start, end = html.find(BODY_START), html.find(BODY_END)
    html_tag, title = _HTML_TAG.search(html), _TITLE.search(html)
    if start < 0 or end < start or html_tag is None:
        return None
    head = f'<head><meta charset="utf-8">{title.group(0) if title else ""}</head>'
    return f"<!doctype html>\n{html_tag.group(0)}{head}<body>{html[start:end]}</body></html>\n"


def write_search_copy(folder: Path, dest_uri: str, html: str) -> None:
    """Write a page's search copy at its path under `folder`, whole or not at all; for a page
    with nothing to index, an empty marker instead, so that LiveIndex need not wait for it."""
    copy = search_copy(html)
    path = folder / dest_uri
    path.parent.mkdir(parents=True, exist_ok=True)
    if copy is None:
        path.with_name(path.name + NOTHING).touch()
        return
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_text(copy, encoding="utf-8")
    os.replace(partial, path)


def index_site(site_dir: Path, copies: Path | None = None) -> int:
    """Index a built site into `<site_dir>/pagefind/`; return the number of pages indexed.

    `copies` is the folder of the pages' search copies; without it the pages are read. Pages
    go to Pagefind sorted by path.
    """
    output = site_dir / OUTPUT_DIR
    shutil.rmtree(output, ignore_errors=True)
    source = copies or site_dir
    pages = _pages(source)
    if not pages:
        raise SiteSearchError(f"Pagefind: {source} did not contain any html files to index")
    return LiveIndex(source, pages).finish(output)


class LiveIndex:
    """Pagefind indexing the search copies, in a thread, while the pages are being built.

    Copies are given to Pagefind in `order`, each as soon as its page is built (whichever
    process builds it). Pagefind's index depends on that order, so it must not depend on how
    pages were shared among processes: the plugin sorts the pages by path, as index_site
    does. A page is waited for until its copy or its marker appears, or until `finish` says
    that every page is built; copies of pages not in `order` are indexed last, by path.
    """

    def __init__(self, copies: Path, order: Sequence[str]) -> None:
        self.copies = copies
        self.order = list(order)
        self.fed: dict[int, str] = {}  # Pagefind's message number -> the page it indexes
        self.built = threading.Event()
        self.stopping = False
        self.error: Exception | None = None
        try:
            self.service = Service(cwd=copies)  # Pagefind also reads a pagefind.yml there
            self.index = self.service.new_index({"exclude_selectors": list(IGNORED)})
        except PagefindError as exc:
            raise SiteSearchError(str(exc)) from None
        self.thread = threading.Thread(target=self._feed, name="pagefind-feed", daemon=True)
        self.thread.start()

    def finish(self, output: Path) -> int:
        """Once every page is built: index the rest, write the index into `output` (replacing
        what was there) and return the number of pages in it."""
        self.built.set()
        self.thread.join()
        try:
            if self.error is not None:
                raise self.error
            done = set(self.fed.values())
            for page in _pages(self.copies):  # copies of pages not in `order`, if any
                if page not in done:
                    self._add(page, _read(self.copies / page))
            for number, page in self.fed.items():
                try:
                    self.service.wait(number)
                except PagefindError as exc:
                    raise SiteSearchError(f"{exc} (indexing {page})") from None
            shutil.rmtree(output, ignore_errors=True)
            for path, data in self.service.files(self.index):
                target = output.joinpath(*path.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        except PagefindError as exc:
            raise SiteSearchError(str(exc)) from None
        finally:
            self.service.close()
        return indexed_pages(output)

    def stop(self) -> None:
        """End the indexing of a build that failed."""
        self.stopping = True
        self.built.set()
        self.thread.join()
        self.service.close()

    def _feed(self) -> None:
        try:
            for page in self.order:
                html = self._wait_for(page)
                if self.stopping:
                    return
                if html is not None:
                    self._add(page, html)
        except Exception as exc:  # raised again by finish(), in the build's thread
            self.error = exc

    def _wait_for(self, page: str) -> str | None:
        path = self.copies / page
        marker = path.with_name(path.name + NOTHING)
        while True:
            last_look = self.built.is_set()
            try:
                return _read(path)
            except FileNotFoundError:
                pass
            if last_look or self.stopping or marker.exists():
                return None
            self.built.wait(_POLL)

    def _add(self, page: str, html: str) -> None:
        payload = {"type": "AddFile", "index_id": self.index, "file_path": page}
        number = self.service.send({**payload, "file_contents": html})
        self.fed[number] = page


def _pages(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def indexed_pages(output: Path) -> int:
    """How many pages an index written by Pagefind holds, over all languages."""
    entry = json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())
