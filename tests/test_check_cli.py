"""`insights check` end to end: the text and json reports as golden files, PATH selection, and
exit codes 0 (clean or warnings only), 1 (errors in notes) and 2 (misuse or broken config)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli.commands import main
from tests.conftest import AREAS_YML, MKDOCS_YML, WikiFactory, note_text

# Beside the notes in fixtures/check, two files too broken to keep in git as text.
NOT_TEXT = {
    "billing/2026-06-02-latin-1.md": b"---\ntitle: Caf\xe9 owners want receipts\ndate: 2026-06-02\n"
    b"area: billing\nsource: field-visit\n---\nBody.\n",
    "billing/2026-06-03-screenshot.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
}
BODIES = [  # different enough that no two notes are near-duplicates
    "Finance teams wait a week for the monthly invoice to reach them.\n",
    "Admins cannot tell how many seats they are paying for this quarter.\n",
    "Procurement at large accounts takes longer than the fourteen-day trial.\n",
    "People look for single sign-on under Users, but it lives under Security.\n",
]
Golden = Callable[[str, str], None]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["check", *map(str, args)], catch_exceptions=False)


@pytest.fixture
def fixture(tmp_path: Path) -> Path:
    """The fixture wiki's mkdocs.yml, in a copy with the files that are not text added."""
    root = shutil.copytree(Path(__file__).parent / "fixtures" / "check", tmp_path / "check")
    for rel, data in NOT_TEXT.items():
        (root / "insights" / rel).write_bytes(data)
    return root / "mkdocs.yml"


def test_text_report(fixture: Path, golden: Golden) -> None:
    result = run("--config", fixture)
    assert result.exit_code == 1
    golden("check.txt", result.stdout)


def test_json_report(fixture: Path, golden: Golden) -> None:
    result = run("--config", fixture, "--format", "json")
    assert result.exit_code == 1
    golden("check.json", result.stdout)
    report = json.loads(result.stdout)
    assert set(report) == {"checked", "errors", "warnings", "problems"}
    assert report["checked"] == 10
    assert report["errors"] + report["warnings"] == len(report["problems"])
    assert set(report["problems"][0]) == {
        "path", "line", "column", "severity", "code", "message"
    }  # fmt: skip


def test_text_and_json_report_the_same_problems(fixture: Path) -> None:
    text = run("--config", fixture).stdout.splitlines()[:-1]
    problems = json.loads(run("--config", fixture, "--format", "json").stdout)
    assert text == [
        f"{p['path']}:{p['line']}:{p['column']}: {p['severity']} {p['code']}: {p['message']}"
        for p in problems["problems"]
    ]


def test_the_fixture_covers_every_kind_of_file_problem(fixture: Path) -> None:
    report = json.loads(run("--config", fixture, "--format", "json").stdout)
    codes = {p["code"] for p in report["problems"]}
    assert codes >= {
        "not-utf8", "binary-file", "yaml-tag", "yaml-syntax", "bad-id", "duplicate-id",
        "unknown-area", "bad-slug", "unknown-confidence", "future-date", "unknown-related",
        "unsafe-markup", "personal-data", "unknown-key", "empty-body",
    }  # fmt: skip


