"""Build speed-ups that must not change a byte: forked page workers, the navigation cache,
one Markdown instance per process."""

from __future__ import annotations

import logging
import multiprocessing.pool
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import markdown
import pytest
from mkdocs.structure import pages as mkdocs_pages

from generator.plugin import reuse, workers
from generator.site import compile as site
from tests.conftest import FIXTURES
from tests.test_build import build, tree_digest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need os.fork"),
]


def small_wiki(tmp_path: Path, count: int) -> Path:
    """The small fixture wiki with the `workers` option set."""
    root = tmp_path / f"workers-{count}"
    shutil.copytree(FIXTURES / "small", root)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    option = f"git_history: false\n      workers: {count}"
    config.write_text(text.replace("git_history: false", option), encoding="utf-8")
    return root


def test_three_processes_write_the_same_site_as_one(tmp_path: Path) -> None:
    one, three = small_wiki(tmp_path, 1), small_wiki(tmp_path, 3)
    assert build(one, "--strict")[0] == 0
    assert build(three, "--strict")[0] == 0
    assert tree_digest(one / "site") == tree_digest(three / "site")
    sitemap = (three / "site" / "sitemap.xml").read_text(encoding="utf-8")
    pages = list((three / "site").rglob("index.html"))
    assert len(re.findall("<loc>", sitemap)) == len(pages)  # the workers' pages are listed too


def test_shares_give_each_process_the_same_work_and_never_a_nav_page(tmp_path: Path) -> None:
    root = small_wiki(tmp_path, 2)
    captured: dict[str, object] = {}

    def spy(files, count):  # type: ignore[no-untyped-def]
        captured["pages"] = files.documentation_pages()
        captured["shares"] = result = original(files, count)
        return result

    original = workers.shares
    workers.shares = spy  # type: ignore[assignment]
    try:
        assert build(root)[0] == 0
    finally:
        workers.shares = original  # type: ignore[assignment]
    pages, shares = captured["pages"], captured["shares"]
    assert isinstance(pages, list) and isinstance(shares, list) and len(shares) == 1
    movable = [f for f in pages if f.inclusion.is_not_in_nav()]
    work = len(movable) + workers.NAV_PAGE_COST * (len(pages) - len(movable))
    assert len(shares[0]) == min(work // 2, len(movable))  # the rest, and the nav, stay here
    assert all(file.inclusion.is_not_in_nav() for file in shares[0])


def in_workers_only(monkeypatch: pytest.MonkeyPatch, action: Callable[[str], None]) -> None:
    """Run `action(src_uri)` as each page is finished, in forked workers only."""
    main_pid, finish_page = os.getpid(), site.BuiltSite.finish_page

    def finish(self: site.BuiltSite, src_uri: str, html: str) -> str:
        if os.getpid() != main_pid:
            action(src_uri)
        return finish_page(self, src_uri, html)

    monkeypatch.setattr(site.BuiltSite, "finish_page", finish)


def test_a_warning_in_a_worker_fails_a_strict_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    warn = logging.getLogger("mkdocs.plugins.test").warning
    in_workers_only(monkeypatch, lambda src_uri: warn(f"odd page {src_uri}"))
    caplog.expected_warnings = True  # type: ignore[attr-defined]
    code, output = build(small_wiki(tmp_path, 2), "--strict")
    assert code == 1
    assert "Aborted with" in output and "in strict mode" in output
    assert any(r.getMessage().startswith("odd page ") for r in caplog.records)


def test_a_worker_that_fails_fails_the_build_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def fail(src_uri: str) -> None:
        raise RuntimeError(f"cannot finish {src_uri}")

    in_workers_only(monkeypatch, fail)
    caplog.expected_warnings = True  # type: ignore[attr-defined]
    code, output = build(small_wiki(tmp_path, 2))
    assert code == 1 and "Traceback" not in output
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any(e.startswith("A page worker failed: RuntimeError: cannot finish ") for e in errors)


@pytest.mark.parametrize(
    ("requested", "pages", "cores", "plugins", "expected"),
    [
        (1, 10_000, 8, [], 0),  # one process: no worker
        (3, 10, 1, ["tags"], 2),  # asked for: given, whatever the size and plugins
        (0, 10_000, 2, ["material/search", "insights"], 1),  # one per extra core
        (0, 10_000, 1, [], 0),
        (0, 150, 8, [], 0),  # too few pages to share
        (0, 450, 8, [], 3),
        (0, 10_000, 2, ["insights", "material/tags"], 0),  # it may collect from every page
    ],
)
def test_worker_count(
    monkeypatch: pytest.MonkeyPatch,
    requested: int,
    pages: int,
    cores: int,
    plugins: list[str],
    expected: int,
) -> None:
    monkeypatch.setattr(workers, "usable_cores", lambda: cores)
    assert workers.worker_count(requested, pages, plugins) == expected


def test_the_navigation_rendered_once_is_the_one_each_page_would_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached, fresh = small_wiki(tmp_path, 1), tmp_path / "fresh"
    shutil.copytree(cached, fresh)
    assert build(cached)[0] == 0
    monkeypatch.setattr(reuse, "nav_key", lambda context: None)
    assert build(fresh)[0] == 0
    assert tree_digest(cached / "site") == tree_digest(fresh / "site")


HEADER_EXTRAS = """\
  logo: assets/logo.png
  features:
    - navigation.tabs
{sticky}extra:
  alternate:
    - name: English
      link: /en/
      lang: en
    - name: Deutsch
      link: de/
      lang: de
"""


@pytest.mark.parametrize("sticky", [False, True])
def test_the_header_rendered_once_is_the_one_each_page_would_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sticky: bool
) -> None:
    """With a logo, alternate languages and navigation tabs, whose links the header holds;
    sticky tabs show the page's own tab, so those headers are each rendered afresh."""
    cached, fresh = small_wiki(tmp_path, 1), tmp_path / "fresh"
    config = cached / "mkdocs.yml"
    extras = HEADER_EXTRAS.format(sticky="    - navigation.tabs.sticky\n" if sticky else "")
    text = config.read_text(encoding="utf-8").replace("  font: false\n", "  font: false\n" + extras)
    config.write_text(text, encoding="utf-8")
    shutil.copytree(cached, fresh)
    assert build(cached, "--strict")[0] == 0
    renders: list[object] = []
    real_key = reuse.header_key
    monkeypatch.setattr(reuse, "header_key", lambda context: renders.append(real_key(context)))
    assert build(fresh, "--strict")[0] == 0
    assert tree_digest(cached / "site") == tree_digest(fresh / "site")
    keys = set(renders)
    assert keys == {None} if sticky else 3 <= len(keys) < len(renders) / 5
    for page in ("customers/contoso/index.html", "areas/billing/index.html"):
        html = (cached / "site" / page).read_text(encoding="utf-8")
        topic = r'data-md-component="header-topic">\s*<span class="md-ellipsis">\s*(.*?)\s*</'
        title = re.search(topic, html)
        h1 = re.search(r"<h1[^>]*>(.*?)<", html)
        assert title and h1 and title.group(1) == h1.group(1).strip(), page


