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


def test_the_search_copies_give_the_index_the_whole_pages_give(small: Path, tmp_path: Path) -> None:
    assert build(small)[0] == 0
    site = small / "site"
    built = tree_digest(site / "pagefind")
    copies = tmp_path / "copies"
    for page in html_pages(site):
        html = page.read_text(encoding="utf-8")
        sitesearch.write_search_copy(copies, page.relative_to(site).as_posix(), html)
    assert sitesearch.index_site(site) == sitesearch.indexed_pages(site / "pagefind")
    assert tree_digest(site / "pagefind") == built  # from the whole pages, as before
    assert sorted(p.relative_to(copies) for p in copies.rglob("*.html")) == sorted(
        p.relative_to(site) for p in html_pages(site) if p.name != "404.html"
    )


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
