"""Emptying the site folder in the background (generator/plugin/trash.py), alone and in a
rebuild."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.plugin import trash
from tests.conftest import FIXTURES
from tests.test_build import build, tree_digest


def _fill(folder: Path) -> None:
    (folder / "a" / "b").mkdir(parents=True)
    (folder / "a" / "b" / "page.html").write_text("old", encoding="utf-8")
    (folder / "index.html").write_text("old", encoding="utf-8")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref", encoding="utf-8")
    (folder / ".nojekyll").write_text("", encoding="utf-8")


def test_visible_entries_are_moved_aside_at_once_and_deleted_in_the_background(
    tmp_path: Path,
) -> None:
    _fill(tmp_path)
    deletion = trash.empty_in_background(tmp_path)
    assert deletion is not None
    left = {p.name for p in tmp_path.iterdir() if not p.name.startswith(trash.PREFIX)}
    assert left == {".git", ".nojekyll"}  # moved before the call returned
    deletion.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".git", ".nojekyll"]
    assert (tmp_path / ".git" / "HEAD").read_text(encoding="utf-8") == "ref"


def test_folders_left_by_an_interrupted_run_are_deleted_too(tmp_path: Path) -> None:
    (tmp_path / f"{trash.PREFIX}123" / "x").mkdir(parents=True)
    deletion = trash.empty_in_background(tmp_path)
    assert deletion is not None
    deletion.wait()
    assert list(tmp_path.iterdir()) == []


def test_a_missing_or_empty_folder_needs_no_deletion(tmp_path: Path) -> None:
    assert trash.empty_in_background(tmp_path / "missing") is None
    assert trash.empty_in_background(tmp_path) is None
    (tmp_path / ".git").mkdir()
    assert trash.empty_in_background(tmp_path) is None


def test_what_the_child_could_not_delete_is_deleted_on_wait(tmp_path: Path) -> None:
    _fill(tmp_path)
    deletion = trash.empty_in_background(tmp_path)
    assert deletion is not None
    deletion.process.kill()  # as if the child died before it deleted anything
    deletion.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".git", ".nojekyll"]


@pytest.mark.slow
def test_a_rebuild_into_the_same_folder_leaves_no_old_file_and_keeps_hidden_ones(
    tmp_path: Path,
) -> None:
    root = tmp_path / "small"
    shutil.copytree(FIXTURES / "small", root)
    assert build(root, "--as-of", "2026-06-30", site="fresh")[0] == 0
    assert build(root, "--as-of", "2026-06-30")[0] == 0
    site = root / "site"
    (site / "stale" / "deep").mkdir(parents=True)
    (site / "stale" / "deep" / "index.html").write_text("stale", encoding="utf-8")
    (site / ".nojekyll").write_text("", encoding="utf-8")
    assert build(root, "--as-of", "2026-06-30")[0] == 0
    assert not (site / "stale").exists()
    assert not [p for p in site.iterdir() if p.name.startswith(trash.PREFIX)]
    assert (site / ".nojekyll").exists()
    (site / ".nojekyll").unlink()
    assert tree_digest(site) == tree_digest(root / "fresh")
