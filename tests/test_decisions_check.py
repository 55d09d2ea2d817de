"""Decisions (`kind: decision`) are checked as strictly as notes: a table of bad decisions, each
giving exactly the problems listed at the line and column of the offending value, and the
checks only the whole wiki can make (what a decision cites, ids shared with notes)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from click.testing import CliRunner

from generator.cli.commands import main
from generator.config import Settings
from generator.model import Area, Decision, Note
from generator.notes.load import load_wiki, parse_note
from tests.conftest import WikiFactory, note_text

AS_OF = dt.date(2026, 6, 30)
AREAS = (Area("billing", "Billing"), Area("onboarding", "Onboarding"))
SETTINGS = Settings()
PATH = "insights/decisions/a-decision.md"
BODY = "Why we decided this.\n"


def decision(*extra: str, body: str = BODY, **fields: str | None) -> str:
    """A decision: kind on line 2, title 3, date 4, area 5, status 6, owner 7, then `extra`.

    Pass a field as None to leave its line out (the lines after it move up).
    """
    values: dict[str, str | None] = {"kind": "decision", "title": "Add a PO field"}
    values |= {"date": "2026-06-10", "area": "billing", "status": "planned", "owner": "Nadia"}
    values |= fields
    lines = [f"{key}: {value}" for key, value in values.items() if value is not None]
    return "---\n" + "\n".join([*lines, *extra]) + "\n---\n" + body


def problems(text: str, settings: Settings = SETTINGS) -> list[tuple[str, int, int]]:
    found = parse_note(PATH, text.encode(), settings, AREAS, AS_OF)[1]
    return [(p.code, p.line, p.column) for p in found]


def message(text: str, settings: Settings = SETTINGS) -> str:
    (found,) = parse_note(PATH, text.encode(), settings, AREAS, AS_OF)[1]
    return found.message


def test_a_valid_decision_is_a_decision_not_a_note() -> None:
    text = decision("evidence: [first-note, second-note]")
    found, trouble = parse_note(PATH, text.encode(), SETTINGS, AREAS, AS_OF)
    assert trouble == []
    assert isinstance(found, Decision)
    assert (found.id, found.title, found.status, found.owner) == (
        "a-decision", "Add a PO field", "planned", "Nadia"
    )  # fmt: skip
    assert found.evidence == ("first-note", "second-note")
    assert found.position("evidence[1]") == (8, 24)
    assert found.body == BODY and found.body_line == 10


@pytest.mark.parametrize("kind", ["", "kind: insight"])
def test_a_file_without_kind_or_with_kind_insight_is_an_insight_note(kind: str) -> None:
    text = note_text(**({"kind": "insight"} if kind else {}))
    found, trouble = parse_note("insights/billing/n.md", text.encode(), SETTINGS, AREAS, AS_OF)
    assert trouble == [] and isinstance(found, Note)


CASES = {
    "no title": (decision(title=None), [("missing-field", 1, 1)]),
    "no status": (decision(status=None), [("missing-field", 1, 1)]),
    "no date": (decision(date=None), [("missing-field", 1, 1)]),
    "no area": (decision(area=None), [("missing-field", 1, 1)]),
    "empty status": (decision(status='""'), [("empty-field", 6, 9)]),
    "unknown status": (decision(status="planed"), [("unknown-status", 6, 9)]),
    "unknown area": (decision(area="biling"), [("unknown-area", 5, 7)]),
    "bad date": (decision(date="2026-02-30"), [("bad-date", 4, 7)]),
    "future date": (decision(date="2026-07-01"), [("future-date", 4, 7)]),
    "evidence not a list": (decision("evidence: some-note"), [("wrong-type", 8, 11)]),
    "evidence not a slug": (decision("evidence: [Some Note]"), [("bad-slug", 8, 12)]),
    "evidence twice": (decision("evidence: [a, b, a]"), [("duplicate-evidence", 8, 18)]),
    "owner a list": (decision("owner: [a, b]", owner=None), [("wrong-type", 7, 8)]),
    "unknown key": (decision("sources: [x]"), [("unknown-key", 8, 1)]),
    "a note's field": (decision("source: interview"), [("unknown-key", 8, 1)]),
    "unknown kind": (decision(kind="decison"), [("unknown-kind", 2, 7)]),
    "empty kind": (decision(kind='""'), [("unknown-kind", 2, 7)]),
    "kind a list": (decision(kind="[decision]"), [("wrong-type", 2, 7)]),
    "no body": (decision(body=""), [("empty-body", 8, 1)]),
    "personal data": (decision(body="Mail jane@acme-corp.com\n"), [("personal-data", 9, 6)]),
}


@pytest.mark.parametrize(("text", "expected"), CASES.values(), ids=CASES.keys())
def test_each_problem_with_a_decision_is_located(text: str, expected: list) -> None:
    assert problems(text) == expected


def test_the_messages_say_how_to_fix_it() -> None:
    assert message(decision(kind="decison")) == (
        "'decison' is not a kind (did you mean 'decision'?); the kinds are insight (the "
        "default: leave kind out) and decision"
    )
    assert message(decision(status="planed")) == (
        "'planed' is not a known status (did you mean 'planned'?); new ones go in the "
        "plugin's 'decision_statuses' option"
    )
    assert message(decision(status="maybe")) == (
        "'maybe' is not a known status (choose one of: proposed, planned, building, shipped, "
        "dropped); new ones go in the plugin's 'decision_statuses' option"
    )
    assert message(decision(date="2026-07-01")).endswith("use the day it was decided")
    assert message(decision("evidence: [a, a]")) == (
        "'a' is cited twice in 'evidence'; remove the repeat"
    )
    assert "required field 'status' is missing" in message(decision(status=None))


def test_an_unknown_kind_is_reported_alone() -> None:
    """Whether a note's source is missing means nothing until we know it is a note."""
    text = "---\nkind: memo\ntitle: x\n---\nBody.\n"
    assert problems(text) == [("unknown-kind", 2, 7)]


