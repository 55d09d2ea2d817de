"""Site search: a chunked static index of the built site, written by the build itself.

mkdocs-material's search downloads the whole index (18 MB at 10,000 notes) before the first
result. This index is split so that the browser (generator/site/assets/search.js) fetches only
what a query needs, and so that what it fetches first grows slowly with the site:

    search/meta.json      the format, the number of pages, GROUP, UNIT, and the first term
                          (first page id) of each group of GROUP chunks of terms (of pages)
    search/groups/terms-G.json, pages-G.json
                          the first term (page id) of each chunk of group G: chunk number
                          N is in group N // GROUP
    search/terms/N.json   a chunk of the sorted terms: {term: postings}, where postings is a
                          text of (page id, score) pairs by page id: the gap from the last
                          page id (base 32, the last digit + 32) and the score (3 digits of
                          base 64; searchfiles.DIGITS). The score is BM25's term-frequency
                          part, the page's length already in it, plus a bonus for a term in a
                          heading or the title, times UNIT; search.js multiplies it by the
                          term's idf. A common term, in more than FULL_POSTINGS pages, has
                          [pages, head, L] instead: the head holds its HEAD_POSTINGS best
                          postings, the first results of a search for it alone, and
    search/lists/L.json   its whole postings (a JSON string), fetched only for a query made
                          of common words alone, or to show results past the head. In a query
                          with a rarer word, a common word is a stop word: it does not filter,
                          and adds its score only to the pages of its head.
    search/pages/N.json   a chunk of pages, by id: [{"url", "title", "text"} or null, ...],
                          for the results shown and their excerpts

So a query fetches meta.json, a group file and a chunk per word (at most about FULL_POSTINGS
postings of a few bytes each), and a group file and a chunk of pages per result shown (10 at
first). A chunk holds about TERM_CHUNK_BYTES or PAGE_CHUNK_BYTES. Pages are read as they are
built, by whichever process builds them: `SiteIndex.add` takes the article (theme/main.html
marks it with `data-search-body`) apart into text and terms. Each worker hands what it read
over (`SiteIndex.take`), and the main process writes the files (`SiteIndex.write`): a few
thousand files at 10,000 notes, not one per page, which a disk file system creates slowly. A
page's id is its place among all pages sorted by path, and every list is sorted, so the
index depends on the pages alone: not on how many processes built them, nor in which order.

Words are found, folded and stemmed by generator/words.py, as search.js does too;
tests/test_sitesearch_browser.py checks the two agree.
"""

from __future__ import annotations

import html as htmllib
import os
import re
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.digest import digest
from generator.site import searchfiles
from generator.site.searchfiles import FORMAT, EntryMemo, dumps
from generator.words import term_counts

OUTPUT_DIR = "search"
BODY_START = "<div data-search-body>"
BODY_END = "<!--/insights-search-body-->"  # right after the closing tag (theme/main.html)
# A chunk is cut after about this many bytes. Each query fetches a chunk of terms per word
# and a chunk of pages per result shown (10 at first); smaller chunks mean more files.
TERM_CHUNK_BYTES = 32_000
PAGE_CHUNK_BYTES = 16_000
MAX_TEXT = 100_000  # characters of a page's text kept for its excerpt (all of it is indexed)
MAX_COUNT = 4_095  # a posting's count fits in its low 12 bits
# A posting's bits 12-13 say where a term is a heading's: its score gets a bonus for it, so a
# page titled with a word ranks first (searchfiles.BONUS).
TITLE, HEADING = 2 << 12, 1 << 12
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Elements whose text is not indexed. Lists at the top level of the article list other
# insights (listings, the newest, related ones): each insight is found on its own page, so a
# listing is found by its name and intro only. A note's own lists sit inside .insight-body.
# A <nav> in an article is a pager or the like: links, not words of the page.
SKIPPED_TAGS = frozenset({"script", "style", "svg", "template", "noscript", "button", "nav"})
SKIPPED_CLASSES = frozenset({"headerlink", "insight-list"})
BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
     "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li",
     "main", "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul"}
)  # fmt: skip

