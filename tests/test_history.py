"""Who added and last edited each note, from a real repository's history."""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
from pathlib import Path

import pytest

from generator.model import GitInfo
from generator.notes.gitrepo import Change, parse_name_status
from generator.notes.history import git_history
from tests.conftest import note_text
from tests.gitrepos import GitRepo, isolate_git

D = dt.date


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(monkeypatch)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


def test_added_and_edited_by(repo: GitRepo) -> None:
    repo.write("insights/billing/a.md", note_text("A"))
    repo.write("insights/billing/b.md", note_text("B"))
    repo.commit("add a and b", who="Ann Author", when="2026-03-01")
    repo.write("insights/billing/b.md", note_text("B, sharper"))
    repo.commit("edit b", who="Bob Builder", when="2026-04-02")
    assert git_history(repo.root, "insights") == {
        "insights/billing/a.md": GitInfo("Ann Author", D(2026, 3, 1)),
        "insights/billing/b.md": GitInfo(
            "Ann Author", D(2026, 3, 1), edited_by="Bob Builder", edited_on=D(2026, 4, 2)
        ),
    }


def test_a_pure_move_is_not_an_edit_but_a_moved_edit_is(repo: GitRepo) -> None:
    repo.write("insights/billing/a.md", note_text("A", body="Same words here.\n" * 20))
    repo.write("insights/billing/b.md", note_text("B", body="Other words here.\n" * 20))
    repo.commit("add", when="2026-03-01")
    repo.move("insights/billing/a.md", "insights/onboarding/a.md")
    repo.move("insights/billing/b.md", "insights/onboarding/b2.md")
    repo.write("insights/onboarding/b2.md", note_text("B", body="Other words here.\n" * 21))
    repo.commit("move", who="Carl Mover", when="2026-05-05")
    history = git_history(repo.root, "insights")
    assert history["insights/onboarding/a.md"] == GitInfo("Ann Author", D(2026, 3, 1))
    assert history["insights/onboarding/b2.md"] == GitInfo(
        "Ann Author", D(2026, 3, 1), "Carl Mover", D(2026, 5, 5)
    )
    assert set(history) == {"insights/onboarding/a.md", "insights/onboarding/b2.md"}


def test_renames_are_followed_through_several_commits(repo: GitRepo) -> None:
    repo.write("insights/x.md", note_text("X", body="Words that stay the same.\n" * 20))
    repo.commit("add", when="2026-01-01")
    repo.move("insights/x.md", "insights/y.md")
    repo.commit("first move", who="Bob Builder", when="2026-02-01")
    repo.write("insights/x.md", note_text("A new X", body="Nothing alike at all.\n"))
    repo.commit("a new x where the old one was", who="Carl Mover", when="2026-03-01")
    repo.move("insights/y.md", "insights/z.md")
    repo.commit("second move", who="Bob Builder", when="2026-04-01")
    history = git_history(repo.root, "insights")
    assert history["insights/z.md"] == GitInfo("Ann Author", D(2026, 1, 1))
    assert history["insights/x.md"] == GitInfo("Carl Mover", D(2026, 3, 1))


def test_a_deleted_and_re_added_note_dates_from_its_return(repo: GitRepo) -> None:
    repo.write("insights/a.md", note_text("A"))
    repo.commit("add", when="2026-01-01")
    repo.git("rm", "-q", "insights/a.md")
    repo.commit("remove", when="2026-02-01")
    repo.write("insights/a.md", note_text("A again"))
    repo.commit("back", who="Bob Builder", when="2026-03-01")
    assert git_history(repo.root, "insights") == {
        "insights/a.md": GitInfo("Bob Builder", D(2026, 3, 1))
    }


def test_dates_are_the_author_dates_in_utc(repo: GitRepo) -> None:
    repo.write("insights/a.md", note_text("A"))
    repo.commit("late in New York", when="2026-03-01T23:30:00-05:00")
    assert git_history(repo.root, "insights")["insights/a.md"].added_on == D(2026, 3, 2)