def test_paths_are_relative_to_mkdocs_yml_wherever_it_runs(
    fixture: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(fixture.parent / "insights" / "billing")
    report = json.loads(run("--format", "json").stdout)
    assert report["problems"][0]["path"] == "insights/billing/2026-05-02-seat-true-up-confusion.md"


# Exit codes


def test_clean_wiki_exits_0(make_wiki: WikiFactory) -> None:
    root = make_wiki({"billing/a.md": note_text()})
    result = run("--config", root / "mkdocs.yml", "--as-of", "2026-06-30")
    assert (result.exit_code, result.stdout) == (0, "Checked 1 note: 0 errors, 0 warnings.\n")


def test_warnings_alone_exit_0(make_wiki: WikiFactory) -> None:
    root = make_wiki({
        "billing/a.md": note_text("Invoices arrive late", body=BODIES[0], tag="[x]"),
        "billing/b.md": note_text("Seat counts confuse admins", body=""),
    })  # fmt: skip
    result = run("--config", root / "mkdocs.yml", "--as-of", "2026-06-30")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "Checked 2 notes: 0 errors, 2 warnings."


def test_errors_exit_1(make_wiki: WikiFactory) -> None:
    root = make_wiki({"billing/a.md": note_text(area="biling")})
    result = run("--config", root / "mkdocs.yml", "--as-of", "2026-06-30")
    assert result.exit_code == 1
    assert result.stdout == (
        "insights/billing/a.md:4:7: error unknown-area: 'biling' is not a known area "
        "(did you mean 'billing'?); new ones go in insights/areas.yml\n"
        "Checked 1 note: 1 error, 0 warnings.\n"
    )


def test_as_of_edge(make_wiki: WikiFactory) -> None:
    root = make_wiki({"billing/a.md": note_text(date="2026-06-30")})
    assert run("--config", root / "mkdocs.yml", "--as-of", "2026-06-30").exit_code == 0
    assert run("--config", root / "mkdocs.yml", "--as-of", "2026-06-29").exit_code == 1


BROKEN_CONFIG = {
    "mkdocs.yml is not YAML": (
        {"mkdocs": "site_name: [unclosed\n"}, "mkdocs.yml: not valid YAML"),
    "unknown plugin option": (
        {"mkdocs": MKDOCS_YML.replace("  - insights", "  - insights:\n      windw_days: 3")},
        "insights: unknown option 'windw_days'"),
    "bad allowed contact": (
        {"mkdocs": MKDOCS_YML.replace("  - insights", "  - insights:\n"
                                      "      allowed_contacts: [support]")},
        "mkdocs.yml:9:26: error bad-option: insights: option 'allowed_contacts': 'support' is "
        "not an e-mail address or a '*@domain' pattern"),
    "plugin options not a mapping": (
        {"mkdocs": MKDOCS_YML.replace("  - insights", "  - insights: 3")},
        "plugin 'insights' options must be a mapping"),
    "areas.yml is not YAML": (
        {"areas": "billing: {name: Billing\n"}, "insights/areas.yml:1:10: error yaml-syntax"),
    "areas.yml has a bad area": (
        {"areas": AREAS_YML + "Bad Area:\n  name: Bad\n"}, "area 'Bad Area' is not a lowercase"),
    "areas.yml is empty": ({"areas": ""}, "the registry must map each area slug"),
    "areas.yml has a python tag": (
        {"areas": "x: !!python/object/apply:os.system [ls]\n"}, "error yaml-tag"),
}  # fmt: skip


@pytest.mark.parametrize(("files", "message"), BROKEN_CONFIG.values(), ids=BROKEN_CONFIG.keys())
def test_broken_config_exits_2(make_wiki: WikiFactory, files: dict[str, str], message: str) -> None:
    root = make_wiki({"billing/a.md": note_text()}, **files)
    result = run("--config", root / "mkdocs.yml", "--as-of", "2026-06-30")
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_missing_areas_yml_exits_2(make_wiki: WikiFactory) -> None:
    root = make_wiki({"billing/a.md": note_text()})
    (root / "insights" / "areas.yml").unlink()
    result = run("--config", root / "mkdocs.yml", "--as-of", "2026-06-30")
    assert result.exit_code == 2
    assert "the area registry is missing" in result.stderr


@pytest.mark.parametrize("day", ["2026-02-30", "14/10/2026", "2026-1-5", "yesterday", ""])
def test_bad_as_of_exits_2(make_wiki: WikiFactory, day: str) -> None:
    root = make_wiki({"billing/a.md": note_text()})
    result = run("--config", root / "mkdocs.yml", "--as-of", day)
    assert result.exit_code == 2
    assert "Invalid value for '--as-of'" in result.stderr


def test_bad_source_date_epoch_exits_2(
    make_wiki: WikiFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_wiki({"billing/a.md": note_text()})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "last tuesday")
    result = run("--config", root / "mkdocs.yml")
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH" in result.stderr


def test_no_mkdocs_yml_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run()
    assert result.exit_code == 2
    assert "no mkdocs.yml here or above" in result.stderr


def test_unknown_format_exits_2(fixture: Path) -> None:
    assert run("--config", fixture, "--format", "xml").exit_code == 2


# Checking some paths against the whole wiki


@pytest.fixture
def two_areas(make_wiki: WikiFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_wiki({
        "billing/a.md": note_text("Invoices arrive late", body=BODIES[0], related="[b]"),
        "billing/dup.md": note_text("Seat counts confuse admins", body=BODIES[1]),
        "onboarding/b.md": note_text("Trials end too soon", area="onboarding", tags="[Bad]",
                                     body=BODIES[2]),
        "onboarding/dup.md": note_text("SSO is hard to find", area="onboarding", body=BODIES[3]),
    })  # fmt: skip
    (root / "mkdocs.yml").write_text(MKDOCS_YML.replace(
        "  - insights", "  - insights:\n      as_of: 2026-06-30"), encoding="utf-8")  # fmt: skip
    monkeypatch.chdir(root)
    return root


def test_a_path_is_checked_against_the_whole_wiki(two_areas: Path) -> None:
    result = run("insights/billing/a.md")
    assert (result.exit_code, result.stdout) == (0, "Checked 1 note: 0 errors, 0 warnings.\n")


@pytest.mark.parametrize("path", ["insights/billing/dup.md", "insights/onboarding/dup.md"])
def test_a_duplicate_id_elsewhere_is_reported(two_areas: Path, path: str) -> None:
    result = run(path)
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{path}:1:1: error duplicate-id: id 'dup' is also used by ")
    assert result.stdout.endswith("Checked 1 note: 1 error, 0 warnings.\n")


def test_a_folder(two_areas: Path) -> None:
    result = run("insights/onboarding")
    codes = [line.split(" ")[2].rstrip(":") for line in result.stdout.splitlines()[:-1]]
    assert codes == ["bad-slug", "duplicate-id"]
    assert result.stdout.endswith("Checked 2 notes: 2 errors, 0 warnings.\n")


@pytest.mark.parametrize("path", [".", "insights", "insights/"])
def test_the_whole_wiki_by_path(two_areas: Path, path: str) -> None:
    assert run(path).stdout.endswith("Checked 4 notes: 3 errors, 0 warnings.\n")


def test_paths_from_a_subfolder(two_areas: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(two_areas / "insights" / "billing")
    assert run("a.md").stdout == "Checked 1 note: 0 errors, 0 warnings.\n"
    assert run("..").stdout.endswith("Checked 4 notes: 3 errors, 0 warnings.\n")


def test_a_path_outside_the_wiki_exits_2(two_areas: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.md"
    outside.write_text(note_text(), encoding="utf-8")
    result = run(outside)
    assert result.exit_code == 2
    assert "not inside the wiki" in result.stderr


def test_a_missing_path_exits_2(two_areas: Path) -> None:
    result = run("insights/billing/nope.md")
    assert result.exit_code == 2
    assert "insights/billing/nope.md: no such file or folder" in result.stderr


def test_nothing_crashes_on_a_hostile_wiki(make_wiki: WikiFactory, tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    root = make_wiki({
        "billing/big.md": note_text(body="x" * 5_000_000),
        "billing/bomb.md": "---\n" + bomb + "---\nBody.\n",
        "billing/deep.md": "---\ntags: " + "[" * 10_000 + "]" * 10_000 + "\n---\n",
        "billing/binary.md": bytes(range(256)) * 100,
        "billing/huge-line.md": note_text(title="x" * 900_000),
    })  # fmt: skip
    (root / "insights/billing/outside.md").symlink_to(tmp_path)
    result = run("--config", root / "mkdocs.yml", "--as-of", "2026-06-30", "--format", "json")
    assert result.exit_code == 1
    found = {
        (p["path"].rsplit("/", 1)[1], p["code"]) for p in json.loads(result.stdout)["problems"]
    }
    assert found == {
        ("big.md", "too-large"),
        ("bomb.md", "yaml-alias"),
        ("deep.md", "yaml-syntax"),
        ("binary.md", "binary-file"),
        ("outside.md", "symlink-outside"),
    }  # fmt: skip (huge-line.md, 900 kB on one line, is a valid note)


LINKS_BODY = """\
A [note](b.md), a [note elsewhere](../onboarding/c.md#why), a chart ![chart](chart.png),
the [data](raw.csv), [the web](https://example.com), [files](ftp://example.com/x.md) and [top](#x).
`[code](nope.md)` and [^1].

```
![fenced](nope.png)
```

[^1]: From the advisory board.
"""


def test_links_to_files_that_exist_and_are_published_are_fine(make_wiki: WikiFactory) -> None:
    root = make_wiki({
        "billing/a.md": note_text(body=LINKS_BODY),
        "billing/b.md": note_text("Another finding", body="Text."),
        "onboarding/c.md": note_text("A third finding", area="onboarding", body="Text."),
    })  # fmt: skip
    (root / "insights" / "billing" / "chart.png").write_bytes(b"\x89PNG")
    (root / "insights" / "billing" / "raw.csv").write_text("a,b\n", encoding="utf-8")
    result = run("--config", root / "mkdocs.yml", "--as-of", "2026-06-30")
    assert (result.exit_code, result.stdout) == (0, "Checked 3 notes: 0 errors, 0 warnings.\n")


def test_a_link_to_no_file_or_an_unpublished_one_is_a_warning_where_it_is(
    make_wiki: WikiFactory,
) -> None:
    body = (
        "What we heard.\n\n![Close timeline](close-timeline.png)\n\n[The deck](deck.key)\n\n"
        "[Config](../../mkdocs.yml) and [a long name](" + "x" * 300 + ".png)\n"
    )
    root = make_wiki({"billing/a.md": note_text(body=body)})
    (root / "insights" / "billing" / "deck.key").write_bytes(b"PK")
    result = run("--config", root / "mkdocs.yml", "--as-of", "2026-06-30")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "insights/billing/a.md:9:19: warning broken-link: 'close-timeline.png' leads to no file; "
        "add the file next to the note, or correct the path"
    )
    assert lines[1].startswith(
        "insights/billing/a.md:11:12: warning broken-link: 'deck.key' is not published: only "
        "notes, images and documents (.avif, .csv, "
    )
    assert lines[2] == (
        "insights/billing/a.md:13:10: warning broken-link: '../../mkdocs.yml' leads outside "
        "the notes folder, which is all the wiki publishes; move the file next to the note"
    )
    assert lines[3].startswith("insights/billing/a.md:13:46: warning broken-link: 'xxxx")
    assert lines[-1] == "Checked 1 note: 0 errors, 4 warnings."
