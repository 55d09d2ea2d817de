"""Decisions and their evidence: evidence strength, and each flag exactly at and just off its
threshold. W is the 90 days ending on AS_OF: 2 Apr 2026 to 30 Jun 2026."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from generator.config import Settings
from generator.model import Area, CompanySummary, Decision, Note
from generator.signals.decisions import evidence_strength
from generator.signals.summary import summarize
from generator.signals.summary_json import summary_to_json

AS_OF = dt.date(2026, 6, 30)
START = dt.date(2026, 4, 2)  # the first day of W
AREAS = (Area("billing", "Billing"), Area("onboarding", "Onboarding"))
SETTINGS = Settings()
TITLE = "Finance teams reconcile invoices by hand because invoice lines lack cost centres"
BODY = "Every month the finance team reconciles each invoice line by hand: no cost centre."


def note(
    note_id: str,
    day: dt.date = dt.date(2026, 6, 1),
    customers: tuple[str, ...] = (),
    area: str = "billing",
    source: str = "interview",
    title: str = TITLE,
    body: str = BODY,
) -> Note:
    return Note(id=note_id, path=f"insights/{area}/{note_id}.md", title=title, date=day,
                area=area, source=source, customers=customers, body=body)  # fmt: skip


def decision(
    decision_id: str = "d",
    status: str = "planned",
    evidence: tuple[str, ...] = (),
    area: str = "billing",
    day: dt.date = dt.date(2026, 6, 1),
) -> Decision:
    return Decision(id=decision_id, path=f"insights/decisions/{decision_id}.md",
                    title=f"Decision {decision_id}", date=day, area=area, status=status,
                    owner="Nadia", evidence=evidence)  # fmt: skip


def run(notes: list[Note], decisions: list[Decision], **options: object) -> CompanySummary:
    settings = dataclasses.replace(SETTINGS, **options)
    return summarize(notes, AREAS, AS_OF, settings, decisions=decisions)


def flags(summary: CompanySummary) -> dict[str, list[str]]:
    return {s.decision.id: [f.name for f in s.flags] for s in summary.decisions}


# --- Building without listening -----------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "flagged"),
    [("proposed", True), ("planned", True), ("building", True), ("shipped", False),
     ("dropped", False)],
)  # fmt: skip
def test_an_open_decision_without_evidence_is_building_without_listening(
    status: str, flagged: bool
) -> None:
    summary = run([note("n")], [decision(status=status)])
    assert summary.decisions_without_evidence == (("d",) if flagged else ())
    assert flags(summary) == {"d": ["no_evidence"] if flagged else []}
    data = summary_to_json(summary)["company"]
    assert data["decisions_without_evidence"] == (["d"] if flagged else [])


def test_one_insight_is_evidence_enough() -> None:
    summary = run([note("n")], [decision(evidence=("n",))])
    assert summary.decisions_without_evidence == ()
    assert flags(summary) == {"d": []}


def test_building_without_listening_says_why() -> None:
    (found,) = run([], [decision(status="proposed")]).decisions
    assert found.flags[0].why == (
        "It is open (proposed) but cites no insight, so nothing in the wiki shows what "
        "customers told us about it. Cite the insights behind it in 'evidence:'."
    )
    assert found.strength.line == "No customer evidence: it cites no insight."


def test_open_statuses_are_configurable() -> None:
    options = {"decision_statuses": ("now", "next", "done"), "open_statuses": ("now", "next"),
               "shipped_statuses": ("done",)}  # fmt: skip
    summary = run([], [decision("a", "next"), decision("b", "done")], **options)
    assert summary.decisions_without_evidence == ("a",)


# --- Stale evidence -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("newest", "stale"),
    [(START, False), (START - dt.timedelta(days=1), True), (AS_OF, False)],
)
def test_evidence_is_stale_when_all_of_it_is_older_than_the_window(
    newest: dt.date, stale: bool
) -> None:
    notes = [note("old", dt.date(2025, 1, 1)), note("newest", newest)]
    summary = run(notes, [decision(evidence=("old", "newest"))])
    assert summary.decisions_with_stale_evidence == (("d",) if stale else ())
    assert flags(summary) == {"d": ["stale_evidence"] if stale else []}
    data = summary_to_json(summary)["company"]
    assert data["decisions_with_stale_evidence"] == (["d"] if stale else [])


def test_the_stale_window_is_the_summary_window() -> None:
    notes = [note("n", AS_OF - dt.timedelta(days=30))]
    assert run(notes, [decision(evidence=("n",))], window_days=31).decisions[0].flags == ()
    flagged = run(notes, [decision(evidence=("n",))], window_days=30).decisions[0].flags
    assert [f.name for f in flagged] == ["stale_evidence"]


@pytest.mark.parametrize("status", ["shipped", "dropped"])
def test_a_closed_decision_is_never_stale(status: str) -> None:
    summary = run([note("n", dt.date(2025, 1, 1))], [decision(status=status, evidence=("n",))])
    assert summary.decisions_with_stale_evidence == ()


def test_stale_evidence_says_why() -> None:
    notes = [note("a", dt.date(2026, 3, 31)), note("b", dt.date(2026, 1, 5))]
    (found,) = run(notes, [decision(evidence=("a", "b"))]).decisions
    assert found.flags[0].why == (
        "Both insights it cites are older than the last 90 days: the newest, from 31 Mar 2026, "
        "is 91 days old. Check with customers that it still matters."
    )


def test_stale_evidence_of_one_insight_says_why() -> None:
    (found,) = run([note("a", dt.date(2025, 12, 15))], [decision(evidence=("a",))]).decisions
    assert found.flags[0].why == (
        "The one insight it cites is older than the last 90 days: from 15 Dec 2025, 197 days "
        "old. Check with customers that it still matters."
    )


# --- Evidence strength --------------------------------------------------------------------


def test_evidence_strength_counts_distinct_customers_sources_and_areas() -> None:
    cited = [
        note("a", dt.date(2026, 6, 18), ("contoso", "fabrikam")),
        note("b", dt.date(2026, 5, 1), ("contoso",), area="onboarding", source="survey"),
        note("c", dt.date(2026, 2, 1), ("northwind",), source="survey"),
    ]
    strength = evidence_strength(cited, AS_OF)
    assert strength.customers == ("contoso", "fabrikam", "northwind")
    assert strength.sources == ("interview", "survey")
    assert strength.areas == ("billing", "onboarding")
    assert (strength.insights, strength.newest, strength.age_days) == (3, dt.date(2026, 6, 18), 12)
    assert strength.line == (
        "3 insights from 3 customers, 2 sources and 2 areas; the newest is 12 days old."
    )


@pytest.mark.parametrize(
    ("customers", "day", "line"),
    [
        ((), AS_OF, "1 insight from no customer named, 1 source and 1 area; the newest is from "
                    "today."),
        (("acme",), AS_OF - dt.timedelta(days=1), "1 insight from 1 customer, 1 source and 1 "
                                                  "area; the newest is 1 day old."),
    ],
)  # fmt: skip
def test_the_strength_line_reads_well_for_one(
    customers: tuple[str, ...], day: dt.date, line: str
) -> None:
    assert evidence_strength([note("a", day, customers)], AS_OF).line == line


def test_the_strength_of_each_decision_is_in_the_json() -> None:
    notes = [note("a", dt.date(2026, 6, 18), ("contoso",))]
    (data,) = summary_to_json(run(notes, [decision(evidence=("a",))]))["company"]["decisions"]
    assert data == {
        "id": "d", "path": "insights/decisions/d.md", "title": "Decision d",
        "date": "2026-06-01", "area": "billing", "status": "planned", "owner": "Nadia",
        "open": True, "evidence": ["a"],
        "strength": {"insights": 1, "customers": ["contoso"], "sources": ["interview"],
                     "areas": ["billing"], "newest": "2026-06-18", "age_days": 12,
                     "why": "1 insight from 1 customer, 1 source and 1 area; the newest is 12 "
                            "days old."},
        "flags": [],
    }  # fmt: skip


# --- Unaddressed findings -----------------------------------------------------------------


def finding_notes(customers: int) -> list[Note]:
    """Three notes that report the same thing (one finding) from `customers` customers, and
    one that reports something else."""
    named = [(f"customer-{i}",) if i < customers else () for i in range(3)]
    return [
        *(note(f"same-{i}", dt.date(2026, 6, 1 + i), named[i]) for i in range(3)),
        note("other", title="Admins cannot find where to set up single sign-on",
             body="The SSO settings sit under Security, where nobody looks.",
             area="onboarding", customers=("zeta",)),
    ]  # fmt: skip


@pytest.mark.parametrize(("customers", "flagged"), [(3, True), (2, False)])
def test_a_finding_from_enough_customers_that_no_decision_cites_is_unaddressed(
    customers: int, flagged: bool
) -> None:
    summary = run(finding_notes(customers), [])
    (finding,) = summary.findings
    assert len(finding.customers) == customers
    assert [u.finding for u in summary.unaddressed] == ([finding] if flagged else [])


def test_the_threshold_is_an_option() -> None:
    assert run(finding_notes(3), [], unaddressed_customers=4).unaddressed == ()
    assert len(run(finding_notes(2), [], unaddressed_customers=2).unaddressed) == 1


@pytest.mark.parametrize(
    ("status", "cited", "unaddressed"),
    [
        ("proposed", ("same-2",), False),
        ("building", ("same-0", "other"), False),
        ("shipped", ("same-1",), False),
        ("dropped", ("same-1",), True),
        ("planned", ("other",), True),
    ],
)
def test_an_open_or_shipped_decision_citing_any_of_its_notes_addresses_a_finding(
    status: str, cited: tuple[str, ...], unaddressed: bool
) -> None:
    summary = run(finding_notes(3), [decision(status=status, evidence=cited)])
    assert bool(summary.unaddressed) is unaddressed


def test_unaddressed_findings_keep_the_findings_shape_and_say_why() -> None:
    data = summary_to_json(run(finding_notes(3), []))["company"]
    (item,) = data["unaddressed_findings"]
    (finding,) = data["findings"]
    assert item == {**finding, "why": (
        "Heard from 3 customers in the last 90 days (3 or more), and no open or shipped "
        "decision cites any of its 3 insights.")}  # fmt: skip
    assert item["notes"] == ["same-2", "same-1", "same-0"]


# --- Decisions are not insights -----------------------------------------------------------


def test_decisions_never_count_as_insights() -> None:
    notes = finding_notes(3)
    decisions = [decision("a"), decision("b", "shipped", ("same-0",), area="onboarding")]
    without, with_decisions = run(notes, []), run(notes, decisions)
    assert with_decisions.areas == tuple(
        dataclasses.replace(s, decisions=tuple(d for d in with_decisions.decisions
                                               if d.open and d.decision.area == s.area.slug))
        for s in without.areas
    )  # fmt: skip
    assert with_decisions.findings == without.findings
    assert with_decisions.single_signals == without.single_signals
    assert with_decisions.going_dark == without.going_dark
    assert [s.insights for s in with_decisions.areas] == [3, 1]


def test_an_area_lists_its_open_decisions_newest_first() -> None:
    decisions = [
        decision("old", day=dt.date(2026, 1, 1)),
        decision("new", day=dt.date(2026, 6, 1)),
        decision("done", "shipped"),
        decision("elsewhere", area="onboarding"),
    ]
    billing = run([], decisions).areas[0]
    assert [s.decision.id for s in billing.decisions] == ["new", "old"]