# The tags page_text looks at: block elements and skipped ones, and any other element with a
# class attribute (which may be a skipped class); the rest of the markup is text to it, until
# _TAG strips it. Tag names are lower case, as Python-Markdown and the theme write them.
_BLOCK_TAG = re.compile(
    r"<(/?)("
    + "|".join(sorted(BLOCK_TAGS | SKIPPED_TAGS | {"br"}, key=len, reverse=True))
    + r")(?=[\s/>])([^>]*)>"
    + r'|<([a-z][a-z0-9-]*) [^>]*?class="([^"]*)"'
)
_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
_SAME_TAG: dict[str, re.Pattern[str]] = {}
_BLOCK = "\x00"  # where a block element starts or ends
_CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_SPACE = re.compile(r"\s+")


class SiteSearchError(Exception):
    """The index could not be written; the message says where and why."""


@dataclass(frozen=True)
class PageText:
    """What search keeps of a built page."""

    title: str  # the first <h1>, else the <title>
    text: str  # the article's text, tags and skipped elements left out
    counts: dict[str, int]  # stemmed term: how often it occurs, in the text
    headings: dict[str, int]  # stemmed term: TITLE if in the first h1, else HEADING if in one


def page_text(html: str) -> PageText | None:
    """What search keeps of a built page; None for a page with no article (the 404 page).

    Only block elements and skipped ones are looked at one by one: the text between them,
    inline tags and all, is kept as it is, and the inline tags come off at the end.
    """
    start, end = html.find(BODY_START), html.find(BODY_END)
    if start < 0 or end < start:
        return None
    parts: list[str] = []
    headings: list[tuple[str, int, int]] = []  # tag, where its text starts and ends in parts
    heading, heading_at = "", 0  # the open heading's tag, and where its text starts
    depth = 0  # block elements open inside the article
    pos = scan = start + len(BODY_START)  # where the text not yet kept starts; where to look
    while (found := _BLOCK_TAG.search(html, scan, end)) is not None:
        close, name, attrs, inline, classes = found.groups()
        if inline and SKIPPED_CLASSES.isdisjoint(classes.split()):
            scan = found.end()  # an inline element with a class: part of the text
            continue
        parts.append(html[pos : found.start()])
        pos = scan = found.end()
        if inline:
            pos = scan = _end_of(inline, html, found.start() + 1, end)
        elif name == "br":
            parts.append(" ")
        elif close:
            depth = max(0, depth - 1)
            if name == heading:
                headings.append((name, heading_at, len(parts)))
                heading = ""
            parts.append(_BLOCK)
        elif attrs.endswith("/"):
            continue
        elif name in SKIPPED_TAGS or (name == "ul" and depth == 0) or _skipped_class(attrs):
            pos = scan = _end_of(name, html, pos, end)
        else:
            depth += 1
            parts.append(_BLOCK)
            if name in HEADINGS and not heading:
                heading, heading_at = name, len(parts)
    parts.append(html[pos:end])
    text = _clean("".join(parts))
    title = ""
    counts = term_counts(text)
    marks: dict[str, int] = {}
    for name, first, last in headings:
        heading_text = _clean("".join(parts[first:last]))
        mark = TITLE if name == "h1" and not title else HEADING
        if mark == TITLE:
            title = heading_text
        for term in term_counts(heading_text):
            marks[term] = max(mark, marks.get(term, 0))
    return PageText(title or _title(html), text, counts, marks)


def _skipped_class(attrs: str) -> bool:
    if "class" not in attrs:
        return False
    found = _CLASS.search(attrs)
    return found is not None and not SKIPPED_CLASSES.isdisjoint("".join(found.groups("")).split())


