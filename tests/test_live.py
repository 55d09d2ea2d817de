"""`insights serve`'s quick rebuild (generator/plugin/live.py): after notes' text changes,
every page it serves is the page a full build makes of the same notes, a note saved with
errors leaves the last good site, and a change that moves pages takes a full build."""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config

from benchmarks import synth
from generator.plugin.commands import _plugins_with_as_of, source_date_epoch
from generator.plugin.live import LiveSite

pytestmark = pytest.mark.slow
URL = "http://127.0.0.1:8765/"
AS_OF = synth.AS_OF


@pytest.fixture
def wiki(tmp_path: Path) -> Path:
    """A synthetic wiki of 40 notes, with paginated listings."""
    root = tmp_path / "wiki"
    synth.write_wiki(root, 40)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("git_history: false", "git_history: false\n      page_size: 4"))
    return root


@pytest.fixture
def live(wiki: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> Iterator[LiveSite]:
    """The wiki built by a LiveSite, as `insights serve` starts, without the HTTP server."""
    caplog.set_level(logging.INFO, logger="mkdocs")
    config_file = wiki / "mkdocs.yml"
    options: dict[str, Any] = {"plugins": _plugins_with_as_of(config_file, AS_OF)}

    def load() -> object:
        config = load_config(str(config_file), site_dir=str(tmp_path / "served"), **options)
        config.site_url = URL
        return config

    first = load()
    first.plugins.on_startup(command="serve", dirty=False)  # type: ignore[attr-defined]
    site = LiveSite(load, URL)  # type: ignore[arg-type]
    with source_date_epoch(AS_OF):
        site.full(first)  # type: ignore[arg-type]
        yield site
    site.close()
    assert threading.active_count() == 1  # later tests fork page workers
    first.plugins.on_shutdown()  # type: ignore[attr-defined]


def notes(root: Path) -> list[Path]:
    return sorted(p for p in (root / "insights").rglob("*.md") if p.parent.name != "insights")


def served(live: LiveSite) -> Path:
    assert live.config is not None
    return Path(live.config.site_dir)


def everything_asked_for(live: LiveSite) -> None:
    """Ask for every stale page and file, as a browser would."""
    for dest_uri in [*live.stale, *live.stale_files]:
        live.fresh(dest_uri)
    assert not live.stale and not live.stale_files
    assert live.search is not None and live.search.wait(120)  # site search written again


def digests(folder: Path) -> dict[str, str]:
    """Every file but site search's index, by path: its index is written by full builds."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.relative_to(folder).as_posix().startswith("search/")
    }


def differing(first: dict[str, str], second: dict[str, str]) -> list[str]:
    return sorted(k for k in first.keys() | second.keys() if first.get(k) != second.get(k))


def retitle(path: Path, title: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^title: .*$", f"title: {title}", text, count=1, flags=re.M))


def test_pages_after_a_quick_rebuild_are_those_of_a_full_build(
    live: LiveSite, wiki: Path, caplog: pytest.LogCaptureFixture
) -> None:
    edited = notes(wiki)[3]
    retitle(edited, "Invoices confuse the finance team")
    other = notes(wiki)[11]
    body = other.read_text(encoding="utf-8") + "\nThey asked for invoice exports twice.\n"
    other.write_text(body, encoding="utf-8")
    caplog.clear()
    live.rebuild()
    assert "Remade 2 edited note pages" in caplog.text, caplog.text
    page = served(live) / edited.relative_to(wiki / "insights").with_suffix("") / "index.html"
    assert "Invoices confuse the finance team" in page.read_text(encoding="utf-8")
    assert live.stale, "the other pages are stale until asked for"
    everything_asked_for(live)
    quick = digests(served(live))
    live.full()
    assert differing(quick, digests(served(live))) == []


def test_site_search_after_a_quick_rebuild_is_that_of_a_full_build(
    live: LiveSite, wiki: Path
) -> None:
    edited = notes(wiki)[8]
    retitle(edited, "Quarantined zebrafish invoices")
    live.rebuild()
    assert live.search is not None and live.search.wait(120)
    index = (served(live) / "search" / "terms").glob("*.json")
    assert any("zebrafish" in path.read_text(encoding="utf-8") for path in index)
    everything_asked_for(live)
    assert live.search.wait(120)
    quick = everything(served(live))
    live.full()
    assert differing(quick, everything(served(live))) == []


def everything(folder: Path) -> dict[str, str]:
    """Every file, site search's index included, by path."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_an_editors_swap_file_does_not_take_a_full_build(
    live: LiveSite, wiki: Path, caplog: pytest.LogCaptureFixture
) -> None:
    edited = notes(wiki)[6]
    (edited.parent / f".{edited.name}.swp").write_bytes(b"vim")
    (edited.parent / f"{edited.name}~").write_text("a backup")
    retitle(edited, "Saved from an editor")
    caplog.clear()
    live.rebuild()
    assert "Remade 1 edited note pages" in caplog.text, caplog.text


