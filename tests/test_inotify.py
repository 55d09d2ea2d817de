"""inotify through ctypes, on real folders; and the resident index that relies on it."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.inotify import Watcher
from generator.model import SearchFilters
from generator.project import open_project
from generator.resident import ResidentIndex
from tests.conftest import FIXTURES, note_text

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="inotify is Linux's")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "notes" / "billing").mkdir(parents=True)
    (tmp_path / "notes" / "billing" / "a.md").write_text("a")
    return tmp_path / "notes"


@pytest.fixture
def watcher(tree: Path) -> Iterator[Watcher]:
    with Watcher(suffixes=(".md",)) as made:
        made.add_tree(str(tree))
        yield made


def changes(watcher: Watcher, root: Path) -> set[tuple[str, str]]:
    """(path relative to root, kind) of each drained event."""
    return {(os.path.relpath(e.path, root), e.kind) for e in watcher.drain()}


def test_nothing_happened(watcher: Watcher) -> None:
    assert watcher.drain() == []


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (lambda t: (t / "billing" / "b.md").write_text("b"), ("billing/b.md", "created")),
        (lambda t: (t / "billing" / "a.md").write_text("edited"), ("billing/a.md", "modified")),
        (lambda t: (t / "billing" / "a.md").unlink(), ("billing/a.md", "deleted")),
        (lambda t: (t / "billing" / "a.md").rename(t / "c.md"), ("c.md", "moved")),
        (lambda t: (t / "billing" / "a.md").chmod(0o600), ("billing/a.md", "attrib")),
        (lambda t: (t / "billing").rename(t / "invoicing"), ("invoicing", "moved")),
        (lambda t: shutil.rmtree(t / "billing"), ("billing", "deleted")),
    ],
    ids=["create", "modify", "delete", "move", "chmod", "move-folder", "delete-folder"],
)
def test_changes_in_the_tree_are_reported(watcher: Watcher, tree: Path, action, expected) -> None:
    action(tree)
    assert expected in changes(watcher, tree)
    assert watcher.drain() == []  # drained


def test_files_of_other_kinds_are_not_reported(watcher: Watcher, tree: Path) -> None:
    (tree / "billing" / "a.md.swp").write_text("x")
    (tree / "billing" / "picture.png").write_bytes(b"x")
    assert watcher.drain() == []


def test_a_new_subfolder_is_watched_too(watcher: Watcher, tree: Path) -> None:
    (tree / "billing" / "enterprise" / "deep").mkdir(parents=True)
    assert ("billing/enterprise", "created") in changes(watcher, tree)
    (tree / "billing" / "enterprise" / "deep" / "x.md").write_text("x")
    assert ("billing/enterprise/deep/x.md", "created") in changes(watcher, tree)


def test_hidden_and_underscore_folders_are_not_walked(watcher: Watcher, tree: Path) -> None:
    (tree / "_drafts").mkdir()
    assert ("_drafts", "created") in changes(watcher, tree)
    (tree / "_drafts" / "x.md").write_text("x")
    assert watcher.drain() == []


def test_a_single_file_is_watched_through_its_folder(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    with Watcher() as watcher:
        watcher.add_file(str(config))  # it need not exist yet
        (tmp_path / "other.yml").write_text("x")
        assert watcher.drain() == []
        config.write_text("site_name: x\n")
        assert {e.kind for e in watcher.drain()} >= {"created", "modified"}
        (tmp_path / "new.yml").write_text("y")
        (tmp_path / "new.yml").replace(config)  # how editors save
        assert [(e.path, e.kind) for e in watcher.drain()] == [(str(config), "moved")]


def test_a_file_watched_for_its_presence_only(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    with Watcher() as watcher:
        watcher.add_file(str(tmp_path / ".git"), contents=False)
        watcher.add_file(str(tmp_path / "mkdocs.yml"))  # the same folder, for contents too
        (tmp_path / "mkdocs.yml").write_text("site_name: y\n")
        assert {e.kind for e in watcher.drain()} == {"modified"}
        (tmp_path / ".git").mkdir()
        assert [(e.path, e.kind) for e in watcher.drain()] == [(str(tmp_path / ".git"), "created")]
    with Watcher() as watcher:
        watcher.add_file(str(tmp_path / ".git"), contents=False)
        (tmp_path / "busy.log").write_text("x")  # a new entry, dropped by name
        for _ in range(100):
            with (tmp_path / "busy.log").open("a") as log:
                log.write("line\n")  # contents: not even sent
        assert watcher.drain() == []


def test_a_symbolic_link_in_the_tree_is_noted(tree: Path) -> None:
    (tree / "link.md").symlink_to(tree / "billing" / "a.md")
    with Watcher() as watcher:
        watcher.add_tree(str(tree))
        assert watcher.symlinks


def test_a_missing_folder_cannot_be_watched(tmp_path: Path) -> None:
    with Watcher() as watcher, pytest.raises(OSError):
        watcher.add_tree(str(tmp_path / "missing"))


# --- The resident index --------------------------------------------------------------------


@pytest.fixture
def wiki(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "search", tmp_path / "wiki")
    return tmp_path / "wiki"


def titles(resident: ResidentIndex, root: Path, day: dt.date = dt.date(2026, 10, 31)) -> list:
    index, _ = resident.current(open_project(root / "mkdocs.yml"), day)
    return [hit.title for hit in index.search("*", SearchFilters(), 100).hits]


def test_the_open_index_answers_until_a_note_changes(wiki: Path) -> None:
    resident = ResidentIndex()
    try:
        first = titles(resident, wiki)
        assert titles(resident, wiki) == first and resident.reused == 1
        (wiki / "insights" / "billing" / "2026-07-01-new.md").write_text(
            note_text(title="A new note", date="2026-07-01")
        )
        after = titles(resident, wiki)
        assert "A new note" in after and len(after) == len(first) + 1
        assert resident.reused == 1
        assert titles(resident, wiki) and resident.reused == 2
        assert len(titles(resident, wiki, dt.date(2026, 7, 1))) < len(first)  # another day
        assert resident.reused == 2
    finally:
        resident.close()
