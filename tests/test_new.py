"""`insights new` (with and without a terminal) and `insights init`: what they write passes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import authoring as cli
from generator.cli.commands import main
from generator.config import DEFAULT_SOURCES, epoch_of
from generator.notes.scaffold import GENERIC_OUTLINE, OUTLINES, outline
from tests.conftest import MKDOCS_YML
from tests.gitrepos import GitRepo, isolate_git

TODAY = dt.date(2026, 6, 30)
WikiFactory = Callable[..., Path]


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Pin today, keep git config out, and start outside any repository."""
    isolate_git(monkeypatch)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch_of(TODAY)))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


@pytest.fixture
def root(make_wiki: WikiFactory) -> Path:
    return make_wiki()


def new(root: Path, *args: str, terminal: bool = False, answers: str | None = None) -> Result:
    """Run `insights new` in a wiki, as if at a terminal (answering `answers`) or not."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "_interactive", lambda: terminal)
        return CliRunner().invoke(
            main, ["new", "--config", str(root / "mkdocs.yml"), *args], input=answers
        )


def check(root: Path) -> Result:
    return CliRunner().invoke(main, ["check", "--config", str(root / "mkdocs.yml")])


def test_a_new_interview_note(root: Path) -> None:
    result = new(root, "Admins: can't find #SSO setup", "--area", "billing", "--source",
                 "interview", "--customer", "contoso", "--customer", "fabrikam",
                 "--tag", "sso", "--team", "growth")  # fmt: skip
    assert result.exit_code == 0, result.output
    rel = "insights/billing/2026-06-30-admins-can-t-find-sso-setup.md"
    assert result.output == f"Created {rel}\n"
    assert (root / rel).read_text(encoding="utf-8") == (
        "---\n"
        "title: 'Admins: can''t find #SSO setup'\n"
        "date: 2026-06-30\n"
        "area: billing\n"
        "source: interview\n"
        "customers: [contoso, fabrikam]\n"
        "tags: [sso]\n"
        "team: growth\n"
        "confidence: medium\n"
        "---\n"
        "## Context\n\n_Who we spoke to (by role, not by name), and why._\n\n"
        "## What we heard\n\n_The one finding, in a few sentences, with the evidence._\n\n"
        "## Quotes\n\n_Their words, verbatim, as blockquotes (lines starting with '>')._\n\n"
        "## So what\n\n_What it means for the product, and what we might do._\n"
    )
    checked = check(root)
    assert checked.exit_code == 0
    assert checked.output == "Checked 1 note: 0 errors, 0 warnings.\n"


@pytest.mark.parametrize("source", [*DEFAULT_SOURCES, "webinar"])
def test_every_source_gets_an_outline_that_passes_check(
    make_wiki: WikiFactory, source: str
) -> None:
    sources = ", ".join([*DEFAULT_SOURCES, "webinar"])
    mkdocs = MKDOCS_YML.replace("  - insights\n", f"  - insights:\n      sources: [{sources}]\n")
    root = make_wiki(mkdocs=mkdocs)
    result = new(root, f"Heard in a {source}", "--area", "onboarding", "--source", source)
    assert result.exit_code == 0, result.output
    text = next((root / "insights/onboarding").glob("*.md")).read_text(encoding="utf-8")
    sections = OUTLINES.get(source, GENERIC_OUTLINE)
    assert [line[3:] for line in text.splitlines() if line.startswith("## ")] == [
        heading for heading, _ in sections
    ]
    assert check(root).output == "Checked 1 note: 0 errors, 0 warnings.\n"


def test_every_default_source_has_its_own_outline() -> None:
    assert set(OUTLINES) | {"other"} == set(DEFAULT_SOURCES)
    assert outline("other") == outline("anything-custom")


def test_the_author_comes_from_git(tmp_path: Path, make_wiki: WikiFactory) -> None:
    repo = GitRepo(tmp_path / "repo")
    root = make_wiki(root=repo.root)
    result = new(root, "A finding", "--area", "billing", "--source", "survey", "--date",
                 "2026-05-01")  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (root / "insights/billing/2026-05-01-a-finding.md").read_text(encoding="utf-8")
    assert "\nauthor: Ann Author\n" in text
    assert "\ndate: 2026-05-01\n" in text


def test_without_git_there_is_no_author(root: Path) -> None:
    assert new(root, "A finding", "--area", "billing", "--source", "survey").exit_code == 0
    text = (root / "insights/billing/2026-06-30-a-finding.md").read_text(encoding="utf-8")
    assert "author" not in text


def test_a_long_title_gets_a_short_slug(root: Path) -> None:
    title = "Finance teams at large customers cannot reconcile " * 3
    assert new(root, title, "--area", "billing", "--source", "survey").exit_code == 0
    (path,) = (root / "insights/billing").glob("*.md")
    assert path.name == "2026-06-30-finance-teams-at-large-customers-cannot-reconcile-finance.md"
    assert check(root).exit_code == 0


def test_it_never_overwrites(root: Path) -> None:
    args = ("Same title", "--area", "billing", "--source", "survey")
    assert new(root, *args).exit_code == 0
    path = root / "insights/billing/2026-06-30-same-title.md"
    path.write_text(path.read_text(encoding="utf-8") + "My edits.\n", encoding="utf-8")
    result = new(root, *args)
    assert result.exit_code == 2
    assert "insights/billing/2026-06-30-same-title.md already exists" in result.output
    assert path.read_text(encoding="utf-8").endswith("My edits.\n")
    other_area = new(root, "Same title", "--area", "onboarding", "--source", "survey")
    assert other_area.exit_code == 2
    assert "note ids are unique" in other_area.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--area", "biling", "--source", "survey"],
         "--area 'biling' is not a known area (did you mean 'billing'?)"),
        (["--area", "nowhere", "--source", "survey"],
         "(choose one of: billing, onboarding, empty-area)"),
        (["--area", "billing", "--source", "intervew"],
         "--source 'intervew' is not a known source (did you mean 'interview'?)"),
        (["--area", "billing", "--source", "survey", "--customer", "Acme Corp"],
         "--customer 'Acme Corp' is not a lowercase slug (a-z, 0-9 and '-'); write 'acme-corp'"),
        (["--area", "billing", "--source", "survey", "--tag", "SSO"],
         "--tag 'SSO' is not a lowercase slug"),
        (["--area", "billing", "--source", "survey", "--date", "2026-07-01"],
         "--date 2026-07-01 is after today (2026-06-30)"),
        (["--area", "billing", "--source", "survey", "--date", "2026-02-30"],
         "'2026-02-30' is not a real date"),
    ],
)  # fmt: skip
def test_bad_options_exit_2(root: Path, args: list[str], message: str) -> None:
    result = new(root, "A finding", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not list((root / "insights").rglob("*.md"))


def test_without_a_terminal_it_never_prompts(root: Path) -> None:
    result = new(root, "A finding", "--source", "survey", answers="billing\n")
    assert result.exit_code == 2
    assert "missing --area (areas: billing, onboarding, empty-area)" in result.output
    assert "no terminal" in result.output
    assert "Area" not in result.output.split("Error")[0]
    nothing = new(root)
    assert "missing TITLE, --area, --source" in nothing.output


def test_in_a_terminal_it_asks_for_what_is_missing(root: Path) -> None:
    result = new(root, terminal=True, answers="Invoices confuse admins\nbiling\nbilling\n\n")
    assert result.exit_code == 0, result.output
    assert "Area (billing, onboarding, empty-area):" in result.output
    assert "Error: 'biling' is not one of" in result.output
    assert "Source (interview, usability-test" in result.output
    assert "Created insights/billing/2026-06-30-invoices-confuse-admins.md" in result.output
    text = (root / "insights/billing/2026-06-30-invoices-confuse-admins.md").read_text("utf-8")
    assert "\nsource: interview\n" in text
    assert check(root).exit_code == 0


def test_in_a_terminal_given_options_are_not_asked_again(root: Path) -> None:
    result = new(root, "A finding", "--area", "billing", terminal=True, answers="survey\n")
    assert result.exit_code == 0, result.output
    assert "Title" not in result.output
    assert "Area" not in result.output


def test_edit_opens_the_editor(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr("click.edit", lambda filename: opened.append(filename))
    result = new(root, "A finding", "--area", "billing", "--source", "survey", "--edit")
    assert result.exit_code == 0, result.output
    assert opened == [str(root / "insights/billing/2026-06-30-a-finding.md")]


def test_a_broken_registry_exits_2(make_wiki: WikiFactory) -> None:
    root = make_wiki(areas="billing: [not, a, mapping]\n")
    result = new(root, "A finding", "--area", "billing", "--source", "survey")
    assert result.exit_code == 2
    assert "insights/areas.yml" in result.output


# --- insights init ---------------------------------------------------------------------------


def init(folder: Path) -> Result:
    return CliRunner().invoke(main, ["init", str(folder)])


def test_init_makes_a_wiki_that_passes_check(tmp_path: Path) -> None:
    folder = tmp_path / "new-wiki"
    result = init(folder)
    assert result.exit_code == 0, result.output
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert files == [
        ".gitignore",
        "README.md",
        "insights/areas.yml",
        "insights/product/2026-06-30-admins-want-to-invite-their-team-in-bulk.md",
        "insights/tags.yml",
        "mkdocs.yml",
    ]
    mkdocs = (folder / "mkdocs.yml").read_text(encoding="utf-8")
    assert "docs_dir: insights\n" in mkdocs
    assert "plugins:\n  - search\n  - insights\n" in mkdocs
    assert (folder / ".gitignore").read_text(encoding="utf-8").count("/\n") == 2
    assert check(folder).output == "Checked 1 note: 0 errors, 0 warnings.\n"


def test_inits_tag_vocabulary_governs_the_new_wiki(tmp_path: Path) -> None:
    folder = tmp_path / "new-wiki"
    assert init(folder).exit_code == 0
    vocabulary = (folder / "insights/tags.yml").read_text(encoding="utf-8")
    assert vocabulary.startswith("# The tag vocabulary") and "aliases: [invites" in vocabulary
    note = next((folder / "insights/product").glob("*.md"))
    note.write_text(note.read_text(encoding="utf-8").replace("invitations,", "invites,"))
    output = check(folder).output
    assert (
        "warning tag-alias: 'invites' is an alias of 'invitations'; write 'invitations'" in output
    )
    assert output.endswith("Checked 1 note: 0 errors, 1 warning.\n")


def test_a_new_note_with_an_alias_tag_is_written_with_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "new-wiki"
    assert init(folder).exit_code == 0
    result = new(folder, "Bulk invites time out", "--area", "product", "--source", "survey",
                 "--tag", "invites", "--tag", "admin-setup")  # fmt: skip
    assert result.exit_code == 0, result.output
    rel = "insights/product/2026-06-30-bulk-invites-time-out.md"
    assert result.stdout == f"Created {rel}\n"
    assert result.stderr == (f"{rel}:7:8: warning tag-alias: 'invites' is an alias of "
                             "'invitations'; write 'invitations'\n")  # fmt: skip
    assert "tags: [invites, admin-setup]" in (folder / rel).read_text(encoding="utf-8")


def test_init_refuses_an_existing_wiki(root: Path) -> None:
    before = (root / "mkdocs.yml").read_text(encoding="utf-8")
    result = init(root)
    assert result.exit_code == 2
    assert "mkdocs.yml already exists" in result.output
    assert (root / "mkdocs.yml").read_text(encoding="utf-8") == before
    assert not (root / "README.md").exists()


def test_init_keeps_files_already_there(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo/README.md").write_text("# Ours\n", encoding="utf-8")
    result = init(tmp_path / "repo")
    assert result.exit_code == 0
    assert "Kept the existing README.md" in result.output
    assert (tmp_path / "repo/README.md").read_text(encoding="utf-8") == "# Ours\n"
    assert (tmp_path / "repo/mkdocs.yml").exists()


def test_init_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = init(tmp_path / "file")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_init_builds_strictly(tmp_path: Path) -> None:
    folder = tmp_path / "new-wiki"
    assert init(folder).exit_code == 0
    result = CliRunner().invoke(main, ["build", "--strict", "--config", str(folder / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    assert (folder / "site/index.html").is_file()
    page = folder / "site/product/2026-06-30-admins-want-to-invite-their-team-in-bulk/index.html"
    assert "Admins want to invite their whole team at once" in page.read_text(encoding="utf-8")


def test_the_example_note_in_contributing_passes_check(make_wiki: WikiFactory) -> None:
    guide = (Path(__file__).parent.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")
    example = guide.split("```markdown\n", 1)[1].split("```\n", 1)[0]
    root = make_wiki({"onboarding/2026-10-14-admins-cannot-find-sso.md": example})
    result = CliRunner().invoke(
        main, ["check", "--config", str(root / "mkdocs.yml"), "--as-of", "2026-10-20"]
    )
    assert result.output == "Checked 1 note: 0 errors, 0 warnings.\n"


# --- Decisions ----------------------------------------------------------------------------


def test_a_new_decision_cites_its_evidence_and_passes_check(make_wiki: WikiFactory) -> None:
    from tests.conftest import note_text

    root = make_wiki({"billing/2026-06-01-po-numbers.md": note_text()})
    result = new(root, "Add a purchase-order field", "--decision", "--area", "billing",
                 "--status", "planned", "--owner", "Nadia Costa",
                 "--evidence", "2026-06-01-po-numbers")  # fmt: skip
    assert result.exit_code == 0, result.output
    rel = "insights/decisions/2026-06-30-add-a-purchase-order-field.md"
    assert result.output == f"Created {rel}\n"
    assert (root / rel).read_text(encoding="utf-8") == (
        "---\n"
        "kind: decision\n"
        "title: Add a purchase-order field\n"
        "date: 2026-06-30\n"
        "area: billing\n"
        "status: planned\n"
        "owner: Nadia Costa\n"
        "evidence: [2026-06-01-po-numbers]\n"
        "---\n"
        "## Why\n\n_Why we decided this: what customers told us (cite those insights in "
        "`evidence:`)._\n\n"
        "## What we expect to change for customers\n\n_What should change for them, and how "
        "we will know it did._\n"
    )
    assert check(root).output == "Checked 2 notes: 0 errors, 0 warnings.\n"


def test_a_new_decision_is_proposed_by_its_author_by_default(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "wiki")
    repo.write("mkdocs.yml", MKDOCS_YML)
    repo.write("insights/areas.yml", "billing:\n  name: Billing\n")
    result = new(repo.root, "Try usage pricing", "--decision", "--area", "billing")
    assert result.exit_code == 0, result.output
    text = (repo.root / "insights/decisions/2026-06-30-try-usage-pricing.md").read_text()
    assert "status: proposed\nowner: Ann Author\nevidence: []\n" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--evidence", "2026-06-01-po-number"],
         "--evidence '2026-06-01-po-number' names no insight (did you mean "
         "'2026-06-01-po-numbers'?); give the file name of an insight note, without .md"),
        (["--evidence", "earlier-decision"],
         "--evidence 'earlier-decision' is a decision, not an insight; cite the insight notes "
         "behind it"),
        (["--status", "plannd"], "--status 'plannd' is not a known status (did you mean "
                                 "'planned'?)"),
        (["--source", "interview", "--tag", "x"], "--source, --tag are for insight notes, not "
                                                  "decisions"),
    ],
)  # fmt: skip
def test_a_new_decision_refuses_what_would_not_pass(
    make_wiki: WikiFactory, args: list[str], message: str
) -> None:
    from tests.conftest import note_text

    earlier = (
        "---\nkind: decision\ntitle: E\ndate: 2026-06-01\narea: billing\nstatus: planned\n"
        "---\nWhy.\n"
    )
    root = make_wiki({"billing/2026-06-01-po-numbers.md": note_text(),
                      "decisions/earlier-decision.md": earlier})  # fmt: skip
    result = new(root, "A decision", "--decision", "--area", "billing", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert not (root / "insights" / "decisions" / "2026-06-30-a-decision.md").exists()


def test_decision_options_need_decision(root: Path) -> None:
    result = new(root, "A note", "--area", "billing", "--source", "interview",
                 "--evidence", "x", "--owner", "Nadia")  # fmt: skip
    assert result.exit_code == 2
    assert "--owner, --evidence are for decisions: add --decision" in result.output


def test_a_new_decision_without_a_terminal_asks_for_no_source(root: Path) -> None:
    result = new(root, "--decision")
    assert result.exit_code == 2
    assert "missing TITLE, --area (areas: billing, onboarding, empty-area)" in result.output
    assert "--source" not in result.output
