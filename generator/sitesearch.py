"""Site search: a chunked Pagefind index of the built site. The only Pagefind user.

mkdocs-material's search downloads the whole index (18 MB at 10,000 notes) before the first
result. Pagefind splits the index into chunks, so the browser (generator/assets/search.js)
fetches only the few a query needs. Pages mark what to index with `data-pagefind-body`
(generator/theme/main.html wraps the article in it).

Pagefind reads a search copy of each page rather than the page: the `<html>` tag, the title
and the article, a quarter of the bytes, since the theme's header, navigation and footer
are not indexed anyway. The copies are written as pages are built, into a folder of their
own, and Pagefind's URLs come out the same since the copies keep the pages' paths.

Pagefind numbers pages in the order it finds their files, which is the order the file system
lists a folder. So `SearchCopies` makes every copy's file, empty, in sorted order before any
page is built, on a memory file system (/dev/shm) where that order is the order of creation:
the index then depends on the pages alone, not on which worker wrote which page first, nor
on the file system. (Without room there, the copies go to the temporary folder; on ext4,
say, the listing order is a hash with a seed per file system, the same from build to build
on one machine.) Memory also spares the disk 25,000 files and folders written, read and
deleted again at 10,000 notes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

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
MEMORY = Path("/dev/shm")
ROOM_PER_PAGE = 24_576  # bytes of memory a page's copy and its share of the index may need:
# twice the average at 10,000 notes


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


class SearchCopies:
    """The search copies of one build, and Pagefind's index of them: a temporary folder with
    the copies under `pages/`, a file made for every page, and the index under `index/`."""

    def __init__(self, dest_uris: Iterable[str], scratch: Path | None = None) -> None:
        """Make the folder and an empty file for each page, in sorted order (see above).

        `scratch` is where to put the folder; by default /dev/shm if it has room, else the
        temporary folder.
        """
        uris = sorted(set(dest_uris))
        where = scratch if scratch is not None else _scratch(len(uris))
        self.folder = Path(tempfile.mkdtemp(prefix="insights-search-", dir=where))
        self.pages = self.folder / "pages"
        self.index = self.folder / "index"
        self.pages.mkdir()
        made: set[str] = set()
        for uri in uris:
            *folders, name = uri.split("/")
            here = str(self.pages)
            for segment in folders:
                here = os.path.join(here, segment)
                if here not in made:
                    os.makedirs(here, exist_ok=True)
                    made.add(here)
            os.close(os.open(os.path.join(here, name), os.O_WRONLY | os.O_CREAT, 0o644))

    def write(self, dest_uri: str, html: str) -> None:
        """Keep a built page's search copy; a page with nothing to index leaves no file."""
        path = self.pages / dest_uri
        copy = search_copy(html)
        try:
            if copy is None:
                path.unlink(missing_ok=True)
                return
            try:
                path.write_text(copy, encoding="utf-8")
            except FileNotFoundError:  # a page no file was made for: its folder is missing
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(copy, encoding="utf-8")
        except OSError as exc:
            raise SiteSearchError(
                f"could not keep the search copy of {dest_uri} in {self.folder}: "
                f"{exc.strerror or exc}. Free some space there (or in /dev/shm) and build again."
            ) from None

    def remove(self) -> None:
        """Delete the folder and every copy in it."""
        shutil.rmtree(self.folder, ignore_errors=True)


def _scratch(pages: int) -> Path | None:
    """/dev/shm when it is there with room for the copies of `pages` pages; else None."""
    try:
        room = os.statvfs(MEMORY)
    except OSError:
        return None
    enough = room.f_bavail * room.f_frsize >= pages * ROOM_PER_PAGE
    return MEMORY if enough and os.access(MEMORY, os.W_OK | os.X_OK) else None


def index_site(site_dir: Path, copies: SearchCopies | None = None) -> int:
    """Index a built site into `<site_dir>/pagefind/`; return the number of pages indexed.

    With `copies`, Pagefind reads the pages' search copies and writes its index next to
    them, and the index is then copied into the site: Pagefind writes its 13,000 files (at
    10,000 notes) from dozens of threads at once, which costs a disk file system seconds of
    locking, where one copy after another costs well under one. Without copies, Pagefind
    reads the pages themselves and writes straight into the site.
    """
    output = site_dir / OUTPUT_DIR
    shutil.rmtree(output, ignore_errors=True)  # no stale chunks from an earlier build
    source, written = (copies.pages, copies.index) if copies is not None else (site_dir, output)
    result = subprocess.run(
        _command(source, written),
        cwd=source,  # Pagefind also reads a pagefind.yml in its working folder: not the wiki's
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise SiteSearchError("Pagefind failed: " + "\n".join(dict.fromkeys(lines)))
    if written != output:
        shutil.copytree(written, output)
    return indexed_pages(output)


def _command(site_dir: Path, output: Path) -> list[str]:
    """The bundled Pagefind binary (pagefind[bin]), run offline with every option explicit."""
    return [
        *(sys.executable, "-m", "pagefind"),
        *("--site", str(site_dir.resolve())),
        *("--output-path", str(output.resolve())),
        *(arg for selector in IGNORED for arg in ("--exclude-selectors", selector)),
        "--silent",
    ]


def indexed_pages(output: Path) -> int:
    """How many pages an index written by Pagefind holds, over all languages."""
    entry = json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())
