"""`insights tags`: counts in W and overall, the vocabulary's names and aliases, and likely
duplicates, as text and JSON; and the CLI search and the site see only canonical tags."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli.commands import main
from generator.model import Note, Tag
from generator.signals.tags import likely_duplicates
from tests.conftest import WikiFactory, note_text

VOCABULARY = """\
sso:
  name: Single sign-on
  description: >
    Signing in with the company's
    identity provider.
  aliases: [single-sign-on, saml]
invoices:
  name: Invoices
  aliases: [invoice]
export:
  name: Export
"""


def notes() -> dict[str, str]:
    """In W (ending 2026-06-30): sso twice (once as an alias), exports, on-boarding; before W:
    invoices, onboarding, and dashboards with reports on the same notes."""

    def one(day: str, tags: str, area: str = "billing") -> str:
        return note_text(title=f"Heard on {day} about {tags}", date=day, area=area, tags=tags)

    return {
        "billing/a.md": one("2026-06-20", "[sso, exports]"),
        "billing/b.md": one("2026-06-01", "[single-sign-on, on-boarding]"),
        "billing/c.md": one("2026-04-02", "[invoice, onboarding]"),  # the first day of W
        "billing/d.md": one("2026-04-01", "[invoices, dashboards, reports]"),
        "onboarding/e.md": one("2026-01-15", "[dashboards, reports]", "onboarding"),
        "onboarding/f.md": one("2026-01-10", "[dashboards, reports, expot]", "onboarding"),
    }


def run(root: Path, *args: str) -> Result:
    config = ["--config", str(root / "mkdocs.yml"), "--as-of", "2026-06-30"]
    return CliRunner().invoke(main, [*args, *config])


@pytest.fixture
def governed(make_wiki: WikiFactory) -> Path:
    root = make_wiki(notes())
    (root / "insights" / "tags.yml").write_text(VOCABULARY, encoding="utf-8")
    return root


def test_text_output_matches_golden(governed: Path, golden) -> None:
    result = run(governed, "tags")
    assert result.exit_code == 0, result.output
    golden("tags/tags.txt", result.stdout)


def test_json_output_matches_golden(governed: Path, golden) -> None:
    result = run(governed, "tags", "--format", "json")
    assert result.exit_code == 0, result.output
    golden("tags/tags.json", result.stdout)
    data = json.loads(result.stdout)
    assert data["window"] == {"start": "2026-04-02", "end": "2026-06-30"}
    assert data["vocabulary"] == "insights/tags.yml"
    rows = {row["slug"]: row for row in data["tags"]}
    assert rows["sso"] == {
        "slug": "sso", "name": "Single sign-on",
        "description": "Signing in with the company's identity provider.",
        "aliases": ["single-sign-on", "saml"], "listed": True, "window": 2, "total": 2,
    }  # fmt: skip
    assert (rows["invoices"]["window"], rows["invoices"]["total"]) == (1, 2)
    assert rows["export"]["total"] == 0 and rows["exports"]["listed"] is False
    assert "single-sign-on" not in rows and "invoice" not in rows  # aliases folded
    pairs = {tuple(d["tags"]): d["why"] for d in data["likely_duplicates"]}
    assert set(pairs) == {("on-boarding", "onboarding"), ("export", "exports"),
                          ("dashboards", "reports"), ("export", "expot")}  # fmt: skip
    assert pairs[("dashboards", "reports")] == (
        "'dashboards' and 'reports' are on the same notes: 3 of 3"
    )


def test_without_a_vocabulary_every_used_tag_is_listed_as_written(make_wiki: WikiFactory) -> None:
    result = run(make_wiki(notes()), "tags", "--format", "json")
    data = json.loads(result.stdout)
    assert data["vocabulary"] is None
    slugs = [row["slug"] for row in data["tags"]]
    assert "single-sign-on" in slugs and "export" not in slugs
    assert all(not row["listed"] and row["name"] == row["slug"] for row in data["tags"])
    assert "not in" not in run(make_wiki(notes()), "tags").stdout


def test_a_broken_vocabulary_exits_1_naming_the_line(make_wiki: WikiFactory) -> None:
    root = make_wiki(notes())
    (root / "insights" / "tags.yml").write_text("sso:\n  aliases: sso\n", encoding="utf-8")
    result = run(root, "tags")
    assert result.exit_code == 1
    assert "insights/tags.yml:2:12: error bad-tags: tag 'sso': 'aliases' must be a list" in (
        result.stderr
    )
    assert "Traceback" not in result.output


def test_check_reports_tag_warnings_and_vocabulary_errors(governed: Path) -> None:
    (governed / "insights" / "tags.yml").write_text(VOCABULARY + "reports: [x]\n")
    result = run(governed, "check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "insights/billing/b.md:6:8: warning tag-alias: 'single-sign-on' is an alias of " \
        "'sso'; write 'sso'" in lines  # fmt: skip
    assert any(line.startswith("insights/onboarding/f.md:6:29: warning unknown-tag: 'expot' is "
                               "not a tag of insights/tags.yml (did you mean 'export'?)")
               for line in lines)  # fmt: skip
    assert "insights/tags.yml:12:10: error bad-tags: tag 'reports' is a list, not a mapping; " \
        "write {name: ..., description: ..., aliases: [...]}" in lines  # fmt: skip


def test_cli_search_finds_an_alias_under_its_tag(governed: Path) -> None:
    found = run(governed, "search", "*", "--tag", "sso", "--format", "json")
    assert found.exit_code == 0, found.output
    assert sorted(row["id"] for row in json.loads(found.stdout)) == ["a", "b"]
    alias = run(governed, "search", "tag:single-sign-on", "--format", "json")
    assert json.loads(alias.stdout) == []
    (governed / "insights" / "tags.yml").unlink()  # the index follows the vocabulary
    unfolded = run(governed, "search", "*", "--tag", "sso", "--format", "json")
    assert [row["id"] for row in json.loads(unfolded.stdout)] == ["a"]


def tagged(slug: str, *tags: str) -> Note:
    return Note(slug, f"{slug}.md", slug, dt.date(2026, 1, 1), "a", "x", tags=tags)


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["onboarding", "on-boarding"], [("on-boarding", "onboarding")]),
        (["export", "exports"], [("export", "exports")]),
        (["invite-flow", "invites-flow"], [("invite-flow", "invites-flow")]),
        (["sso", "sso-setup"], [("sso", "sso-setup")]),
        (["api", "public-api"], [("api", "public-api")]),
        (["dashboards", "dashbaords"], [("dashbaords", "dashboards")]),
        (["sso", "single-sign-on"], []),  # only a vocabulary can say so
        (["pdf-export", "data-export"], []),
        (["data-import", "data-export"], []),
        (["tax", "taxi"], []),  # too short to call a typo
        (["mentions", "comments"], []),
    ],
)
def test_likely_duplicates_by_name(tags: list[str], expected: list[tuple[str, str]]) -> None:
    found = likely_duplicates([Tag(t, t) for t in tags], [])
    assert [(d.first, d.second) for d in found] == expected


def test_an_alias_joins_by_name_and_folded_pairs_are_not_reported() -> None:
    vocabulary = [Tag("sso", "SSO", aliases=("single-sign-on",)), Tag("single-signon", "x")]
    assert [(d.first, d.second, d.why) for d in likely_duplicates(vocabulary, [])] == [
        ("single-signon", "sso", "'single-sign-on' (an alias of 'sso') and 'single-signon': "
         "the same word, hyphenated differently")]  # fmt: skip
    folded = [Tag("export", "Export", aliases=("exports", "data-export"))]
    assert likely_duplicates(folded, []) == ()


def test_likely_duplicates_by_use() -> None:
    """x and y share 3 notes: of 5 with either, that is too few (0.6); of 4, enough (0.75)."""
    notes = [tagged("a", "x", "y"), tagged("b", "x", "y"), tagged("c", "x", "y", "z"),
             tagged("d", "x"), tagged("e", "z"), tagged("f", "w", "x")]  # fmt: skip
    assert likely_duplicates([], notes) == ()
    fewer = [n for n in notes if n.id not in ("d", "f")] + [tagged("g", "y")]
    assert [(d.first, d.second, d.why) for d in likely_duplicates([], fewer)] == [
        ("x", "y", "'x' and 'y' are on the same notes: 3 of 4")
    ]
    single = [tagged("a", "p", "q")]  # one note proves nothing
    assert likely_duplicates([], single) == ()
