"""`insights search`: output formats (golden files), options, errors and a fresh index."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli.commands import main
from generator.search import query as search
from tests.conftest import FIXTURES, note_text


@pytest.fixture
def wiki(tmp_path: Path) -> Path:
    root = tmp_path / "search"
    shutil.copytree(FIXTURES / "search", root)
    return root


def run(wiki: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["search", *args, "--config", str(wiki / "mkdocs.yml")])


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("pricing", ["pricing"]),
        ("sso-two-areas", ["sso", "--area", "onboarding", "--area", "reporting"]),
        ("invoices-since", ["*", "--tag", "invoices", "--since", "2026-05-02"]),
        ("customer-field", ["customer:contoso"]),
        ("date-range-limit", ["date:[2026-06-01 to]", "--limit", "3"]),
        ("phrase-not", ['"monthly cap" NOT tag:budgets']),
    ],
)
def test_json_output_matches_goldens(wiki: Path, golden, name: str, args: list[str]) -> None:
    result = run(wiki, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    golden(f"search/{name}.json", result.stdout)
    rows = json.loads(result.stdout)
    assert rows and all(set(row) == {"id", "path", "title", "area", "date", "score",
                                     "snippet"} for row in rows)  # fmt: skip


def test_text_output_matches_golden(wiki: Path, golden) -> None:
    result = run(wiki, "sso", "--limit", "1")
    assert result.exit_code == 0, result.output
    golden("search/sso.txt", result.stdout)
    assert "Admins cannot find where to set up SSO\n  onboarding · 2026-06-28 · " in result.stdout
    assert result.stdout.endswith("\n\n(1 of 2 matches; use --limit for more)\n")


def test_highlights_are_styled_only_for_a_terminal(wiki: Path) -> None:
    plain = CliRunner().invoke(main, ["search", "timezone", "--config", str(wiki / "mkdocs.yml")])
    styled = CliRunner().invoke(
        main, ["search", "timezone", "--config", str(wiki / "mkdocs.yml")], color=True
    )
    assert "\x1b[" not in plain.stdout
    assert "\x1b[33m\x1b[1mtimezone\x1b[0m" in styled.stdout


def test_nothing_found_suggests_a_word(wiki: Path) -> None:
    result = run(wiki, "onbording")
    assert result.exit_code == 0
    assert result.stdout == "No insights match 'onbording'; did you mean 'onboarding'?\n"


def test_nothing_found_as_json_is_an_empty_list(wiki: Path) -> None:
    result = run(wiki, "zyxwvut", "--format", "json")
    assert (result.exit_code, result.stdout) == (0, "[]\n")
    assert "No insights match 'zyxwvut'." in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["are:billing"], "unknown field 'are:' (did you mean 'area:'?)"),
        (["date:[soon to]"], "'soon' is not a date"),
        (["x", "--since", "soon"], "'soon' is not a date; write YYYY-MM-DD, or a number of days"),
        (["x", "--until", "2026-02-30"], "'2026-02-30' is not a real date"),
        (["x", "--limit", "0"], "0 is not in the range x>=1"),
    ],
)
def test_misuse_exits_2_with_a_message(wiki: Path, args: list[str], message: str) -> None:
    result = run(wiki, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        ("1d", ["2026-08-03-scheduled-reports-wrong-timezone"]),
        ("36d", ["2026-08-03-scheduled-reports-wrong-timezone",
                 "2026-07-30-onboarding-checklist-skipped"]),
        ("37d", ["2026-08-03-scheduled-reports-wrong-timezone",
                 "2026-07-30-onboarding-checklist-skipped", "2026-06-28-sso-setup-hidden"]),
    ],
)  # fmt: skip
def test_since_days_counts_back_from_the_as_of_day(wiki: Path, since: str, expected: list) -> None:
    result = run(wiki, "*", "--since", since, "--as-of", "2026-08-03", "--format", "json")
    assert [row["id"] for row in json.loads(result.stdout)] == expected


def test_until_keeps_notes_up_to_that_day(wiki: Path) -> None:
    result = run(wiki, "*", "--until", "2026-05-02", "--format", "json")
    ids = [row["id"] for row in json.loads(result.stdout)]
    assert ids == ["2026-05-02-seat-true-up-confusion", "2025-12-15-trial-too-short"]


def test_the_index_lives_in_the_cache_folder(wiki: Path) -> None:
    run(wiki, "sso")
    assert list((wiki / ".cache" / "insights").glob("*.toc"))
    assert not (wiki / "site").exists()


def test_edits_show_up_in_the_next_search(wiki: Path) -> None:
    assert "zephyrine" not in run(wiki, "*").stdout
    note = wiki / "insights" / "billing" / "2026-06-20-invoices-lack-cost-centres.md"
    note.write_text(note.read_text().replace("lack cost centres", "lack zephyrine centres"))
    (wiki / "insights" / "onboarding" / "2025-12-15-trial-too-short.md").unlink()
    result = run(wiki, "zephyrine OR trial", "--format", "json")
    assert [row["title"] for row in json.loads(result.stdout)] == [
        "Invoices lack zephyrine centres, so finance re-keys every line"
    ]


def test_an_unchanged_wiki_is_searched_without_reading_notes(
    wiki: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = run(wiki, "invoices", "--format", "json").stdout

    def no_reading(*args: object) -> None:
        raise AssertionError("the notes were read although nothing changed")

    monkeypatch.setattr(search, "load_project_wiki", no_reading)
    assert run(wiki, "invoices", "--format", "json").stdout == first
    assert run(wiki, "invoices", "--as-of", "2026-10-30").exit_code == 1  # a new day: reread


def test_notes_with_errors_are_left_out_with_a_warning(wiki: Path) -> None:
    broken = note_text(title="Broken pricing note", area="nowhere")
    (wiki / "insights" / "billing" / "2026-09-01-broken.md").write_text(broken)
    result = run(wiki, "pricing", "--format", "json")
    assert result.exit_code == 0
    assert "warning: 1 note has errors and is left out of the search" in result.stderr
    assert "broken" not in result.stdout
    assert len(json.loads(result.stdout)) == 2


def test_an_unwritable_index_folder_is_a_clear_error(wiki: Path) -> None:
    shutil.rmtree(wiki / ".cache", ignore_errors=True)  # parsed notes may be cached there
    (wiki / ".cache").write_text("a file where the folder should be")
    result = run(wiki, "sso")
    assert result.exit_code == 1
    assert "cannot use the search index in " in result.stderr
    assert "point cache_dir at a folder you can write to" in result.stderr


def test_an_index_committed_to_git_is_never_opened(tmp_path: Path) -> None:
    from tests.gitrepos import GitRepo

    repo = GitRepo(tmp_path / "repo")
    shutil.copytree(FIXTURES / "search", repo.root, dirs_exist_ok=True)
    assert run(repo.root, "pricing").exit_code == 0  # writes .cache/insights/
    (repo.root / ".gitignore").write_text(".cache/\n", encoding="utf-8")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "notes")
    assert run(repo.root, "pricing").exit_code == 0  # ignored: fine
    repo.git("add", "-f", ".cache/insights")
    repo.git("commit", "-q", "-m", "an index, as a pull request could add one")
    result = run(repo.root, "pricing")
    assert result.exit_code == 2
    assert "files of the search index are committed to git" in result.output
    assert "git rm -r --cached .cache/insights" in result.output
