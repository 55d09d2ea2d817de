"""`insights summary`: golden output on a small wiki, options, errors and exit codes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli.commands import main
from tests.conftest import FIXTURES, WikiFactory, note_text

Golden = Callable[[str, str], None]


@pytest.fixture
def wiki(tmp_path: Path) -> Path:
    """A copy of tests/fixtures/summary: every flag shows on its pinned date, 2026-06-30."""
    root = tmp_path / "summary"
    shutil.copytree(FIXTURES / "summary", root)
    return root


def summary(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["summary", "--config", str(root / "mkdocs.yml"), *args])


def test_json_golden(wiki: Path, golden: Golden) -> None:
    result = summary(wiki, "--format", "json")
    assert result.exit_code == 0, result.output
    golden("summary/summary.json", result.stdout)


def test_markdown_golden(wiki: Path, golden: Golden) -> None:
    result = summary(wiki)
    assert result.exit_code == 0, result.output
    golden("summary/summary.md", result.stdout)


def test_one_area_markdown_golden(wiki: Path, golden: Golden) -> None:
    result = summary(wiki, "billing")
    assert result.exit_code == 0, result.output
    golden("summary/billing.md", result.stdout)
    assert result.stdout.startswith("# Billing\n") and "Planning brief" not in result.stdout


def test_the_fixture_shows_every_flag(wiki: Path) -> None:
    data = json.loads(summary(wiki, "--format", "json").stdout)
    areas = {a["area"]: a for a in data["areas"]}
    assert data["company"]["going_dark"] == ["reporting", "security"]
    assert data["company"]["echo_chambers"] == ["billing"]
    assert data["company"]["over_contacted"] == ["contoso"]
    assert [t["tag"] for t in data["company"]["cross_area_themes"]] == ["data-export"]
    assert areas["billing"]["emerging"] == ["invoices"]
    assert areas["reporting"]["fading"] == ["dashboards"]
    assert {t["tag"]: t["trend"] for t in areas["onboarding"]["themes"]}["sso"] == "rising"
    # both window edges: 2026-04-02 is in W, 2026-04-01 in P; 2026-01-02 in P, 2026-01-01 not
    assert (areas["billing"]["insights"], areas["billing"]["previous_insights"]) == (6, 1)
    assert (areas["reporting"]["insights"], areas["reporting"]["previous_insights"]) == (1, 3)


def test_same_input_gives_identical_output(wiki: Path) -> None:
    for args in (("--format", "json"), ("--format", "markdown")):
        assert summary(wiki, *args).stdout == summary(wiki, *args).stdout


def test_areas_filter_the_json(wiki: Path) -> None:
    data = json.loads(summary(wiki, "security", "billing", "--format", "json").stdout)
    assert [a["area"] for a in data["areas"]] == ["billing", "security"]
    assert data["company"]["going_dark"] == ["reporting", "security"]


def test_as_of_and_days(wiki: Path) -> None:
    result = summary(wiki, "--as-of", "2026-06-20", "--days", "30", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["as_of"] == "2026-06-20"
    assert data["window"] == {"start": "2026-05-22", "end": "2026-06-20", "days": 30}
    billing = next(a for a in data["areas"] if a["area"] == "billing")
    assert (billing["insights"], billing["previous_insights"]) == (1, 2)
    # the notes of 2026-06-25 and 2026-06-28 are after the as-of date: errors, left out
    assert result.stderr.startswith("warning: 2 notes have errors")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("biling",), "'biling' is not an area (did you mean 'billing'?)"),
        (("zzz",), "'zzz' is not an area; choose from: billing, onboarding, reporting, security"),
        (("--days", "0"), "Invalid value for '--days'"),
        (("--format", "yaml"), "Invalid value for '--format'"),
        (("--as-of", "2026-13-01"), "not a real date"),
    ],
)
def test_misuse_exits_2(wiki: Path, args: tuple[str, ...], message: str) -> None:
    result = summary(wiki, *args)
    assert result.exit_code == 2
    assert message in result.output


def test_a_broken_config_exits_2(make_wiki: WikiFactory) -> None:
    root = make_wiki(mkdocs="site_name: x\nplugins:\n  - insights:\n      window_days: many\n")
    result = summary(root)
    assert result.exit_code == 2
    assert "window_days" in result.output


def test_a_zero_window_setting_exits_2(make_wiki: WikiFactory) -> None:
    root = make_wiki(mkdocs="site_name: x\nplugins:\n  - insights:\n      window_days: 0\n")
    result = summary(root)
    assert result.exit_code == 2
    assert "at least 1 day" in result.output


def test_notes_with_errors_are_left_out_with_a_warning(make_wiki: WikiFactory) -> None:
    root = make_wiki(
        {
            "billing/good.md": note_text(date="2026-06-01", customers=["contoso"]),
            "billing/bad.md": note_text(area="biling"),
            "billing/worse.md": note_text(date="not-a-date"),
        }
    )
    result = summary(root, "--as-of", "2026-06-30", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == "warning: 2 notes have errors and are left out; run insights check\n"
    billing = json.loads(result.stdout)["areas"][0]
    assert (billing["area"], billing["insights"], billing["notes"]) == ("billing", 1, ["good"])


def test_markdown_links_notes_to_their_files(wiki: Path) -> None:
    text = summary(wiki, "billing").stdout
    assert "](insights/billing/2026-06-25-invoices-lack-cost-centres.md)" in text
    assert "[contoso](#customer-contoso)" in text
    brief = summary(wiki).stdout
    # GitHub-flavoured: Markdown escapes by backslash, never an HTML entity
    assert "[Reporting \\& Analytics](#reporting--analytics)" in brief
    assert "\n# Reporting \\& Analytics\n" in brief
    assert "&amp;" not in brief and "&#39;" not in brief and "!!! " not in brief
    assert "<div" not in brief and "&#34;" not in brief


def test_help_documents_every_option() -> None:
    result = CliRunner().invoke(main, ["summary", "--help"])
    assert result.exit_code == 0
    for option in ("AREA", "--as-of", "--days", "--format", "--config", "markdown|json"):
        assert option in result.output


def test_the_decisions_section_of_the_brief_in_both_flavours(golden: Golden) -> None:
    """The brief's Decisions and their evidence, on the site and in GitHub-flavoured Markdown."""
    from generator.plugin.options import read_settings
    from generator.site import pages
    from generator.site.compile import compile_site

    small = FIXTURES / "small"
    built = compile_site(small, read_settings(small / "mkdocs.yml"), None)
    site = pages.brief_page(built.context).markdown
    github = summary(small).stdout
    for name, text in (("brief-section.md", site), ("brief-section-github.md", github)):
        section = text[text.index("## Decisions and their evidence") : text.index("## Areas")]
        golden(f"decisions/{name}", section)
    section = github[github.index("## Decisions and their") : github.index("## Areas")]
    assert "insights/decisions/2026-06-29-sso-setup-wizard.md" in section  # the file, in a PR
    assert "All decisions" not in section  # the listing is the site's
    assert "&lt;" not in section and "<b>" not in section


def test_the_summary_json_flags_decisions(tmp_path: Path) -> None:
    root = tmp_path / "small"
    shutil.copytree(FIXTURES / "small", root)
    company = json.loads(summary(root, "--format", "json").stdout)["company"]
    assert company["decisions_without_evidence"] == ["2026-06-29-sso-setup-wizard"]
    stale = ["2026-03-01-longer-trials-for-regulated-buyers"]
    assert company["decisions_with_stale_evidence"] == stale
    assert company["unaddressed_findings"] == []
    assert [d["id"] for d in company["decisions"]] == [
        "2026-06-29-sso-setup-wizard",
        "2026-06-25-cost-centres-on-invoice-lines",
        "2026-03-01-longer-trials-for-regulated-buyers",
    ]
    flags = {d["id"]: [f["why"] for f in d["flags"]] for d in company["decisions"]}
    assert flags["2026-06-29-sso-setup-wizard"][0].startswith("It is open (proposed) but cites")