def _end_of(name: str, html: str, pos: int, end: int) -> int:
    """Where the element `name` opened just before `pos` ends (after its closing tag)."""
    pattern = _SAME_TAG.get(name)
    if pattern is None:
        pattern = _SAME_TAG[name] = re.compile(rf"<(/?){re.escape(name)}(?=[\s/>])[^>]*>")
    open_ = 1
    for found in pattern.finditer(html, pos, end):
        if found.group(1):
            open_ -= 1
            if open_ == 0:
                return found.end()
        elif not found.group(0).endswith("/>"):
            open_ += 1
    return end  # never closed: skip the rest


def _clean(text: str) -> str:
    """Text between block tags as one line: inline tags off, entities decoded, runs of space
    made one, and a full stop where a block such as a list item ends after a word."""
    text = _SPACE.sub(" ", htmllib.unescape(_TAG.sub("", text)))
    if _BLOCK not in text:
        return text.strip()
    out: list[str] = []
    for block in text.split(_BLOCK):
        block = block.strip()
        if block:
            if out and out[-1][-1].isalnum():
                out[-1] += "."
            out.append(block)
    return " ".join(out)


def _title(html: str) -> str:
    start = html.find("<title>")
    end = html.find("</title>", start)
    return _clean(html[start + 7 : end]) if 0 <= start < end else ""


Part = tuple[list[tuple[int, int, str]], dict[str, list[int]]]  # what SiteIndex.take returns