def test_a_quick_rebuild_leaves_no_page_of_the_old_text_served(live: LiveSite, wiki: Path) -> None:
    edited = notes(wiki)[5]
    retitle(edited, "A title nobody had written before")
    live.rebuild()
    everything_asked_for(live)
    listing = [
        p.relative_to(served(live)).as_posix()
        for p in served(live).rglob("*.html")
        if "A title nobody had written before" in p.read_text(encoding="utf-8")
    ]
    assert len(listing) > 3, listing  # its own page, its area's, tags', team's, the home...


def test_a_note_saved_with_errors_keeps_the_last_good_site(
    live: LiveSite, wiki: Path, caplog: pytest.LogCaptureFixture
) -> None:
    edited = notes(wiki)[2]
    good = edited.read_text(encoding="utf-8")
    page = served(live) / edited.relative_to(wiki / "insights").with_suffix("") / "index.html"
    before = page.read_bytes()
    edited.write_text(good.replace("date: ", "date: not-a-date-", 1), encoding="utf-8")
    caplog.clear()
    live.rebuild()
    rel = edited.relative_to(wiki).as_posix()
    assert re.search(re.escape(rel) + r":\d+:\d+: .*date", caplog.text), caplog.text
    assert "still serving the last good build" in caplog.text
    assert "Traceback" not in caplog.text
    assert page.read_bytes() == before and not live.stale
    retitle(edited, "Fixed and saved again")
    edited.write_text(
        good.replace(re.search(r"^title: .*$", good, re.M)[0], "title: Fixed and saved again")  # type: ignore[index]
    )
    caplog.clear()
    live.rebuild()
    assert "Remade 1 edited note pages" in caplog.text, caplog.text
    assert "Fixed and saved again" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("change", ["add", "delete", "new-tag", "registry", "config"])
def test_a_change_that_moves_pages_takes_a_full_build(
    live: LiveSite, wiki: Path, change: str, caplog: pytest.LogCaptureFixture
) -> None:
    source = notes(wiki)[4]
    if change == "add":
        text = source.read_text(encoding="utf-8").replace("title: ", "title: Added ", 1)
        (source.parent / "2026-11-19-an-added-note.md").write_text(text, encoding="utf-8")
    elif change == "delete":
        source.unlink()
    elif change == "new-tag":
        text = source.read_text(encoding="utf-8")
        source.write_text(re.sub(r"tags: \[", "tags: [brand-new-theme, ", text, count=1))
    elif change == "registry":
        registry = wiki / "insights" / "areas.yml"
        registry.write_text(registry.read_text(encoding="utf-8") + "\n# a comment\n")
    else:
        config = wiki / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("page_size: 4", "page_size: 5"))
    caplog.clear()
    live.rebuild()
    assert "Remade" not in caplog.text
    assert "Documentation built" in caplog.text, caplog.text
    assert not live.stale
    after = digests(served(live))
    shutil.rmtree(served(live))
    live.full()
    assert differing(after, digests(served(live))) == []
