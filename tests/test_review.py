"""`insights review` on real repositories: a base commit, a head commit (or the work tree)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli.commands import main
from generator.signals.review import is_note_path
from generator.site.review_report import MARKER, escape_data, escape_property
from tests.conftest import MKDOCS_YML, note_text
from tests.gitrepos import GitRepo, isolate_git

AREAS = """\
checkout:
  name: Checkout
  owner: Sam Cole
admin-console:
  name: Admin Console
  owner: Aisha Bello
billing:
  name: Billing
  owner: Marcus Lee
"""
AS_OF = "2026-06-30"
BODY = '**What we heard.** {0}\n\n> "{0}"\n'


def note(title: str, date: str, area: str, **fields: object) -> str:
    """A valid note whose body repeats its title."""
    return note_text(title, date, area, "interview", BODY.format(title), **fields)


BASE_NOTES = {
    "checkout/2026-05-10-coupon-field-hidden.md": note(
        "The coupon field is hidden on mobile", "2026-05-10", "checkout",
        customers=["contoso"], tags=["coupons"]),
    "checkout/2026-05-20-coupon-stacking.md": note(
        "Buyers expect to stack two coupons", "2026-05-20", "checkout",
        customers=["contoso", "fabrikam"], tags=["coupons"]),
    "billing/2026-04-15-invoice-pdf-missing-vat.md": note(
        "The invoice PDF has no VAT number", "2026-04-15", "billing", customers=["contoso"]),
    "billing/2026-04-20-card-only-autopay.md": note(
        "Card-only autopay blocks procurement", "2026-04-20", "billing",
        customers=["contoso", "northwind"]),
    "billing/2026-05-01-seat-true-up.md": note(
        "Seat true-up invoices lack a breakdown", "2026-05-01", "billing",
        customers=["northwind"]),
    "billing/2026-06-10-usage-pricing.md": note(
        "Usage pricing worries finance teams", "2026-06-10", "billing",
        customers=["northwind"], related=["2026-05-01-seat-true-up"]),
    "admin-console/2026-03-29-audit-log-export.md": note(
        "Auditors want the audit log as CSV", "2026-03-29", "admin-console",
        customers=["tailspin"]),
}  # fmt: skip


def make_head(repo: GitRepo) -> None:
    """The pull request: adds, edits, renames and removes notes, with an error and a warning."""
    repo.write("insights/checkout/2026-06-15-coupon-codes-case-sensitive.md", note(
        "Coupon codes are case-sensitive", "2026-06-15", "checkout",
        customers=["contoso"], tags=["coupons"]))  # fmt: skip
    repo.write("insights/admin-console/2026-05-20-role-templates.md", note(
        "Admins want role templates", "2026-05-20", "admin-console",
        customers=["tailspin"]))  # fmt: skip
    repo.write("insights/checkout/2026-06-12-stacking-two-coupons.md", note(
        "Buyers expect to stack two coupons at once", "2026-06-12", "checkout"))  # fmt: skip
    repo.write("insights/billing/2026-06-18-invoice-emails.md", note(
        "Invoice e-mails go to departed owners", "2026-06-18", "biling"))  # fmt: skip
    repo.write("insights/billing/2026-04-15-invoice-pdf-missing-vat.md", note(
        "The invoice PDF has no VAT number", "2026-04-15", "billing",
        customers=["contoso"], teem="payments"))  # fmt: skip
    repo.move("insights/billing/2026-04-20-card-only-autopay.md",
              "insights/billing/2026-04-20-card-only-autopay-blocks-procurement.md")  # fmt: skip
    repo.git("rm", "-q", "insights/billing/2026-05-01-seat-true-up.md")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(monkeypatch)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """A wiki repository with the base commit tagged `base`."""
    repo = GitRepo(tmp_path / "wiki")
    repo.write("mkdocs.yml", MKDOCS_YML)
    repo.write("insights/areas.yml", AREAS)
    for rel, text in BASE_NOTES.items():
        repo.write(f"insights/{rel}", text)
    repo.commit("base", when="2026-06-01")
    repo.git("tag", "base")
    return repo


Run = Callable[..., Result]


@pytest.fixture
def run(repo: GitRepo) -> Run:
    def invoke(*args: str, root: Path | None = None) -> Result:
        config = (root or repo.root) / "mkdocs.yml"
        argv = ["review", "--config", str(config), "--as-of", AS_OF, *args]
        return CliRunner().invoke(main, argv)

    return invoke


def test_markdown_of_a_pull_request(
    repo: GitRepo, run: Run, golden: Callable[[str, str], None]
) -> None:
    make_head(repo)
    repo.commit("head", who="Bob Builder", when="2026-06-20")
    result = run("--base", "base", "--head", "main")
    assert result.exit_code == 1, result.output
    golden("review/pull-request.md", result.output)
    assert result.output.startswith(MARKER + "\n")


def test_json_of_a_pull_request(
    repo: GitRepo, run: Run, golden: Callable[[str, str], None]
) -> None:
    make_head(repo)
    repo.commit("head", when="2026-06-20")
    result = run("--base", "base", "--head", "main", "--format", "json")
    assert result.exit_code == 1, result.output
    golden("review/pull-request.json", result.output)
    data = json.loads(result.output)
    assert data["counts"] == {"added": 4, "changed": 1, "renamed": 1, "removed": 1}
    assert [(p["path"], p["code"]) for p in data["problems"]] == [
        ("insights/billing/2026-04-15-invoice-pdf-missing-vat.md", "unknown-key"),
        ("insights/billing/2026-06-10-usage-pricing.md", "unknown-related"),
        ("insights/billing/2026-06-18-invoice-emails.md", "unknown-area"),
    ]
    assert data["context"] == [
        "contoso is now in 5 insights in the last 90 days (over the limit of 4)",
        "first admin-console insight in 52 days: the area was going dark",
        "tag coupons becomes an emerging theme in checkout",
    ]


def test_github_annotations_line_by_line(repo: GitRepo, run: Run) -> None:
    make_head(repo)
    repo.commit("head", when="2026-06-20")
    result = run("--base", "base", "--head", "main", "--format", "github")
    assert result.exit_code == 1, result.output
    path = "file=insights/billing/2026-"
    assert result.output.splitlines() == [
        f"::warning {path}04-15-invoice-pdf-missing-vat.md,line=7,col=1,title=unknown-key::"
        "unknown field 'teem' is ignored (did you mean 'team'?)",
        f"::error {path}06-10-usage-pricing.md,line=7,col=11,title=unknown-related::"
        "related note '2026-05-01-seat-true-up' does not exist; use the file name of another "
        "note, without .md",
        f"::error {path}06-18-invoice-emails.md,line=4,col=7,title=unknown-area::"
        "'biling' is not a known area (did you mean 'billing'?); "
        "new ones go in insights/areas.yml",
        "::warning file=insights/checkout/2026-06-12-stacking-two-coupons.md,line=2,col=8,"
        "title=near-duplicate::reads like insights/checkout/2026-05-20-coupon-stacking.md "
        "(Buyers expect to stack two coupons), similarity 0.97; merge them, or link them with "
        "'related:'",
        "::notice title=Insight review::contoso is now in 5 insights in the last 90 days "
        "(over the limit of 4)",
        "::notice title=Insight review::first admin-console insight in 52 days: "
        "the area was going dark",
        "::notice title=Insight review::tag coupons becomes an emerging theme in checkout",
        "Insight review: 4 added, 1 changed, 1 renamed, 1 removed; 2 errors, 2 warnings.",
    ]


def test_the_work_tree_is_the_default_head(repo: GitRepo, run: Run) -> None:
    make_head(repo)  # staged moves and removals, untracked new notes: nothing committed
    data = json.loads(run("--base", "base", "--format", "json").output)
    assert data["head"] == "the working tree"
    assert data["counts"] == {"added": 4, "changed": 1, "renamed": 1, "removed": 1}
    renamed = [n for n in data["notes"] if n["change"] == "renamed"]
    assert renamed == [
        {
            "change": "renamed",
            "path": "insights/billing/2026-04-20-card-only-autopay-blocks-procurement.md",
            "old_path": "insights/billing/2026-04-20-card-only-autopay.md",
            "valid": True,
            "title": "Card-only autopay blocks procurement",
            "area": "billing",
            "date": "2026-04-20",
            "source": "interview",
            "customers": ["contoso", "northwind"],
        }
    ]


def test_a_clean_change_exits_0_and_stays_short(repo: GitRepo, run: Run) -> None:
    repo.write("insights/billing/2026-06-12-new.md", note("A new finding", "2026-06-12", "billing"))
    result = run("--base", "base")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        MARKER,
        "### Insight review",
        "",
        "**1 added** · ✅ no errors",
        "",
        "| Change | Insight | Area | Date | Source | Customers |",
        "| --- | --- | --- | --- | --- | --- |",
        "| added | A new finding<br>insights/billing/2026-06-12-new.md | billing | 12 Jun 2026 "
        "| interview |  |",
    ]


def test_a_note_with_errors_shows_every_field_that_could_be_read(repo: GitRepo, run: Run) -> None:
    repo.write("insights/billing/2026-06-12-typo.md", note_text(
        "Finance wants one invoice a month", "2026-06-12", "biling", "interveiw", "Text.\n",
        customers=["contoso", "Northwind"]))  # fmt: skip
    repo.write("insights/billing/2026-06-13-contact.md", note_text(
        "Call Jane on 555-123-4567", "2026-06-13", "billing", "interview", "Text.\n",
        customers=["contoso"]))  # fmt: skip
    repo.write("insights/billing/2026-06-14-yaml.md", "---\ntitle: [unclosed\n---\nText.\n")
    result = run("--base", "base")
    assert result.exit_code == 1, result.output
    rows = [line for line in result.output.splitlines() if line.startswith("| added")]
    assert rows == [
        "| added | ❌ Finance wants one invoice a month (_has problems: see below_)<br>"
        "insights/billing/2026-06-12-typo.md |  | 12 Jun 2026 |  |  |",
        "| added | ❌ _no title to show_ (_has problems: see below_)<br>"
        "insights/billing/2026-06-13-contact.md | billing | 13 Jun 2026 | interview | contoso |",
        "| added | _cannot be read: see the problems_<br>insights/billing/2026-06-14-yaml.md |"
        "  |  |  |  |",
    ]
    assert "555" not in result.output.split("#### Problems")[0]


def test_no_changes(repo: GitRepo, run: Run) -> None:
    result = run("--base", "base")
    assert result.exit_code == 0
    assert result.output == (
        f"{MARKER}\n### Insight review\n\n"
        "No insight notes changed between base and the working tree.\n"
    )
    github = run("--base", "base", "--format", "github")
    assert github.output == "Insight review: no notes changed; 0 errors, 0 warnings.\n"


def test_problems_in_unchanged_notes_are_left_out(repo: GitRepo, run: Run) -> None:
    repo.write("insights/billing/2026-06-11-broken.md", note("Broken", "2026-06-11", "nowhere"))
    repo.commit("a broken note on main", when="2026-06-02")
    repo.git("tag", "-f", "base")
    repo.write("insights/billing/2026-06-12-new.md", note("A new finding", "2026-06-12", "billing"))
    result = run("--base", "base", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["problems"] == []


def test_a_changed_note_keeps_its_old_problems(repo: GitRepo, run: Run) -> None:
    rel = "insights/billing/2026-06-11-broken.md"
    repo.write(rel, note("Broken", "2026-06-11", "nowhere"))
    repo.commit("a broken note on main", when="2026-06-02")
    repo.git("tag", "-f", "base")
    repo.write(rel, note("Still broken", "2026-06-11", "nowhere"))
    result = run("--base", "base", "--format", "json")
    assert result.exit_code == 1
    assert [p["code"] for p in json.loads(result.output)["problems"]] == ["unknown-area"]


def test_github_paths_start_at_the_top_of_the_repository(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("wiki/mkdocs.yml", MKDOCS_YML)
    repo.write("wiki/insights/areas.yml", AREAS)
    repo.commit("base")
    repo.write("wiki/insights/billing/2026-06-01-a,b.md", note("Odd name", "2026-06-01", "billing"))
    result = CliRunner().invoke(
        main, ["review", "--config", str(repo.root / "wiki/mkdocs.yml"), "--base", "HEAD",
               "--as-of", AS_OF, "--format", "github"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "::error file=wiki/insights/billing/2026-06-01-a%2Cb.md,line=1,col=1,title=bad-id::"
        "the file name '2026-06-01-a,b' is not a valid id (lowercase a-z, 0-9 and '-'); "
        "rename it to '2026-06-01-a-b.md'"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base", "nope"], "'nope' is not a commit in this repository"),
        (["--base", "base", "--head", "nope"], "'nope' is not a commit in this repository"),
        (["--base", "--help-me"], "'--help-me' is not a commit"),
    ],
)
def test_a_bad_ref_exits_2(run: Run, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_outside_a_repository_exits_2(
    make_wiki: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = make_wiki()
    result = CliRunner().invoke(main, ["review", "--config", str(root / "mkdocs.yml"),
                                       "--base", "main"])  # fmt: skip
    assert result.exit_code == 2
    assert "not a git repository" in result.output


@pytest.mark.parametrize(
    ("text", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("50% of a,b: c", "50%25 of a,b: c", "50%25 of a%2Cb%3A c"),
        ("two\nlines\r\n", "two%0Alines%0D%0A", "two%0Alines%0D%0A"),
        ("%0A already", "%250A already", "%250A already"),
    ],
)
def test_workflow_command_escaping(text: str, data: str, prop: str) -> None:
    assert escape_data(text) == data
    assert escape_property(text) == prop


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("insights/billing/a.md", True),
        ("insights/a.md", True),
        ("insights/index.md", False),
        ("insights/billing/README.md", False),
        ("insights/_drafts/a.md", False),
        ("insights/.hidden/a.md", False),
        ("insights/billing/.a.md", False),
        ("insights/areas.yml", False),
        ("docs/a.md", False),
        ("insightsx/a.md", False),
    ],
)
def test_is_note_path(path: str, expected: bool) -> None:
    assert is_note_path(path, "insights") is expected


def test_a_registry_change_that_breaks_unchanged_notes_is_reported(repo: GitRepo, run: Run) -> None:
    repo.write("insights/areas.yml", AREAS.split("admin-console:")[0] + "billing:\n  name: B\n")
    result = run("--base", "base", "--format", "json")
    assert result.exit_code == 1
    problems = json.loads(result.output)["problems"]
    assert [(p["path"], p["code"]) for p in problems] == [
        ("insights/admin-console/2026-03-29-audit-log-export.md", "unknown-area")
    ]
    assert json.loads(result.output)["counts"] == dict.fromkeys(
        ("added", "changed", "renamed", "removed"), 0
    )


def test_review_runs_a_fixed_number_of_git_processes(
    repo: GitRepo, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(30):
        repo.write(f"insights/billing/2026-06-0{number % 9 + 1}-n{number}.md",
                   note(f"Note {number}", "2026-06-01", "billing"))  # fmt: skip
    repo.commit("many", when="2026-06-02")
    repo.write("insights/billing/2026-06-01-n0.md", note("Note zero", "2026-06-01", "billing"))
    calls: list[str] = []
    real_run = subprocess.run

    def counting_run(command: list[str], **kwargs: object) -> object:
        calls.append(command[command.index("-C") + 2])
        return real_run(command, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("generator.notes.gitrepo.subprocess.run", counting_run)
    result = run("--base", "base", "--head", "main", "--format", "json")
    assert json.loads(result.output)["counts"]["added"] == 30
    assert calls == ["rev-parse", "rev-parse", "rev-parse", "ls-tree", "cat-file", "ls-tree",
                     "cat-file", "diff"]  # fmt: skip


@pytest.mark.parametrize(
    ("related", "expected"),
    [
        ({}, [("insights/checkout/2026-06-12-stacking.md", "2026-05-20-coupon-stacking.md")]),
        ({"related": ["2026-05-20-coupon-stacking"]}, []),
    ],
)
def test_near_duplicates_unless_linked(
    repo: GitRepo, run: Run, related: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    text = note("Buyers expect to stack two coupons at once", "2026-06-12", "checkout", **related)
    repo.write("insights/checkout/2026-06-12-stacking.md", text)
    result = run("--base", "base", "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)["duplicates"]
    assert [(d["path"], d["other"].split("/")[-1]) for d in found] == expected


# --- Decisions ----------------------------------------------------------------------------


def decision_text(
    title: str, status: str, evidence: list[str] | None, area: str = "billing"
) -> str:
    lines = ["---", "kind: decision", f"title: {title}", "date: 2026-06-20", f"area: {area}",
             f"status: {status}", "owner: Marcus Lee"]  # fmt: skip
    if evidence is not None:
        lines.append(f"evidence: [{', '.join(evidence)}]")
    return "\n".join(lines) + "\n---\nWhy we decided this.\n"


def test_review_lists_decisions_with_their_evidence_strength(
    repo: GitRepo, run: Run, golden: Callable[[str, str], None]
) -> None:
    repo.write("insights/decisions/2026-06-20-accept-invoices.md", decision_text(
        "Accept payment by invoice", "planned",
        ["2026-04-20-card-only-autopay", "2026-04-15-invoice-pdf-missing-vat"]))  # fmt: skip
    repo.write("insights/decisions/2026-06-20-usage-pricing.md", decision_text(
        "Switch to usage pricing", "proposed", None))  # fmt: skip
    repo.write("insights/decisions/2026-06-20-shipped-csv.md", decision_text(
        "Audit log as CSV", "shipped", [], area="admin-console"))  # fmt: skip
    result = run("--base", "base")
    assert result.exit_code == 0, result.output
    golden("review/decisions.md", result.output)
    assert "| Change | Decision | Area | Decided | Status | Evidence |" in result.output
    assert (
        "2 insights from 2 customers, 1 source and 1 area; the newest is 71 days old."
        in result.output
    )
    data = json.loads(run("--base", "base", "--format", "json").output)
    accept = next(n for n in data["notes"] if n["title"] == "Accept payment by invoice")
    assert accept["kind"] == "decision" and accept["status"] == "planned"
    assert accept["evidence"] == ["2026-04-20-card-only-autopay",
                                  "2026-04-15-invoice-pdf-missing-vat"]  # fmt: skip
    assert accept["strength"].startswith("2 insights from 2 customers")
    warned = [(p["path"], p["code"], p["line"], p["message"]) for p in data["problems"]]
    assert warned == [
        (
            "insights/decisions/2026-06-20-usage-pricing.md",
            "no-evidence",
            3,
            "no customer evidence: cite the insights behind it in `evidence:`",
        )
    ]  # fmt: skip  (the shipped one is not open, and only new decisions are warned of)


def test_a_new_open_decision_with_an_empty_evidence_list_is_warned_of_there(
    repo: GitRepo, run: Run
) -> None:
    repo.write("insights/decisions/d.md", decision_text("Build a wizard", "building", []))
    result = run("--base", "base", "--format", "github")
    assert result.exit_code == 0, result.output
    assert (
        "::warning file=insights/decisions/d.md,line=8,col=11,title=no-evidence::no customer "
        "evidence: cite the insights behind it in `evidence:`"
    ) in result.output


def test_a_changed_decision_is_not_warned_of_but_its_broken_evidence_is(
    repo: GitRepo, run: Run
) -> None:
    repo.write("insights/decisions/d.md", decision_text("Build a wizard", "planned", None))
    repo.commit("a decision")
    repo.git("tag", "with-decision")
    repo.write("insights/decisions/d.md", decision_text("Build a wizard", "planned",
                                                        ["2026-05-01-seat-true-upp"]))  # fmt: skip
    result = run("--base", "with-decision", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert [n["change"] for n in data["notes"]] == ["changed"]
    assert [(p["code"], p["line"], p["column"]) for p in data["problems"]] == [
        ("unknown-evidence", 8, 12)
    ]
    assert "did you mean '2026-05-01-seat-true-up'?" in data["problems"][0]["message"]
