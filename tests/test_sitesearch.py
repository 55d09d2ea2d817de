"""Site search at build time: the Pagefind index, its determinism, and no whole-site index."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator import sitesearch
from tests.conftest import FIXTURES
from tests.test_build import build, tree_digest

pytestmark = pytest.mark.slow


@pytest.fixture
def small(tmp_path: Path) -> Path:
    root = tmp_path / "small"
    shutil.copytree(FIXTURES / "small", root)
    return root


def html_pages(site: Path) -> list[Path]:
    """Every HTML page of a built site, Pagefind's own files aside."""
    return [p for p in sorted(site.rglob("*.html")) if "pagefind" not in p.parts]


def test_two_builds_write_a_byte_identical_search_index(small: Path) -> None:
    assert build(small, "--as-of", "2026-06-30", site="one")[0] == 0
    assert build(small, "--as-of", "2026-06-30", site="two")[0] == 0
    one = tree_digest(small / "one" / "pagefind")
    assert any(name.startswith("fragment/") for name in one)
    assert any(name.startswith("index/") for name in one)
    assert one == tree_digest(small / "two" / "pagefind")


def test_every_page_but_the_404_is_indexed_and_no_whole_site_index_is_written(
    small: Path,
) -> None:
    code, output = build(small, "--strict")
    assert code == 0, output
    site = small / "site"
    assert not (site / "search" / "search_index.json").exists()
    pages = [p for p in html_pages(site) if p.name != "404.html"]
    assert sitesearch.indexed_pages(site / "pagefind") == len(pages)
    for page in pages:
        assert page.read_text(encoding="utf-8").count("data-pagefind-body") == 1, page
    assert "data-pagefind-body" not in (site / "404.html").read_text(encoding="utf-8")


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


def test_a_site_pagefind_cannot_index_fails_with_its_reason(tmp_path: Path) -> None:
    with pytest.raises(sitesearch.SiteSearchError, match="did not contain any html files"):
        sitesearch.index_site(tmp_path)


def test_the_search_copies_give_the_index_the_whole_pages_give(small: Path) -> None:
    """(On the site's own file system, so that Pagefind finds the files in the same order.)"""
    assert build(small)[0] == 0
    site = small / "site"
    pages = html_pages(site)
    assert sitesearch.index_site(site) == len(pages) - 1  # from the whole pages
    built = tree_digest(site / "pagefind")
    copies = sitesearch.SearchCopies((p.relative_to(site).as_posix() for p in pages), small)
    try:
        for page in pages:
            copies.write(page.relative_to(site).as_posix(), page.read_text(encoding="utf-8"))
        kept = sorted(p.relative_to(copies.pages) for p in copies.pages.rglob("*.html"))
        # the 404 page has nothing to index: its empty file is gone
        assert kept == sorted(p.relative_to(site) for p in pages if p.name != "404.html")
        assert sitesearch.index_site(site, copies) == len(pages) - 1
        assert tree_digest(site / "pagefind") == built
    finally:
        copies.remove()
    assert not copies.folder.exists()


def test_the_index_does_not_depend_on_the_order_pages_are_built_in(small: Path) -> None:
    """Pagefind numbers pages in the order the file system lists them; on a memory file
    system that is the order files were made in, so SearchCopies makes them all up front."""
    assert build(small)[0] == 0
    site = small / "site"
    pages = [p for p in html_pages(site) if p.name != "404.html"]
    digests = []
    for order in (pages, pages[::-1]):
        copies = sitesearch.SearchCopies(p.relative_to(site).as_posix() for p in pages)
        try:
            for page in order:
                copies.write(page.relative_to(site).as_posix(), page.read_text(encoding="utf-8"))
            out = small / f"index-{len(digests)}"
            sitesearch.index_site(out, copies)
            digests.append(tree_digest(out / "pagefind"))
        finally:
            copies.remove()
    assert digests[0] == digests[1]


def test_search_copies_go_to_memory_when_it_has_room(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory = tmp_path / "shm"
    memory.mkdir()
    monkeypatch.setattr(sitesearch, "MEMORY", memory)
    copies = sitesearch.SearchCopies(["a/index.html", "index.html"])
    assert copies.folder.parent == memory
    assert sorted(p.relative_to(copies.folder).as_posix() for p in copies.folder.rglob("*")) == [
        "pages",
        "pages/a",
        "pages/a/index.html",
        "pages/index.html",
    ]
    copies.remove()
    monkeypatch.setattr(sitesearch, "ROOM_PER_PAGE", 1 << 60)  # no room: the temporary folder
    copies = sitesearch.SearchCopies(["index.html"])
    assert copies.folder.parent != memory
    copies.remove()
    monkeypatch.setattr(sitesearch, "MEMORY", tmp_path / "missing")
    copies = sitesearch.SearchCopies(["index.html"])
    assert copies.folder.exists()
    copies.remove()


def test_a_search_copy_that_cannot_be_written_says_where_and_why(tmp_path: Path) -> None:
    copies = sitesearch.SearchCopies(["a/index.html"], scratch=tmp_path)
    (copies.pages / "a" / "index.html").unlink()
    (copies.pages / "a").rmdir()
    (copies.pages / "a").write_text("a file where a folder should be", encoding="utf-8")
    html = "<html><div data-pagefind-body>x</div><!--/insights-search-body-->"
    with pytest.raises(sitesearch.SiteSearchError, match=r"a/index\.html.*build again"):
        copies.write("a/index.html", html)
    copies.remove()


@pytest.mark.parametrize(
    ("html", "copy"),
    [
        (
            '<html lang="de" class="x"><head><title>A &lt;b&gt;</title><link></head><body>'
            "<nav>menu</nav><div data-pagefind-body><h1>A</h1></div><!--/insights-search-body-->"
            "<footer>f</footer></body></html>",
            '<!doctype html>\n<html lang="de" class="x"><head><meta charset="utf-8">'
            "<title>A &lt;b&gt;</title></head><body><div data-pagefind-body><h1>A</h1></div>"
            "</body></html>\n",
        ),
        ("<html><body><p>no article</p></body></html>", None),  # e.g. the 404 page
        ("<html><div data-pagefind-body>cut short", None),
    ],
)
def test_search_copy(html: str, copy: str | None) -> None:
    assert sitesearch.search_copy(html) == copy
