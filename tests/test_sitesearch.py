"""Site search at build time: the chunked index, what it reads of a page, and its words."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from generator.site import searchfiles, sitesearch
from generator.site.searchfiles import BONUS, K1, UNIT, B
from generator.site.sitesearch import SiteIndex, page_text
from generator.words import stem, words
from tests.conftest import FIXTURES, note_text
from tests.test_build import build, tree_digest


@pytest.fixture
def small(tmp_path: Path) -> Path:
    root = tmp_path / "small"
    shutil.copytree(FIXTURES / "small", root)
    return root


def html_pages(site: Path) -> list[Path]:
    """Every HTML page of a built site."""
    return sorted(site.rglob("*.html"))


def article(body: str, title: str = "Page - Wiki") -> str:
    """A built page around an article, as theme/main.html writes it."""
    return (
        f"<html><head><title>{title}</title></head><body><nav><ul><li>Menu</li></ul></nav>"
        f"{sitesearch.BODY_START}{body}</div>{sitesearch.BODY_END}<footer>Foot</footer></body></html>"
    )


def read_json(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))


def firsts(folder: Path, kind: str, tops: list[object], group: int) -> list[object]:
    """Each chunk's first, read from the group files (each group's first is in meta.json)."""
    found: list[object] = []
    for at, top in enumerate(tops):
        names = read_json(folder / "groups" / f"{kind}-{at}.json")
        assert isinstance(names, list) and names[0] == top and len(names) <= group
        assert at == len(tops) - 1 or len(names) == group  # chunk N is in group N // group
        found += names
    return found


def read_index(folder: Path) -> dict[str, Any]:
    """The whole index as search.js would see it: meta, every term's (page, score) postings
    (a common term's whole list), the heads of the common terms, and every page."""
    meta = read_json(folder / "meta.json")
    assert isinstance(meta, dict)
    postings: dict[str, list[tuple[int, int]]] = {}
    heads: dict[str, tuple[int, list[tuple[int, int]]]] = {}
    term_firsts = firsts(folder, "terms", meta["terms"], meta["group"])
    for number, first in enumerate(term_firsts):
        chunk = read_json(folder / "terms" / f"{number}.json")
        assert isinstance(chunk, dict) and chunk and next(iter(chunk)) == first
        for term, found in chunk.items():
            if isinstance(found, list):
                count, head, at = found
                heads[term] = (count, searchfiles.decode(head))
                whole = read_json(folder / "lists" / f"{at}.json")
                assert isinstance(whole, str)
                found = whole
            postings[term] = searchfiles.decode(found)
    pages: dict[int, dict[str, str]] = {}
    page_firsts = firsts(folder, "pages", meta["records"], meta["group"])
    for number, first in enumerate(page_firsts):
        chunk = read_json(folder / "pages" / f"{number}.json")
        assert isinstance(chunk, list) and isinstance(first, int)
        pages.update({first + at: page for at, page in enumerate(chunk) if page is not None})
    return {"meta": meta, "postings": postings, "heads": heads, "pages": pages}


def score(count: int, length: int, average: float, where: int = 0) -> int:
    """A posting's score, as BM25 defines it (the oracle for searchfiles.scores)."""
    norm = 1 - B + B * length / average
    return round((count * (K1 + 1) / (count + K1 * norm) + BONUS[where]) * UNIT)


@pytest.mark.slow
def test_two_builds_write_a_byte_identical_search_index(small: Path) -> None:
    assert build(small, "--as-of", "2026-06-30", site="one")[0] == 0
    assert build(small, "--as-of", "2026-06-30", site="two")[0] == 0
    one = tree_digest(small / "one" / "search")
    assert {"meta.json", "terms/0.json", "pages/0.json", "groups/terms-0.json"} <= set(one)
    assert one == tree_digest(small / "two" / "search")


HTML_NOTE = """\
<!-- ## Draft
Hushhush words nobody should find.
-->
<b>As a user</b> I want one invoice<br>a month.

<details>
<summary>Interview <i>notes</i></summary>

- Finance reconciles by hand.

</details>
"""


@pytest.mark.slow
def test_a_notes_html_is_shown_as_github_shows_it_and_searched_as_text(small: Path) -> None:
    note = small / "insights" / "billing" / "2026-06-21-html.md"
    note.write_text(note_text("One invoice a month", "2026-06-21", body=HTML_NOTE), "utf-8")
    code, output = build(small, "--strict")
    assert code == 0, output
    page = (small / "site" / "billing" / "2026-06-21-html" / "index.html").read_text("utf-8")
    assert "<b>As a user</b> I want one invoice<br>a month." in page
    assert "<summary>Interview <i>notes</i></summary>" in page
    assert "<li>Finance reconciles by hand.</li>" in page
    assert "Hushhush" not in page and "&lt;" not in page.split('class="insight-body"')[1]
    index = read_index(small / "site" / "search")
    found = [i for i, p in index["pages"].items() if p["title"] == "One invoice a month"]
    assert len(found) == 1
    assert "As a user I want one invoice a month." in index["pages"][found[0]]["text"]
    terms = {t for t, postings in index["postings"].items() if found[0] in dict(postings)}
    assert {"user", "invoic", "interview", "note", "financ"} <= terms
    assert {"b", "br", "details", "summary", "draft", "hushhush"} & terms == set()


@pytest.mark.slow
def test_every_page_but_the_404_is_indexed_and_no_whole_site_index_is_written(
    small: Path,
) -> None:
    code, output = build(small, "--strict")
    assert code == 0, output
    site = small / "site"
    assert not (site / "search" / "search_index.json").exists()
    pages = [p for p in html_pages(site) if p.name != "404.html"]
    index = read_index(site / "search")
    assert index["meta"]["pages"] == len(pages) == len(index["pages"])
    urls = {page["url"] for page in index["pages"].values()}
    assert {"./", "onboarding/2026-06-28-sso-setup-hidden/", "customers/"} <= urls
    for page in pages:
        assert page.read_text(encoding="utf-8").count("data-search-body") == 1, page
    assert "data-search-body" not in (site / "404.html").read_text(encoding="utf-8")
    assert stem("zephyrine") in index["postings"]


@pytest.mark.slow
@pytest.mark.parametrize("material_search", [True, False])
def test_the_header_search_box_is_ours_with_or_without_materials_plugin(
    small: Path, material_search: bool
) -> None:
    config = small / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - search\n" in text
    if not material_search:
        config.write_text(text.replace("  - search\n", ""), encoding="utf-8")
    assert build(small)[0] == 0
    html = (small / "site" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<label class="md-header__button md-icon" for="__search"', html)
    assert 'class="md-search"' in html and "data-insights-search" in html
    assert 'data-md-component="search' not in html  # material's hooks start its worker
    assert 'name="search"' not in html  # a form of that name makes material fetch its index
    assert not (small / "site" / "search" / "search_index.json").exists()


def test_the_index_holds_each_pages_terms_record_and_scores(tmp_path: Path) -> None:
    index = SiteIndex(tmp_path, [("b/index.html", "b/"), ("a/index.html", "a/"), ("404.html", "")])
    index.add("b/index.html", article("<h1>Billing</h1><p>Invoices, invoices &amp; refunds.</p>"))
    index.add("a/index.html", article("<h1>Admin</h1><p>One invoice.</p>"))
    index.add("404.html", "<html><body>Not found</body></html>")  # no article: not indexed
    index.add("elsewhere.html", article("<p>not a page of this build</p>"))
    assert index.write() == 2
    found = read_index(tmp_path / "search")
    # ids follow the sorted paths: 404.html 0, a/ 1, b/ 2
    assert found["pages"] == {
        1: {"url": "a/", "title": "Admin", "text": "Admin. One invoice."},
        2: {"url": "b/", "title": "Billing", "text": "Billing. Invoices, invoices & refunds."},
    }
    postings = found["postings"]
    # a: admin, one, invoic (3 words); b: bill, invoic, invoic, refund (4); average 3.5,
    # taken in whole words (4), so that one edited page rarely changes every score
    assert postings["invoic"] == [(1, score(1, 3, 4)), (2, score(2, 4, 4))]
    assert postings["bill"] == [(2, score(1, 4, 4, where=2))]
    assert postings["one"] == [(1, score(1, 3, 4))]
    assert score(1, 3, 4) > score(1, 4, 4)  # the shorter page weighs a word more
    assert "not" not in postings
    assert found["meta"]["pages"] == 2
    assert "lengths" not in found["meta"]


def test_pages_read_in_other_processes_give_the_same_index(tmp_path: Path) -> None:
    pages = [(f"p{n}/index.html", f"p{n}/") for n in range(40)]
    bodies = {
        dest: article(f"<h1>Page {n}</h1><p>word{n % 7} common text {n}</p>")
        for n, (dest, _) in enumerate(pages)
    }
    one = SiteIndex(tmp_path / "one", pages)
    for dest in bodies:
        one.add(dest, bodies[dest])
    one.write()
    three = SiteIndex(tmp_path / "three", pages)
    parts = []
    for share in (list(bodies)[::3], list(bodies)[1::3]):  # as two workers would, in turn
        for dest in reversed(share):
            three.add(dest, bodies[dest])
        parts.append(three.take())
    for dest in list(bodies)[2::3]:
        three.add(dest, bodies[dest])
    for part in reversed(parts):
        three.merge(part)
    three.write()
    assert tree_digest(tmp_path / "one" / "search") == tree_digest(tmp_path / "three" / "search")


def test_chunks_are_cut_by_size_and_name_their_first_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sitesearch, "TERM_CHUNK_BYTES", 200)
    monkeypatch.setattr(sitesearch, "PAGE_CHUNK_BYTES", 200)
    monkeypatch.setattr(searchfiles, "GROUP", 4)
    pages = [(f"p{n:03}.html", f"p{n:03}.html") for n in range(60)]
    index = SiteIndex(tmp_path, pages)
    for n, (dest, _) in enumerate(pages):
        index.add(dest, article(f"<p>alpha{n} beta{n} gamma{n} shared words here</p>"))
    index.write()
    found = read_index(tmp_path / "search")
    meta = found["meta"]
    assert len(meta["terms"]) > 3 and len(meta["records"]) > 3
    assert meta["group"] == 4
    terms = firsts(tmp_path / "search", "terms", meta["terms"], 4)
    assert len(terms) > 15 and terms == sorted(terms)  # type: ignore[type-var]
    for path in (tmp_path / "search" / "terms").iterdir():
        text = path.read_text(encoding="utf-8")
        assert len(text.encode()) <= 200 or len(json.loads(text)) == 1, path.name
    assert len(found["pages"]) == 60
    every = score(1, 6, 6.0)  # each page: alpha{n} beta{n} gamma{n} shared words here
    assert found["postings"]["here"] == [(n, every) for n in range(60)]


def test_terms_sort_as_javascript_compares_strings(tmp_path: Path) -> None:
    """Python orders str by code point, JavaScript by UTF-16 unit: 𝒜 (U+1D49C) comes before
    ｆ (U+FF46) in JavaScript. The chunks must be in the order search.js searches them."""
    assert sorted(["\uff46", "\U0001d49c"], key=sitesearch._code_units) == ["\U0001d49c", "\uff46"]


def test_an_index_that_cannot_be_written_says_where_and_why(tmp_path: Path) -> None:
    (tmp_path / "search").write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(sitesearch.SiteSearchError, match=r"search.*build again"):
        index = SiteIndex(tmp_path / "search" / "x", [("a.html", "a.html")])
        index.add("a.html", article("<p>text</p>"))
        index.write()


@pytest.mark.parametrize(
    ("body", "title", "text"),
    [
        # a heading's permalink, the theme's icons and scripts are not text
        (
            '<h1 id="t">Title<a class="headerlink" href="#t">&para;</a></h1><p>Body <em>here</em>'
            "</p><script>var x = 1;</script><svg><title>icon</title></svg>",
            "Title",
            "Title. Body here",
        ),
        # lists at the top level list other pages; a note's own lists are indexed
        (
            "<p>Intro</p><ul><li>Other page</li></ul>"
            '<div class="insight-body"><ul><li>Own <b>point</b></li><li>two</li></ul></div>'
            '<div><ul class="insight-list"><li>Related <ul><li>deeper</li></ul></li></ul>'
            "after</div>",
            "Page - Wiki",
            "Intro. Own point. two. after",
        ),
        # a pager is links, not words
        (
            '<p>Listing</p><nav class="insight-pager"><p><strong>1</strong> · <a>2</a></p></nav>',
            "Page - Wiki",
            "Listing",
        ),
        # markup from a note arrives escaped, and stays text
        (
            "<h1>&lt;img src=x onerror=alert(1)&gt;</h1><p>a &amp; b<br>c</p>",
            "<img src=x onerror=alert(1)>",
            "<img src=x onerror=alert(1)> a & b c",  # no full stop after a bracket
        ),
        # an element never closed skips the rest, and nothing breaks
        ('<p>kept</p><span class="headerlink">never closed', "Page - Wiki", "kept"),
    ],
)
def test_page_text(body: str, title: str, text: str) -> None:
    found = page_text(article(body))
    assert found is not None
    assert (found.title, found.text) == (title, text)


def test_page_text_marks_headings_and_counts_words() -> None:
    html = "<h1>Export</h1><h2>Exports and data</h2><p>exporting data, data</p><h1>Later</h1>"
    found = page_text(article(html))
    assert found is not None
    assert found.title == "Export"
    assert sum(found.counts.values()) == 8
    assert found.counts == {"export": 3, "and": 1, "data": 3, "later": 1}
    assert found.headings == {
        "export": sitesearch.TITLE,
        "and": sitesearch.HEADING,
        "data": sitesearch.HEADING,
        "later": sitesearch.HEADING,
    }


def test_a_page_without_an_article_is_not_indexed() -> None:
    assert page_text("<html><body><p>no article</p></body></html>") is None
    assert page_text(f"<html>{sitesearch.BODY_START}cut short") is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Invoices, CSV-export; v2.1", ["invoices", "csv", "export", "v2", "1"]),
        ("Café naïve ÅNGSTRÖM", ["cafe", "naive", "angstrom"]),
        ("ﬁle ２０２６", ["file", "2026"]),  # compatibility forms
        ("under_score", ["under", "score"]),
        ("請求書の発行 abc", ["請", "求", "書", "の", "発", "行", "abc"]),
        ("Москва и Київ", ["москва", "и", "киів"]),
    ],
)
def test_words(text: str, found: list[str]) -> None:
    assert words(text) == found