def test_notes_read_in_two_processes_are_the_notes_read_in_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import datetime as dt

    from generator.notes import load as notes
    from generator.notes.areas import load_areas
    from generator.plugin.options import settings_from_options

    root = FIXTURES / "check"
    settings = settings_from_options({"git_history": False})
    areas, _ = load_areas(root, settings)
    day = dt.date(2026, 6, 30)
    monkeypatch.setattr(notes, "usable_cores", lambda: 2)
    one = notes.load_wiki(root, settings, areas, day)
    monkeypatch.setattr(notes, "PARALLEL_FROM", 2)
    forked = []
    real_pool = multiprocessing.pool.Pool.__init__

    def counting_pool(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        forked.append(True)
        real_pool(self, *args, **kwargs)

    monkeypatch.setattr(multiprocessing.pool.Pool, "__init__", counting_pool)
    two = notes.load_wiki(root, settings, areas, day)
    assert forked  # the second process did read half of them
    assert one.checked > 2 and one.problems  # a wiki with bad notes among the good
    assert one == two


def test_a_worker_killed_outright_is_reported_with_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    in_workers_only(monkeypatch, lambda src_uri: os.kill(os.getpid(), 9))
    caplog.expected_warnings = True  # type: ignore[attr-defined]
    assert build(small_wiki(tmp_path, 2))[0] == 1
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    killed = "A page worker failed: a page worker was killed by signal 9 (out of memory?); "
    assert errors[0].startswith(killed)


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The process id of each Markdown instance made in this process, as they are made."""
    pids: list[int] = []
    real_init = markdown.Markdown.__init__

    def counting_init(self: markdown.Markdown, *args: Any, **kwargs: Any) -> None:
        pids.append(os.getpid())
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(markdown.Markdown, "__init__", counting_init)
    return pids


def test_one_markdown_instance_per_process_writes_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, made: list[int]
) -> None:
    """reuse.OneMarkdown: every page of a process converted by one Markdown instance, reset,
    gives the site that MkDocs' new instance per page gives."""
    one = small_wiki(tmp_path, 1)
    assert build(one, "--strict")[0] == 0
    assert mkdocs_pages.markdown is markdown  # given back after the build
    reused = len(made)
    made.clear()
    monkeypatch.setattr(reuse.OneMarkdown, "install", classmethod(lambda cls: None))
    fresh = small_wiki(tmp_path / "fresh", 1)
    assert build(fresh, "--strict")[0] == 0
    pages = len(list((fresh / "site").rglob("*.html"))) - 1  # the 404 page is the theme's
    assert len(made) >= pages > reused + 20  # MkDocs alone: an instance per page
    assert tree_digest(one / "site") == tree_digest(fresh / "site")


def test_the_speedups_switch_builds_the_same_site_both_ways(
    tmp_path: Path, made: list[int]
) -> None:
    """`speedups: false` (one Markdown instance a page, every partial rendered for each page,
    no page workers) and the default give the same site, byte for byte; and the switch does
    turn each speed-up off."""
    fast = small_wiki(tmp_path / "fast", 2)
    assert build(fast, "--strict")[0] == 0
    slow = small_wiki(tmp_path / "slow", 2)
    config = slow / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(
        "workers: 2", "workers: 2\n      speedups: false"
    )
    config.write_text(text, encoding="utf-8")
    made.clear()
    assert build(slow, "--strict")[0] == 0
    pages = len(list((slow / "site").rglob("*.html"))) - 1  # the 404 page is the theme's
    assert len(made) >= pages  # a Markdown instance per page: no reuse
    assert set(made) == {os.getpid()}  # no page worker
    assert tree_digest(fast / "site") == tree_digest(slow / "site")
