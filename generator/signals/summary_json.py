"""The `insights summary --format json` contract: names and order are kept stable."""

from __future__ import annotations

import datetime as dt
from typing import Any

from generator.model import (
    AreaSummary,
    CompanySummary,
    CustomerCount,
    DecisionSummary,
    EvidenceStrength,
    Finding,
    Theme,
)


def summary_to_json(summary: CompanySummary) -> dict[str, Any]:
    """The `insights summary --format json` contract: names and order are kept stable."""
    previous_end = summary.start - dt.timedelta(days=1)
    return {
        "as_of": summary.as_of.isoformat(),
        "window": _window_json(summary.start, summary.as_of, summary.days),
        "previous_window": _window_json(
            previous_end - dt.timedelta(days=summary.days - 1), previous_end, summary.days
        ),
        "areas": [area_to_json(a) for a in summary.areas],
        "company": {
            "over_contacted": [c.customer for c in summary.over_contacted],
            "going_dark": list(summary.going_dark),
            "echo_chambers": list(summary.echo_chambers),
            "cross_area_themes": [
                {"tag": t.tag, "areas": list(t.areas), "why": t.why}
                for t in summary.cross_area_themes
            ],
            "emerging": [{"area": area, "tag": tag} for area, tag in summary.emerging],
            "over_contacted_customers": [_contact_json(c) for c in summary.over_contacted],
            "findings": [finding_to_json(f) for f in summary.findings],
            "single_signals": list(summary.single_signals),
            "decisions": [decision_to_json(d) for d in summary.decisions],
            "decisions_without_evidence": list(summary.decisions_without_evidence),
            "decisions_with_stale_evidence": list(summary.decisions_with_stale_evidence),
            "unaddressed_findings": [
                {**finding_to_json(u.finding), "why": u.why} for u in summary.unaddressed
            ],
        },
    }


def _window_json(start: dt.date, end: dt.date, days: int) -> dict[str, Any]:
    return {"start": start.isoformat(), "end": end.isoformat(), "days": days}


def _contact_json(contact: CustomerCount) -> dict[str, Any]:
    last = contact.last_heard.isoformat() if contact.last_heard else None
    return {
        "customer": contact.customer,
        "insights": contact.insights,
        "last_heard": last,
        "areas": list(contact.areas),
        "why": contact.why,
    }


def area_to_json(area: AreaSummary) -> dict[str, Any]:
    """One area's entry of the JSON contract."""
    return {
        "area": area.area.slug,
        "name": area.area.name,
        "insights": area.insights,
        "previous_insights": area.previous_insights,
        "customers": area.customers,
        "sources": dict(area.sources),
        "teams": dict(area.teams),
        "themes": [_theme_json(t) for t in area.themes],
        "emerging": list(area.emerging),
        "fading": list(area.fading),
        "going_dark": area.going_dark,
        "days_since_last": area.days_since_last,
        "echo_chamber": area.echo_chamber,
        "top_customers": [
            {"customer": c.customer, "insights": c.insights} for c in area.top_customers
        ],
        "over_contacted": list(area.over_contacted),
        "why": list(area.why),
        "last_heard": area.last_heard.isoformat() if area.last_heard else None,
        "notes": [n.id for n in area.window_notes],
        "findings": [finding_to_json(f) for f in area.findings],
        "single_signals": list(area.single_signals),
        "unattributed": area.unattributed,
        "retired": area.retired,
    }


def decision_to_json(summary: DecisionSummary) -> dict[str, Any]:
    """A decision, its evidence strength and its flags, each with why."""
    decision = summary.decision
    return {
        "id": decision.id,
        "path": decision.path,
        "title": decision.title,
        "date": decision.date.isoformat(),
        "area": decision.area,
        "status": decision.status,
        "owner": decision.owner,
        "open": summary.open,
        "evidence": list(decision.evidence),
        "strength": _strength_json(summary.strength),
        "flags": [{"name": f.name, "why": f.why} for f in summary.flags],
    }


def _strength_json(strength: EvidenceStrength) -> dict[str, Any]:
    return {
        "insights": strength.insights,
        "customers": list(strength.customers),
        "sources": list(strength.sources),
        "areas": list(strength.areas),
        "newest": strength.newest.isoformat() if strength.newest else None,
        "age_days": strength.age_days,
        "why": strength.line,
    }


def finding_to_json(finding: Finding) -> dict[str, Any]:
    """A finding in the JSON contract."""
    return {
        "headline": finding.headline,
        "terms": list(finding.terms),
        "notes": list(finding.notes),
        "customers": list(finding.customers),
        "sources": list(finding.sources),
        "teams": list(finding.teams),
        "areas": list(finding.areas),
        "first_heard": finding.first_heard.isoformat(),
        "last_heard": finding.last_heard.isoformat(),
        "new": finding.new,
        "previous": finding.previous,
        "quotes": [{"text": q.text, "note": q.note_id} for q in finding.quotes],
    }


def _theme_json(theme: Theme) -> dict[str, Any]:
    return {
        "tag": theme.tag,
        "window": theme.window,
        "previous": theme.previous,
        "trend": theme.trend,
        "notes": list(theme.note_ids),
    }