@pytest.mark.parametrize(
    ("word", "stemmed"),
    [
        ("invoice", "invoic"),
        ("invoices", "invoic"),
        ("invoiced", "invoic"),
        ("invoicing", "invoic"),
        ("companies", "company"),
        ("shipping", "ship"),
        ("billing", "bill"),
        ("exported", "export"),
        ("classes", "class"),
        ("status", "status"),
        ("analysis", "analysis"),
        ("need", "need"),  # -ed would leave too little
        ("string", "string"),  # no vowel before -ing
        ("sso", "sso"),
        ("v2", "v2"),
        ("café", "café"),  # not a-z: its own stem
    ],
)
def test_stem(word: str, stemmed: str) -> None:
    assert stem(word) == stemmed


@pytest.mark.parametrize(
    "pairs",
    [
        [],
        [(0, 0)],
        [(0, 1), (1, 170_394), (31, 5), (32, 6), (1_055, 7), (130_000, 262_143)],
        [(n * 977, n * 31) for n in range(200)],
    ],
)
def test_postings_encode_as_text_and_decode_back(pairs: list[tuple[int, int]]) -> None:
    text = searchfiles.encode(pairs)
    assert set(text) <= set(searchfiles.DIGITS)  # JSON needs no escapes for it
    assert searchfiles.decode(text) == pairs
    assert len(searchfiles.encode([(5, 100)])) == 4  # a small gap and a score: 4 bytes