class SiteIndex:
    """The search index of one build: pages are added as they are built, in any process."""

    def __init__(self, site_dir: Path, pages: Iterable[tuple[str, str]]) -> None:
        """Number the pages, given as (dest_uri, url), and empty the index's folder."""
        self.folder = site_dir / OUTPUT_DIR
        ordered = sorted(set(pages))
        self.ids = {dest: number for number, (dest, _) in enumerate(ordered)}
        self.urls = [url for _, url in ordered]
        self.lengths = [0] * len(ordered)
        self.records: dict[int, str] = {}  # page id: its JSON record, {"url", "title", "text"}
        self.postings: dict[str, list[int]] = {}
        self.added: list[tuple[int, PageText, str]] = []  # id, what was read, record
        shutil.rmtree(self.folder, ignore_errors=True)  # no stale files from a --dirty build

    def add(self, dest_uri: str, html: str) -> PageText | None:
        """Index a built page: keep its terms and record for `take` or `write`. Returns what
        was read of it, which `add_text` takes again (a build cache keeps it)."""
        found = page_text(html) if dest_uri in self.ids else None
        self.add_text(dest_uri, found)
        return found

    def add_text(self, dest_uri: str, found: PageText | None) -> None:
        """Index a page from what `add` read of it earlier."""
        number = self.ids.get(dest_uri)
        if number is None or found is None:
            return
        record = {"url": self.urls[number], "title": found.title, "text": found.text[:MAX_TEXT]}
        self.added.append((number, found, dumps(record)))

    def take(self) -> Part:
        """The pages added in this process: (id, length, record) and postings, sorted by id."""
        self.added.sort(key=lambda page: page[0])
        postings: dict[str, list[int]] = {}
        for number, found, _ in self.added:
            key, marks = number << 16, found.headings
            for term, count in found.counts.items():
                posting = key | marks.get(term, 0) | min(count, MAX_COUNT)
                try:
                    postings[term].append(posting)
                except KeyError:
                    postings[term] = [posting]
        pages = [(n, sum(found.counts.values()), record) for n, found, record in self.added]
        self.added = []
        return pages, postings

    def merge(self, part: Part) -> None:
        """Take in what `take` returned, in this process or another."""
        pages, postings = part
        for number, length, record in pages:
            self.lengths[number] = length
            self.records[number] = record
        mine = self.postings
        for term, found in postings.items():
            have = mine.get(term)
            if have is None:
                mine[term] = found
            else:
                have.extend(found)
                have.sort()

    def write(
        self, memo: EntryMemo | None = None, fresh: Mapping[str, PageText | None] | None = None
    ) -> int:
        """Write the whole index (the pages added here too); return the number of pages.

        `memo` keeps each term's encoded postings for the next build (searchfiles.EntryMemo);
        `fresh` is what was read of each page built afresh (not reused) in this build."""
        self.merge(self.take())
        average = round(sum(self.lengths) / max(1, len(self.records)))  # in whole words
        norms = searchfiles.norms(self.lengths, average)
        terms = sorted(self.postings, key=_code_units)
        moved = self._moved(memo, average, fresh or {})
        entries, lists = searchfiles.term_entries(self.postings, norms, terms, memo, moved)
        term_chunks = searchfiles.chunks(list(range(len(terms))), TERM_CHUNK_BYTES,
                                         lambda at: len(entries[at]) + 1)  # fmt: skip
        numbers = sorted(self.records)
        page_chunks = searchfiles.chunks(
            numbers, PAGE_CHUNK_BYTES, lambda n: len(self.records[n]) + 1
        )
        for folder in ("terms", "lists", "pages", "groups"):
            self._makedirs(self.folder / folder)
        for at, chunk in enumerate(term_chunks):
            text = "{" + ",".join(entries[entry] for entry in chunk) + "}"
            self._write(self.folder / "terms" / f"{at}.json", text)
        for at, text in enumerate(lists):
            self._write(self.folder / "lists" / f"{at}.json", text)
        for at, pages in enumerate(page_chunks):
            first = pages[0]
            slots = ["null"] * (pages[-1] - first + 1)
            for number in pages:
                slots[number - first] = self.records[number]
            self._write(self.folder / "pages" / f"{at}.json", f"[{','.join(slots)}]")
        meta = {
            "format": FORMAT,
            "pages": len(self.records),
            "group": searchfiles.GROUP,
            "unit": searchfiles.UNIT,
            "terms": self._groups("terms", [terms[chunk[0]] for chunk in term_chunks]),
            "records": self._groups("pages", [chunk[0] for chunk in page_chunks]),
        }
        self._write(self.folder / "meta.json", dumps(meta))
        return len(self.records)

    def _moved(
        self, memo: EntryMemo | None, average: float, fresh: Mapping[str, PageText | None]
    ) -> set[str]:
        """The terms of the pages whose length changed since `memo` was written (emptying
        the memo if it is of other pages, or of another average length); the memo is then
        brought up to date."""
        if memo is None:
            return set()
        pages = digest(list(self.ids))
        if (memo.pages, memo.average, len(memo.lengths)) != (pages, average, len(self.lengths)):
            memo.entries = {}
        changed = {i for i, (a, b) in enumerate(zip(self.lengths, memo.lengths)) if a != b}
        moved: set[str] = set()
        for dest, found in fresh.items():
            number = self.ids.get(dest)
            if number in changed and found is not None:
                moved.update(found.counts)
                changed.discard(number)
        if changed:  # a page read in no process of this build: trust nothing kept
            memo.entries = {}
        memo.pages, memo.average, memo.lengths = pages, average, list(self.lengths)
        return moved

    def _groups(self, kind: str, firsts: list[str] | list[int]) -> list[object]:
        """Write the group files of a kind of chunk; the first of each group, for meta.json."""
        found: list[object] = []
        for at, group in enumerate(searchfiles.groups(firsts)):
            self._write(self.folder / "groups" / f"{kind}-{at}.json", dumps(group))
            found.append(group[0])
        return found

    def _write(self, path: Path, text: str) -> None:
        try:
            with open(path, "w", encoding="utf-8") as file:
                file.write(text)
        except OSError as exc:
            raise SiteSearchError(_cannot(path, exc)) from None

    def _makedirs(self, path: Path) -> None:
        try:
            os.makedirs(path, exist_ok=True)
        except OSError as exc:
            raise SiteSearchError(_cannot(path, exc)) from None


def _cannot(path: Path, exc: OSError) -> str:
    return (
        f"could not write the search index at {path}: {exc.strerror or exc}. "
        "Free some space there (or fix its permissions) and build again."
    )


def _code_units(term: str) -> bytes:
    """Sort key: the order of JavaScript's < on strings (UTF-16 code units)."""
    return term.encode("utf-16-be")
