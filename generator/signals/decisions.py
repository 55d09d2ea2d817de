"""Decisions and their evidence: how strong each decision's evidence is, and where we build
without listening. Pure functions of (decisions, notes, findings, as_of, settings).

A decision is open when its status is one of `open_statuses`; open decisions are flagged when
they cite no insight (no_evidence) or only insights older than the window W (stale_evidence).
A finding heard from `unaddressed_customers` or more customers is unaddressed when no open or
shipped decision cites any of its notes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from generator.config import Settings
from generator.model import (
    Decision,
    DecisionSummary,
    EvidenceStrength,
    Finding,
    Flag,
    Note,
    UnaddressedFinding,
)


@dataclass(frozen=True)
class DecisionSignals:
    """Every decision as the summaries see it (open first, then newest), and the findings
    that no decision acts on (best first)."""

    decisions: tuple[DecisionSummary, ...]
    unaddressed: tuple[UnaddressedFinding, ...]

    def open_in(self, area: str) -> tuple[DecisionSummary, ...]:
        """The open decisions of one area, newest first."""
        return tuple(s for s in self.decisions if s.open and s.decision.area == area)


def summarize_decisions(
    decisions: Sequence[Decision],
    notes: Iterable[Note],
    findings: Sequence[Finding],
    start: dt.date,
    as_of: dt.date,
    settings: Settings,
) -> DecisionSignals:
    """Each decision's evidence strength and flags, and the unaddressed findings, for the
    window from `start` to `as_of`."""
    by_id = {n.id: n for n in notes if n.date <= as_of}
    days = (as_of - start).days + 1
    summaries = [
        summarize_decision(d, by_id, start, as_of, settings) for d in decisions if d.date <= as_of
    ]
    summaries.sort(key=lambda s: (not s.open, -s.decision.date.toordinal(), s.decision.id))
    acting = [s.decision for s in summaries if acts(s.decision, settings)]
    return DecisionSignals(tuple(summaries), unaddressed(findings, acting, days, settings))


def is_open(decision: Decision, settings: Settings) -> bool:
    """Whether the decision is still to be built: proposed, planned or building by default."""
    return decision.status in settings.open_statuses


def acts(decision: Decision, settings: Settings) -> bool:
    """Whether the decision acts on what it cites: open, or shipped."""
    return is_open(decision, settings) or decision.status in settings.shipped_statuses


def summarize_decision(
    decision: Decision,
    notes: Mapping[str, Note],
    start: dt.date,
    as_of: dt.date,
    settings: Settings,
) -> DecisionSummary:
    """One decision: whether it is open, its evidence strength and, if open, its flags."""
    cited = [notes[i] for i in decision.evidence if i in notes]
    strength = evidence_strength(cited, as_of)
    opened = is_open(decision, settings)
    flags = evidence_flags(decision, strength, start, as_of) if opened else ()
    return DecisionSummary(decision, opened, strength, flags)


def evidence_strength(cited: Sequence[Note], as_of: dt.date) -> EvidenceStrength:
    """Distinct customers, sources and areas of the cited insights, and the newest one's age."""
    if not cited:
        return EvidenceStrength(0, line="No customer evidence: it cites no insight.")
    newest = max(n.date for n in cited)
    strength = EvidenceStrength(
        insights=len(cited),
        customers=_distinct(c for n in cited for c in n.customers),
        sources=_distinct(n.source for n in cited),
        areas=_distinct(n.area for n in cited),
        newest=newest,
        age_days=(as_of - newest).days,
    )
    return EvidenceStrength(**{**vars(strength), "line": strength_line(strength)})


def strength_line(strength: EvidenceStrength) -> str:
    """'3 insights from 4 customers, 2 sources and 2 areas; the newest is 12 days old.'"""
    customers = _plural(len(strength.customers), "customer") if strength.customers else (
        "no customer named")  # fmt: skip
    return (
        f"{_plural(strength.insights, 'insight')} from {customers}, "
        f"{_plural(len(strength.sources), 'source')} and {_plural(len(strength.areas), 'area')}; "
        f"the newest is {_age(strength.age_days or 0)}."
    )


def evidence_flags(
    decision: Decision, strength: EvidenceStrength, start: dt.date, as_of: dt.date
) -> tuple[Flag, ...]:
    """An open decision's flags: it cites no insight, or only insights older than W."""
    days = (as_of - start).days + 1
    if strength.newest is None:
        return (Flag("no_evidence", no_evidence_why(decision)),)
    if strength.newest < start:
        return (Flag("stale_evidence", stale_why(strength, days)),)
    return ()


def no_evidence_why(decision: Decision) -> str:
    """Why an open decision is built without listening."""
    return (
        f"It is open ({decision.status}) but cites no insight, so nothing in the wiki shows "
        "what customers told us about it. Cite the insights behind it in 'evidence:'."
    )


def stale_why(strength: EvidenceStrength, days: int) -> str:
    """Why an open decision's evidence is stale: even its newest insight is older than W."""
    newest = strength.newest or dt.date.min
    day, age = f"{newest.day} {newest:%b %Y}", _age(strength.age_days or 0)
    if strength.insights == 1:
        told = f"The one insight it cites is older than the last {days} days: from {day}, {age}."
    else:
        every = "Both insights" if strength.insights == 2 else f"All {strength.insights} insights"
        told = (f"{every} it cites are older than the last {days} days: the newest, from {day}, "
                f"is {age}.")  # fmt: skip
    return f"{told} Check with customers that it still matters."


def unaddressed(
    findings: Sequence[Finding], acting: Sequence[Decision], days: int, settings: Settings
) -> tuple[UnaddressedFinding, ...]:
    """Findings heard from `unaddressed_customers` or more customers in W whose notes no open
    or shipped decision cites, in the findings' order."""
    cited = {i for d in acting for i in d.evidence}
    least = settings.unaddressed_customers
    return tuple(
        UnaddressedFinding(f, unaddressed_why(f, days, least))
        for f in findings
        if len(f.customers) >= least and not cited & set(f.notes)
    )


def unaddressed_why(finding: Finding, days: int, least: int) -> str:
    """Why a finding is unaddressed, in words."""
    return (
        f"Heard from {_plural(len(finding.customers), 'customer')} in the last {days} days "
        f"({least} or more), and no open or shipped decision cites any of its "
        f"{_plural(len(finding.notes), 'insight')}."
    )


def _age(days: int) -> str:
    return "from today" if days == 0 else f"{_plural(days, 'day')} old"


def _plural(count: int, word: str) -> str:
    return f"{count} {word if count == 1 else word + 's'}"


def _distinct(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values), key=lambda v: (v.casefold(), v)))