def test_the_highest_score_fits_three_digits() -> None:
    most = round((K1 + 1 + max(BONUS)) * UNIT)
    assert most < 64**3
    assert searchfiles.decode(searchfiles.encode([(0, most)])) == [(0, most)]


def test_chunks_are_cut_before_the_item_that_would_overflow() -> None:
    sizes = {"a": 4, "b": 4, "c": 30, "d": 1, "e": 9, "f": 2}
    runs = searchfiles.chunks(list(sizes), 10, sizes.__getitem__)
    assert runs == [["a", "b"], ["c"], ["d", "e"], ["f"]]  # c alone is bigger than 10
    assert searchfiles.chunks([], 10, len) == []


def test_a_common_terms_chunk_holds_its_best_pages_and_its_whole_list_is_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(searchfiles, "FULL_POSTINGS", 5)
    monkeypatch.setattr(searchfiles, "HEAD_POSTINGS", 3)
    pages = [(f"p{n:02}.html", f"p{n:02}.html") for n in range(12)]
    index = SiteIndex(tmp_path, pages)
    for n, (dest, _) in enumerate(pages):  # "common" in every page, "rare" in two
        heading = "<h1>common</h1>" if n == 9 else "<h1>title</h1>"
        extra = " rare" if n in (3, 4) else ""
        index.add(dest, article(f"{heading}<p>{'common ' * (n % 4 + 1)}filler{extra}</p>"))
    index.write()
    found = read_index(tmp_path / "search")
    whole = found["postings"]["common"]
    assert [page for page, _ in whole] == list(range(12))
    count, head = found["heads"]["common"]
    assert count == 12
    best = sorted(whole, key=lambda pair: (-pair[1], pair[0]))[:3]
    assert head == sorted(best)
    assert 9 in [page for page, _ in head]  # the page titled "common" scores highest
    assert "rare" not in found["heads"]
    assert [page for page, _ in found["postings"]["rare"]] == [3, 4]
    assert (tmp_path / "search" / "lists" / "0.json").exists()


