"""ReadCache: a long-lived process (the search server) re-reads only the notes that changed,
and a load through the cache always equals a load without it."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from generator import notes
from generator.model import Area, Wiki
from generator.settings import Settings
from tests.conftest import note_text

AS_OF = dt.date(2026, 6, 30)
AREAS = (Area("billing", "Billing"), Area("onboarding", "Onboarding"))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "insights" / "billing"
    folder.mkdir(parents=True)
    for number in range(5):
        text = note_text(title=f"Finding {number}", body=f"Heard {number}.\n")
        (folder / f"2026-06-0{number + 1}-finding-{number}.md").write_text(text, encoding="utf-8")
    return tmp_path


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the notes parsed from here on."""
    seen: list[str] = []
    parse_file = notes.parse_file

    def spy(item: notes.NoteFile, *args: object, **kwargs: object) -> notes.Parsed:
        seen.append(item.path)
        return parse_file(item, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(notes, "parse_file", spy)
    return seen


def load(root: Path, cache: notes.ReadCache | None, areas: tuple[Area, ...] = AREAS) -> Wiki:
    return notes.load_wiki(root, Settings(), areas, AS_OF, cache=cache)


def _touch(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))  # a new time even on a coarse clock


def test_a_second_load_reads_no_note_and_gives_the_same_wiki(root: Path, parsed: list[str]) -> None:
    cache = notes.ReadCache()
    first = load(root, cache)
    assert len(parsed) == 5
    parsed.clear()
    assert load(root, cache) == first
    assert parsed == []


def test_an_edited_note_is_the_only_one_read_again(root: Path, parsed: list[str]) -> None:
    cache = notes.ReadCache()
    load(root, cache)
    edited = next((root / "insights" / "billing").glob("*finding-2.md"))
    _touch(edited, note_text(title="Finding two, edited", area="onboardingg"))
    parsed.clear()
    cached = load(root, cache)
    assert parsed == [edited.relative_to(root).as_posix()]
    assert cached == load(root, None)
    assert [p.code for p in cached.errors] == ["unknown-area"]


def test_a_new_note_id_reads_every_note_again(root: Path, parsed: list[str]) -> None:
    """A `related:` id that names no note is an error until that note exists."""
    cache = notes.ReadCache()
    folder = root / "insights" / "billing"
    (folder / "2026-06-09-refers.md").write_text(
        note_text(related=["2026-06-10-later"]), encoding="utf-8"
    )
    assert [p.code for p in load(root, cache).errors] == ["unknown-related"]
    (folder / "2026-06-10-later.md").write_text(note_text(), encoding="utf-8")
    parsed.clear()
    cached = load(root, cache)
    assert len(parsed) == 7
    assert cached.errors == () and cached == load(root, None)


def test_other_areas_read_every_note_again(root: Path, parsed: list[str]) -> None:
    cache = notes.ReadCache()
    load(root, cache)
    parsed.clear()
    cached = load(root, cache, areas=AREAS[1:])
    assert len(parsed) == 5 and len(cached.errors) == 5


def test_link_warnings_follow_the_files_they_link_to(root: Path) -> None:
    cache = notes.ReadCache()
    body = "See the chart.\n\n![chart](chart.png)\n"
    (root / "insights" / "billing" / "2026-06-08-chart.md").write_text(
        note_text(body=body), encoding="utf-8"
    )
    assert [p.code for p in load(root, cache).warnings] == ["broken-link"]
    (root / "insights" / "billing" / "chart.png").write_bytes(b"\x89PNG")
    assert load(root, cache).warnings == ()


def test_a_deleted_note_leaves_the_cache(root: Path) -> None:
    cache = notes.ReadCache()
    load(root, cache)
    next((root / "insights" / "billing").glob("*finding-0.md")).unlink()
    cached = load(root, cache)
    assert len(cached.notes) == 4 and cached == load(root, None)