def test_statuses_are_configurable() -> None:
    settings = dataclasses.replace(SETTINGS, decision_statuses=("now", "next", "later"))
    assert problems(decision(status="next"), settings) == []
    assert problems(decision(status="planned"), settings) == [("unknown-status", 6, 9)]


# What only the whole wiki can tell


def _load(make_wiki: WikiFactory, notes: dict[str, str]) -> tuple[list[tuple], object]:
    wiki = load_wiki(make_wiki(notes), SETTINGS, AREAS, AS_OF)
    return [(p.path, p.code, p.line, p.column) for p in wiki.problems], wiki


def test_evidence_must_name_an_insight(make_wiki: WikiFactory) -> None:
    notes = {
        "billing/invoices-lack-cost-centres.md": note_text(),
        "decisions/first.md": decision("evidence: [invoices-lack-cost-centers, second]"),
        "decisions/second.md": decision(),
    }
    found, wiki = _load(make_wiki, notes)
    assert found == [
        ("insights/decisions/first.md", "unknown-evidence", 8, 12),
        ("insights/decisions/first.md", "evidence-is-decision", 8, 40),
    ]
    wiki = load_wiki(make_wiki(notes), SETTINGS, AREAS, AS_OF)
    unknown = next(p for p in wiki.problems if p.code == "unknown-evidence")
    assert unknown.message == (
        "evidence 'invoices-lack-cost-centers' names no insight (did you mean "
        "'invoices-lack-cost-centres'?); use the file name of an insight note, without .md"
    )
    assert [d.id for d in wiki.decisions] == ["second"]  # the one with errors is left out
    assert [n.id for n in wiki.notes] == ["invoices-lack-cost-centres"]


def test_a_decision_may_not_share_an_id_with_a_note(make_wiki: WikiFactory) -> None:
    found, _ = _load(make_wiki, {"billing/same.md": note_text(), "decisions/same.md": decision()})
    assert found == [
        ("insights/billing/same.md", "duplicate-id", 1, 1),
        ("insights/decisions/same.md", "duplicate-id", 1, 1),
    ]


def test_decisions_are_never_among_the_notes(make_wiki: WikiFactory) -> None:
    notes = {"billing/n.md": note_text(), "billing/d.md": decision("evidence: [n]")}
    found, wiki = _load(make_wiki, notes)
    assert found == []
    assert [n.id for n in wiki.notes] == ["n"]  # type: ignore[attr-defined]
    assert [d.id for d in wiki.decisions] == ["d"]  # type: ignore[attr-defined]


def test_insights_check_reports_decisions_at_path_line_col(make_wiki: WikiFactory) -> None:
    root = make_wiki({
        "billing/n.md": note_text(),
        "decisions/d.md": decision("evidence: [m]", status="plannd"),
    })  # fmt: skip
    result = CliRunner().invoke(main, ["check", "--config", str(root / "mkdocs.yml"),
                                       "--as-of", "2026-06-30"])  # fmt: skip
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "insights/decisions/d.md:6:9: error unknown-status: 'plannd' is not a known status "
        "(did you mean 'planned'?); new ones go in the plugin's 'decision_statuses' option",
        "Checked 2 notes: 1 error, 0 warnings.",
    ]  # evidence is checked once the decision's own fields pass


def test_the_schema_covers_both_kinds(make_wiki: WikiFactory) -> None:
    root = make_wiki()
    result = CliRunner().invoke(main, ["schema", "--config", str(root / "mkdocs.yml")])
    schema = json.loads(result.output)
    assert schema["if"] == {"properties": {"kind": {"const": "decision"}}, "required": ["kind"]}
    assert schema["then"]["required"] == ["kind", "title", "date", "area", "status"]
    assert schema["then"]["properties"]["status"]["enum"] == list(SETTINGS.decision_statuses)
    assert schema["then"]["properties"]["evidence"]["type"] == "array"
    assert schema["else"]["required"] == ["title", "date", "area", "source"]
    assert schema["else"]["properties"]["kind"] == {
        "enum": ["insight"], "description": "Leave it out: an insight is the default."
    }  # fmt: skip
