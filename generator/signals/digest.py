"""What is new: the insights of the last few days, and what they changed in the signals.

A digest covers a period: the `days` days ending on `as_of`, both ends included. Its findings,
themes and flags are the summary's (`summarize`, over the usual window) as of `as_of`, compared
with the same summary as of `as_of - days`, the end of the previous period:

- a finding is *new* when every note of it was heard in the period, or no finding of the
  previous as-of date shares a note with it; *growing* when it gained notes in the period;
- a theme (an area's emerging or rising tag) is *new* when it was neither emerging nor rising
  at the previous as-of date, *growing* when it was and gained notes in the period;
- a flag is *raised* when it holds now and did not then, *cleared* when it held then and no
  longer does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from generator.config import Settings
from generator.model import Area, CompanySummary, Decision, Finding, Note, Theme
from generator.signals.summary import newest_first, summarize

Status = Literal["new", "growing"]
GROWING_TRENDS = ("emerging", "rising")


@dataclass(frozen=True)
class DigestFinding:
    """A finding that is new or grew in the period, with its notes heard in the period."""

    finding: Finding
    status: Status
    added: tuple[str, ...]  # ids of its notes heard in the period


@dataclass(frozen=True)
class DigestTheme:
    """An area's emerging or rising theme that is new or grew in the period."""

    area: str
    theme: Theme
    status: Status
    added: tuple[str, ...]  # ids of its notes heard in the period


@dataclass(frozen=True)
class FlagChange:
    """A flag raised or cleared in the period: what it is on, the areas it touches, and why."""

    flag: str  # going_dark, unattributed, echo_chamber, over_contacted, cross_area_theme,
    # no_evidence or stale_evidence
    subject: str  # the area, customer, tag or decision id it is raised on
    areas: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class Digest:
    """What is new in the period from `start` to `as_of`, in the chosen areas."""

    as_of: dt.date
    days: int
    areas: tuple[Area, ...]  # the chosen areas, in registry order
    insights: tuple[Note, ...]  # heard in the period, newest first
    findings: tuple[DigestFinding, ...]  # best first
    themes: tuple[DigestTheme, ...]  # by area, then tag
    raised: tuple[FlagChange, ...]
    cleared: tuple[FlagChange, ...]

    @property
    def start(self) -> dt.date:
        """The first day of the period."""
        return self.as_of - dt.timedelta(days=self.days - 1)

    @property
    def previous_as_of(self) -> dt.date:
        """The last day of the previous period, whose signals the period's are compared with."""
        return self.as_of - dt.timedelta(days=self.days)

    def insights_of(self, area: str) -> list[Note]:
        """The period's insights in one area, newest first."""
        return [n for n in self.insights if n.area == area]


def make_digest(
    notes: Sequence[Note],
    areas: Sequence[Area],
    as_of: dt.date,
    days: int,
    settings: Settings,
    decisions: Sequence[Decision] = (),
    wanted: Collection[str] = (),
) -> Digest:
    """The digest of the `days` days ending on `as_of`, of the `wanted` areas (all if empty)."""
    if days < 1:
        raise ValueError(f"a digest covers at least 1 day, not {days}")
    chosen = tuple(a for a in areas if not wanted or a.slug in wanted)
    slugs = {a.slug for a in chosen}
    start = as_of - dt.timedelta(days=days - 1)
    heard = sorted(
        (n for n in notes if n.area in slugs and start <= n.date <= as_of), key=newest_first
    )
    now = summarize(notes, areas, as_of, settings, decisions=decisions)
    then = summarize(notes, areas, as_of - dt.timedelta(days=days), settings, decisions=decisions)
    period = {n.id for n in notes if start <= n.date <= as_of}
    raised, cleared = flag_changes(_flags(now), _flags(then), slugs)
    return Digest(
        as_of=as_of,
        days=days,
        areas=chosen,
        insights=tuple(heard),
        findings=tuple(
            f for f in finding_changes(now, then, period) if slugs & set(f.finding.areas)
        ),
        themes=tuple(t for t in theme_changes(now, then, period) if t.area in slugs),
        raised=raised,
        cleared=cleared,
    )


def finding_changes(
    now: CompanySummary, then: CompanySummary, period: set[str]
) -> Iterator[DigestFinding]:
    """The findings of `now` that are new or gained notes in the period, best first."""
    before = [set(f.notes) for f in then.findings]
    for finding in now.findings:
        added = tuple(i for i in finding.notes if i in period)
        if not added:
            continue
        existed = any(ids.intersection(finding.notes) for ids in before)
        new = len(added) == len(finding.notes) or not existed
        yield DigestFinding(finding, "new" if new else "growing", added)


def theme_changes(
    now: CompanySummary, then: CompanySummary, period: set[str]
) -> Iterator[DigestTheme]:
    """The emerging or rising themes of `now` that are new or gained notes in the period."""
    was = {(s.area.slug, t.tag) for s in then.areas for t in s.themes if t.trend in GROWING_TRENDS}
    for summary in now.areas:
        for theme in summary.themes:
            if theme.trend not in GROWING_TRENDS:
                continue
            added = tuple(i for i in theme.note_ids if i in period)
            if (summary.area.slug, theme.tag) not in was:
                yield DigestTheme(summary.area.slug, theme, "new", added)
            elif added:
                yield DigestTheme(summary.area.slug, theme, "growing", added)


def flag_changes(
    now: dict[tuple[str, str], FlagChange],
    then: dict[tuple[str, str], FlagChange],
    areas: Collection[str],
) -> tuple[tuple[FlagChange, ...], tuple[FlagChange, ...]]:
    """The flags raised (held now, not then) and cleared (held then, not now) that touch
    `areas`, each sorted by flag and subject."""

    def touching(flags: Iterator[FlagChange]) -> tuple[FlagChange, ...]:
        chosen = (f for f in flags if set(f.areas) & set(areas))
        return tuple(sorted(chosen, key=lambda f: (f.flag, f.subject)))

    raised = touching(f for key, f in now.items() if key not in then)
    cleared = touching(f for key, f in then.items() if key not in now)
    return raised, cleared


def _flags(company: CompanySummary) -> dict[tuple[str, str], FlagChange]:
    """Every flag of a summary by (flag, subject)."""
    found = [
        FlagChange(f.name, s.area.slug, (s.area.slug,), f.why)
        for s in company.areas
        for f in s.flags
        if f.name != "over_contacted"  # the company's, customer by customer, below
    ]
    found += [
        FlagChange("over_contacted", c.customer, c.areas, c.why) for c in company.over_contacted
    ]
    found += [
        FlagChange("cross_area_theme", t.tag, t.areas, t.why) for t in company.cross_area_themes
    ]
    found += [
        FlagChange(f.name, d.decision.id, (d.decision.area,), f.why)
        for d in company.decisions
        for f in d.flags
    ]
    return {(f.flag, f.subject): f for f in found}