def test_uncommitted_notes_and_other_folders_have_no_history(repo: GitRepo) -> None:
    repo.write("insights/a.md", note_text("A"))
    repo.write("docs/b.md", note_text("B"))
    repo.commit("add")
    repo.write("insights/new.md", note_text("New"))
    assert set(git_history(repo.root, "insights")) == {"insights/a.md"}


def test_a_wiki_below_the_top_level_gets_paths_relative_to_itself(repo: GitRepo) -> None:
    repo.write("wiki/insights/a.md", note_text("A"))
    repo.commit("add")
    assert set(git_history(repo.root / "wiki", "insights")) == {"insights/a.md"}


def test_odd_file_names_survive(repo: GitRepo) -> None:
    repo.write("insights/tab\there.md", note_text("Tab"))
    repo.write("insights/café.md", note_text("Café"))
    repo.commit("add")
    assert set(git_history(repo.root, "insights")) == {"insights/tab\there.md", "insights/café.md"}


def test_a_shallow_clone_degrades_with_one_info_line(
    repo: GitRepo, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    repo.write("insights/a.md", note_text("A"))
    repo.commit("one", when="2026-01-01")
    repo.write("insights/a.md", note_text("A2"))
    repo.commit("two", when="2026-02-01")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", repo.root.as_uri(), str(clone)], check=True
    )
    with caplog.at_level(logging.INFO, logger="insights"):
        assert git_history(clone, "insights") == {}
    records = [r for r in caplog.records if r.name == "insights"]
    assert len(records) == 1
    assert records[0].levelno == logging.INFO
    assert "shallow clone" in records[0].getMessage()
    assert "fetch-depth: 0" in records[0].getMessage()


def test_outside_git_degrades_with_one_info_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    folder = tmp_path / "plain"
    (folder / "insights").mkdir(parents=True)
    with caplog.at_level(logging.INFO, logger="insights"):
        assert git_history(folder, "insights") == {}
    messages = [r.getMessage() for r in caplog.records if r.name == "insights"]
    assert len(messages) == 1
    assert "no git history" in messages[0]


def test_without_git_installed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    with caplog.at_level(logging.INFO, logger="insights"):
        assert git_history(tmp_path, "insights") == {}
    messages = [r.getMessage() for r in caplog.records if r.name == "insights"]
    assert messages == [
        "insights: no git history (git is not installed), so 'added by' and "
        "'last edited by' are left out"
    ]


def test_a_repository_without_commits(repo: GitRepo, caplog: pytest.LogCaptureFixture) -> None:
    repo.write("insights/a.md", note_text("A"))
    with caplog.at_level(logging.INFO, logger="insights"):
        assert git_history(repo.root, "insights") == {}
    assert len([r for r in caplog.records if r.name == "insights"]) == 1


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        (["M", "a.md"], [Change("M", "a.md")]),
        (["\nA", "a.md", "D", "b.md"], [Change("A", "a.md"), Change("D", "b.md")]),
        (["R087", "old.md", "new.md"], [Change("R", "new.md", "old.md", 87)]),
        (["C100", "a.md", "copy.md"], [Change("A", "copy.md")]),
        (["M", "a.md", ""], [Change("M", "a.md")]),
        (["M"], []),
    ],
)
def test_parse_name_status(tokens: list[str], expected: list[Change]) -> None:
    assert parse_name_status(tokens) == expected


def test_history_reads_git_once_however_many_notes(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(40):
        repo.write(f"insights/billing/n{number}.md", note_text(f"Note {number}"))
    repo.commit("many")
    calls: list[list[str]] = []
    real_run = subprocess.run

    def counting_run(command: list[str], **kwargs: object) -> object:
        calls.append(command)
        return real_run(command, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("generator.notes.gitrepo.subprocess.run", counting_run)
    assert len(git_history(repo.root, "insights")) == 40
    assert [c[c.index("-C") + 2] for c in calls] == ["rev-parse", "log"]