@pytest.mark.parametrize("edit", ["nothing", "same-length", "longer", "page-added"])
def test_an_index_written_with_the_last_builds_memo_is_the_one_written_without(
    tmp_path: Path, edit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next build reuses each term's encoded postings where they and their pages'
    lengths are the same, and writes the index a build without the memo writes."""
    pages = [(f"p{n}/index.html", f"p{n}/") for n in range(30)]
    bodies = {
        dest: article(f"<h1>Page {n}</h1><p>word{n % 7} common text {n} invoice</p>")
        for n, (dest, _) in enumerate(pages)
    }
    memo = searchfiles.EntryMemo()
    first = SiteIndex(tmp_path / "one", pages)
    for dest, body in bodies.items():
        first.add(dest, body)
    first.write(memo)
    changed = dict(bodies)
    edited = pages[4][0]
    if edit == "same-length":
        changed[edited] = bodies[edited].replace("word4", "refund")
    elif edit == "longer":  # "common" keeps its postings, yet this page's scores all move
        changed[edited] = bodies[edited].replace("</p>", " exports arrive late</p>")
    elif edit == "page-added":
        pages = [*pages, ("p2b/index.html", "p2b/")]
        changed["p2b/index.html"] = article("<h1>Added</h1><p>common invoice</p>")
    encoded = []
    real = searchfiles._encoded
    monkeypatch.setattr(searchfiles, "_encoded", lambda *a: encoded.append(1) or real(*a))
    warm, fresh = SiteIndex(tmp_path / "warm", pages), {}
    for dest, body in changed.items():
        if body != bodies.get(dest):  # built afresh
            fresh[dest] = warm.add(dest, body)
        else:  # reused, with what was read of it then
            warm.add_text(dest, page_text(body))
    warm.write(memo, fresh)
    cold = SiteIndex(tmp_path / "cold", pages)
    for dest, body in changed.items():
        cold.add(dest, body)
    terms = cold.write()
    assert tree_digest(tmp_path / "warm" / "search") == tree_digest(tmp_path / "cold" / "search")
    encoded_warm = len(encoded) - len(cold.postings)
    if edit == "nothing":
        assert encoded_warm == 0
    elif edit in ("same-length", "longer"):
        assert 0 < encoded_warm < len(cold.postings) / 2, (encoded_warm, terms)
    else:  # other pages: every page id after it moved
        assert encoded_warm == len(cold.postings)
