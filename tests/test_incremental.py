"""Warm builds (reusing cache_dir) write the same site, byte for byte, as cold ones; a build
that fails or is killed leaves the previous site whole."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks import synth
from generator.site import sitesearch
from tests.test_build import build as run_build
from tests.test_build import tree_digest

pytestmark = pytest.mark.slow
NOTES = 60
REUSED = re.compile(r"Build cache: (\d+) of (\d+) pages reused")


@pytest.fixture(autouse=True)
def _logs(caplog: pytest.LogCaptureFixture) -> None:
    global LOGS
    LOGS = caplog


LOGS: pytest.LogCaptureFixture | None = None


def build(root: Path, *args: str) -> tuple[int, str]:
    """`insights build` in the wiki: exit code, and what it printed and logged."""
    assert LOGS is not None
    LOGS.clear()
    code, output = run_build(root, *args)
    return code, output + LOGS.text


@pytest.fixture
def wiki(tmp_path: Path) -> Path:
    """A synthetic wiki with paginated listings, a note linking to another, and `related:`."""
    root = tmp_path / "wiki"
    paths = synth.write_wiki(root, NOTES)
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "git_history: false", "git_history: false\n      page_size: 4\n      workers: 1"
        ),
        encoding="utf-8",
    )
    first, second = paths[0], paths[1]
    link = os.path.relpath(second, first.parent).replace(os.sep, "/")
    text = first.read_text(encoding="utf-8")
    first.write_text(text + f"\nSee [the other note]({link}).\n", encoding="utf-8")
    text = paths[2].read_text(encoding="utf-8")
    paths[2].write_text(
        text.replace("---\n", f"---\nrelated: [{first.stem}]\n", 1), encoding="utf-8"
    )
    return root


def notes(root: Path) -> list[Path]:
    return sorted((root / "insights").rglob("*.md"))


def edit_body(root: Path) -> None:
    path = notes(root)[5]
    path.write_text(path.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")


def edit_title(root: Path) -> None:
    path = notes(root)[7]
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"title: .*", "title: A retitled note", text, count=1), "utf-8")


def edit_tags(root: Path) -> None:
    path = notes(root)[9]
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"tags: \[", "tags: [brand-new-theme, ", text, count=1), "utf-8")


def add_note(root: Path) -> None:
    source = notes(root)[11]
    text = source.read_text(encoding="utf-8").replace("title: ", "title: Added ", 1)
    (source.parent / "2026-01-02-an-added-note.md").write_text(text, encoding="utf-8")


def linked_note(root: Path) -> Path:
    linking = next(p for p in notes(root) if "[the other note](" in p.read_text("utf-8"))
    target = re.search(r"\]\(([^)]+)\)", linking.read_text("utf-8"))
    assert target is not None
    return (linking.parent / target.group(1)).resolve()


DELETED: dict[Path, bytes] = {}


def delete_linked_note(root: Path) -> None:
    path = linked_note(root)
    DELETED[path] = path.read_bytes()
    path.unlink()


def restore_linked_note(root: Path) -> None:
    for path, data in DELETED.items():
        path.write_bytes(data)


def rename_note(root: Path) -> None:
    path = notes(root)[13]
    path.rename(path.with_name("2026-01-03-renamed.md"))


def rename_area(root: Path) -> None:
    registry = root / "insights" / "areas.yml"
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace("name: Billing", "name: Billing and invoices"), "utf-8")


def add_vocabulary(root: Path) -> None:
    """A tags.yml naming a tag and folding another (used by some notes) into it."""
    used = re.search(r"tags: \[([^,\]]+)", notes(root)[3].read_text(encoding="utf-8"))
    assert used is not None
    other = used.group(1).strip()
    (root / "insights" / "tags.yml").write_text(
        f"brand-new-theme:\n  name: A brand-new theme\n  description: New.\n  aliases: [{other}]\n",
        encoding="utf-8",
    )


def rename_site(root: Path) -> None:
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("site_name: Synthetic", "site_name: Renamed"), "utf-8")


def move_day(root: Path) -> None:
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    later = synth.AS_OF + dt.timedelta(days=1)
    config.write_text(re.sub(r"as_of: \S+", f"as_of: {later}", text), encoding="utf-8")


def no_change(root: Path) -> None:
    pass


CHANGES: list[Callable[[Path], None]] = [
    no_change, edit_body, edit_title, edit_tags, add_note, delete_linked_note,
    restore_linked_note, rename_note, rename_area, add_vocabulary, rename_site, move_day,
]  # fmt: skip


def cold_copy(root: Path, name: str) -> Path:
    """A copy of the wiki without its cache or site, built cold."""
    copy = root.parent / name
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".cache", "site", ".site.*"))
    code, output = build(copy)
    assert code == 0, output
    assert "reused from the last build" not in output or " 0 of " in output
    return copy


def reused(output: str) -> tuple[int, int]:
    found = REUSED.search(output)
    assert found, output
    return int(found.group(1)), int(found.group(2))


def test_warm_builds_match_cold_ones_after_every_kind_of_change(
    wiki: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.expected_warnings = True  # type: ignore[attr-defined]  # the broken link's
    code, output = build(wiki, "--strict")
    assert code == 0, output
    assert "Build cache: empty" in output  # keys are worked out as the pages are made
    for step, change in enumerate(CHANGES):
        change(wiki)
        strict = () if change is delete_linked_note else ("--strict",)  # a link now breaks
        code, output = build(wiki, *strict)
        assert code == 0, (change.__name__, output)
        count, total = reused(output)
        cold = cold_copy(wiki, f"cold-{step}")
        assert tree_digest(wiki / "site") == tree_digest(cold / "site"), change.__name__
        if change not in (rename_area, add_vocabulary, rename_site, move_day):
            assert count > total // 2, (change.__name__, count, total)  # the cache served
        if change in (rename_site, move_day):
            assert count == 0, change.__name__  # every page reads these


def test_a_page_changed_in_place_after_the_build_is_built_again(wiki: Path) -> None:
    assert build(wiki)[0] == 0
    page = next((wiki / "site").rglob("2026-*/index.html"))
    page.write_text(page.read_text(encoding="utf-8") + "<!-- post-processed -->", "utf-8")
    assert build(wiki)[0] == 0
    cold = cold_copy(wiki, "cold")
    assert tree_digest(wiki / "site") == tree_digest(cold / "site")


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda cache: (cache / "pages" / "manifest.json").write_text("{not json"), "unreadable"),
        (
            lambda cache: (cache / "pages" / "manifest.json").write_text(
                json.dumps({"format": 1, "code": "an older version", "pages": {}})
            ),
            "another version",
        ),
        (
            lambda cache: (cache / "pages" / "manifest.json").write_text('{"format": 99}'),
            "another version",
        ),
        (lambda cache: (cache / "notes.pickle").write_bytes(b"\x80\x05garbage"), "unreadable"),
        (lambda cache: (cache / "notes.pickle").write_bytes(b""), "unreadable"),
    ],
)
def test_a_damaged_or_foreign_cache_is_ignored_with_one_info_line(
    wiki: Path, damage: Callable[[Path], object], said: str
) -> None:
    assert build(wiki)[0] == 0
    edit_body(wiki)
    damage(wiki / ".cache" / "insights")
    code, output = build(wiki, "--strict")
    assert code == 0, output
    lines = [line for line in output.splitlines() if "cache" in line and said in line]
    assert len(lines) == 1, output
    assert lines[0].startswith("INFO"), lines
    cold = cold_copy(wiki, "cold")
    assert tree_digest(wiki / "site") == tree_digest(cold / "site")


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: b"\x80\x05garbage",
        lambda data: data[: len(data) // 3],  # truncated: the header read, the rest not
        lambda data: data[:30] + bytes(range(256)) * 4,
    ],
)
def test_damaged_compiled_templates_and_search_memo_are_made_again(
    wiki: Path, damage: Callable[[bytes], bytes]
) -> None:
    assert build(wiki)[0] == 0
    edit_title(wiki)
    cache = wiki / ".cache" / "insights"
    damaged = [*(cache / "templates").rglob("*.cache"), cache / "pages" / "search.pickle"]
    assert len(damaged) > 10
    for path in damaged:
        path.write_bytes(damage(path.read_bytes()))
    code, output = build(wiki, "--strict")
    assert code == 0, output
    assert "Traceback" not in output
    cold = cold_copy(wiki, "cold")
    assert tree_digest(wiki / "site") == tree_digest(cold / "site")


def test_without_the_option_nothing_is_cached(wiki: Path) -> None:
    config = wiki / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("page_size: 4", "page_size: 4\n      build_cache: false"))
    assert build(wiki)[0] == 0
    assert not (wiki / ".cache" / "insights" / "pages").exists()
    assert not (wiki / ".cache" / "insights" / "notes.pickle").exists()


def test_a_failed_build_leaves_the_previous_site_whole(
    wiki: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.expected_warnings = True  # type: ignore[attr-defined]  # the failure's
    assert build(wiki)[0] == 0
    before = tree_digest(wiki / "site")
    edit_body(wiki)

    def fail(self: sitesearch.SiteIndex, *args: object) -> int:
        raise sitesearch.SiteSearchError("the disk is full")

    monkeypatch.setattr(sitesearch.SiteIndex, "write", fail)
    code, output = build(wiki)
    assert code != 0 and "the disk is full" in output
    assert tree_digest(wiki / "site") == before
    assert not [p for p in (wiki / "site").iterdir() if p.name.startswith(".insights-")]


def test_a_killed_build_leaves_the_previous_site_whole(wiki: Path) -> None:
    assert build(wiki)[0] == 0
    before = tree_digest(wiki / "site")
    edit_title(wiki)
    insights = Path(sys.executable).parent / "insights"
    command = [str(insights), "build", "--config", str(wiki / "mkdocs.yml")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        staged = None
        while process.poll() is None and staged is None:  # until the new site is being written
            found = [p for p in (wiki / "site").glob(".insights-new-*") if (p / "assets").is_dir()]
            staged = found[0] if found else None
            time.sleep(0.01)
        assert staged is not None, "the build ended before its new site was seen"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    after = tree_digest(wiki / "site")
    assert {k: v for k, v in after.items() if not k.startswith(".")} == before  # published
    assert any(k.startswith(".insights-new-") for k in after)  # it was killed mid-way
    assert build(wiki, "--strict")[0] == 0  # and the next build clears what was left
    assert not [p for p in (wiki / "site").iterdir() if p.name.startswith(".insights-")]
    cold = cold_copy(wiki, "cold")
    assert tree_digest(wiki / "site") == tree_digest(cold / "site")


def test_a_cold_build_with_page_workers_keeps_every_page_for_the_next(wiki: Path) -> None:
    config = wiki / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("workers: 1", "workers: 2"), "utf-8")
    code, output = build(wiki, "--strict")
    assert code == 0 and "Build cache: empty" in output, output
    edit_body(wiki)
    code, output = build(wiki, "--strict")
    assert code == 0, output
    count, total = reused(output)
    assert count >= total - 40, (count, total)  # the worker's pages were kept too
    cold = cold_copy(wiki, "cold")
    assert tree_digest(wiki / "site") == tree_digest(cold / "site")
