"""The data that crosses module boundaries: frozen dataclasses, no I/O, no third-party imports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, located for the person who wrote it."""

    path: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    def format(self) -> str:
        """The `path:line:col: severity code: message` line that editors and CI understand."""
        return f"{self.path}:{self.line}:{self.column}: {self.severity} {self.code}: {self.message}"


@dataclass(frozen=True)
class Area:
    """A product area from the registry (`insights/areas.yml`)."""

    slug: str
    name: str
    owner: str = ""
    description: str = ""
    status: str = "active"  # or "retired": kept browsable, never going dark

    @property
    def retired(self) -> bool:
        """Whether nobody works on the area any more."""
        return self.status == "retired"


@dataclass(frozen=True)
class Tag:
    """A tag of the vocabulary (`insights/tags.yml`); notes that use an alias count under it."""

    slug: str
    name: str = ""
    description: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Note:
    """One validated insight note."""

    id: str
    path: str  # POSIX, relative to the folder holding mkdocs.yml
    title: str
    date: dt.date
    area: str
    source: str
    customers: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    team: str | None = None
    author: str | None = None
    confidence: str = "medium"
    related: tuple[str, ...] = ()
    body: str = ""
    body_line: int = 1  # the line of the file where the body starts
    content_hash: str = ""
    positions: tuple[tuple[str, int, int], ...] = ()  # (field, line, column) in the file

    def values(self, facet: str) -> tuple[str, ...]:
        """The note's values for a facet: area, tag, customer, team, source or month."""
        if facet == "area":
            return (self.area,)
        if facet == "tag":
            return self.tags
        if facet == "customer":
            return self.customers
        if facet == "team":
            return (self.team,) if self.team else ()
        if facet == "source":
            return (self.source,)
        return (f"{self.date:%Y-%m}",)

    def position(self, field_name: str) -> tuple[int, int]:
        """The 1-based line and column of a front-matter field's value (1, 1 if absent)."""
        return _position(self.positions, field_name)


def _position(positions: tuple[tuple[str, int, int], ...], field_name: str) -> tuple[int, int]:
    for name, line, column in positions:
        if name == field_name:
            return line, column
    return 1, 1


@dataclass(frozen=True)
class Decision:
    """One validated product decision (`kind: decision`) and the insight ids it cites."""

    id: str
    path: str
    title: str
    date: dt.date  # when it was decided
    area: str
    status: str
    owner: str | None = None
    evidence: tuple[str, ...] = ()  # insight ids, as written
    body: str = ""
    body_line: int = 1
    content_hash: str = ""
    positions: tuple[tuple[str, int, int], ...] = ()

    def position(self, field_name: str) -> tuple[int, int]:
        """The 1-based line and column of a front-matter field's value (1, 1 if absent)."""
        return _position(self.positions, field_name)


@dataclass(frozen=True)
class GitInfo:
    """Who added a note and when, and who last edited it, from the repository's history."""

    added_by: str
    added_on: dt.date
    edited_by: str | None = None
    edited_on: dt.date | None = None


@dataclass(frozen=True)
class Wiki:
    """Everything loaded from the notes folder: the insight notes, the decisions (never among
    the notes), the areas and every problem found."""

    notes: tuple[Note, ...]
    areas: tuple[Area, ...]
    problems: tuple[Problem, ...] = ()
    checked: int = 0
    decisions: tuple[Decision, ...] = ()
    tags: tuple[Tag, ...] = ()  # the tag vocabulary; empty without one

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that stop a build."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The problems that are reported but do not stop a build."""
        return tuple(p for p in self.problems if p.severity == "warning")


@dataclass(frozen=True)
class Theme:
    """A tag's counts in the current window W and the previous window P, and its trend."""

    tag: str
    window: int
    previous: int
    trend: Literal["emerging", "rising", "fading", "steady"]
    note_ids: tuple[str, ...] = ()
    why: str = ""  # the counts behind the trend, in words


@dataclass(frozen=True)
class CustomerCount:
    """How many notes in a window name a customer."""

    customer: str
    insights: int
    last_heard: dt.date | None = None
    areas: tuple[str, ...] = ()  # the areas whose notes name the customer
    why: str = ""  # for an over-contacted customer: the count against the limit, in words


@dataclass(frozen=True)
class Quote:
    """A blockquote taken from a note's body, credited to the note."""

    text: str
    note_id: str


@dataclass(frozen=True)
class Finding:
    """Window notes that report the same thing, headed by the title of the most typical one."""

    headline: str
    terms: tuple[str, ...]  # words and phrases most of its notes share
    notes: tuple[str, ...]  # ids, most representative first
    customers: tuple[str, ...]
    sources: tuple[str, ...]
    teams: tuple[str, ...]
    areas: tuple[str, ...]
    first_heard: dt.date
    last_heard: dt.date
    new: bool  # no similar note in the previous window P
    previous: int  # similar notes in P
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True)
class Flag:
    """A signal-health flag raised on an area, and why, in words."""

    name: Literal[
        "going_dark", "echo_chamber", "over_contacted", "unattributed", "no_evidence",
        "stale_evidence",
    ]  # fmt: skip
    why: str


@dataclass(frozen=True)
class EvidenceStrength:
    """What a decision's evidence adds up to: distinct customers, sources and areas, and the
    age of the newest insight it cites, as of the summary's day."""

    insights: int
    customers: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    newest: dt.date | None = None
    age_days: int | None = None
    line: str = ""  # all of it, in words


@dataclass(frozen=True)
class DecisionSummary:
    """A decision as the summaries see it: open or not, its evidence and its flags."""

    decision: Decision
    open: bool
    strength: EvidenceStrength
    flags: tuple[Flag, ...] = ()  # no_evidence, stale_evidence: open decisions only


@dataclass(frozen=True)
class UnaddressedFinding:
    """A finding heard from enough customers that no open or shipped decision acts on."""

    finding: Finding
    why: str


@dataclass(frozen=True)
class AreaSummary:
    """What an area learned in the window, and how healthy its customer signal is."""

    area: Area
    insights: int
    previous_insights: int
    customers: int
    sources: dict[str, int]
    teams: dict[str, int]
    themes: tuple[Theme, ...]
    going_dark: bool
    days_since_last: int | None
    echo_chamber: bool
    top_customers: tuple[CustomerCount, ...]
    over_contacted: tuple[str, ...]
    why: tuple[str, ...]
    window_notes: tuple[Note, ...] = ()
    strongest: tuple[Note, ...] = ()
    quotes: tuple[Quote, ...] = ()
    weekly: tuple[tuple[dt.date, int], ...] = ()  # (first day of the week, notes)
    flags: tuple[Flag, ...] = ()
    last_heard: dt.date | None = None  # the date of the area's newest note
    findings: tuple[Finding, ...] = ()  # best first
    single_signals: tuple[str, ...] = ()  # ids of W notes in no finding, newest first
    unattributed: bool = False  # too many W notes name no customer to judge echo chambers
    elsewhere: tuple[Note, ...] = ()  # W notes of other areas in the area's findings
    decisions: tuple[DecisionSummary, ...] = ()  # the area's open decisions, newest first

    @property
    def retired(self) -> bool:
        """Whether the area is retired in the registry."""
        return self.area.retired

    @cached_property
    def notes_by_id(self) -> dict[str, Note]:
        """The W notes by id, and those of other areas that its findings hold."""
        return {n.id: n for n in (*self.window_notes, *self.elsewhere)}

    @property
    def emerging(self) -> tuple[str, ...]:
        """Tags whose trend is emerging."""
        return tuple(t.tag for t in self.themes if t.trend == "emerging")

    @property
    def fading(self) -> tuple[str, ...]:
        """Tags whose trend is fading."""
        return tuple(t.tag for t in self.themes if t.trend == "fading")


@dataclass(frozen=True)
class CrossAreaTheme:
    """A tag heard in the window in two or more areas."""

    tag: str
    areas: tuple[str, ...]
    why: str = ""


@dataclass(frozen=True)
class CompanySummary:
    """The planning brief: every area's summary and the company-wide flags."""

    as_of: dt.date
    start: dt.date
    days: int
    areas: tuple[AreaSummary, ...]
    over_contacted: tuple[CustomerCount, ...]
    going_dark: tuple[str, ...]
    echo_chambers: tuple[str, ...]
    cross_area_themes: tuple[CrossAreaTheme, ...]
    emerging: tuple[tuple[str, str], ...] = field(default=())  # (area, tag)
    findings: tuple[Finding, ...] = ()  # across every area, best first
    single_signals: tuple[str, ...] = ()  # ids of W notes in no finding, newest first
    decisions: tuple[DecisionSummary, ...] = ()  # every decision: open first, then newest
    unaddressed: tuple[UnaddressedFinding, ...] = ()  # best first
    unaddressed_customers: int = 3  # the customers at which a finding is one

    @property
    def decisions_without_evidence(self) -> tuple[str, ...]:
        """Ids of the open decisions that cite no insight."""
        return tuple(s.decision.id for s in self.decisions if _flagged(s, "no_evidence"))

    @property
    def decisions_with_stale_evidence(self) -> tuple[str, ...]:
        """Ids of the open decisions whose every insight is older than the window."""
        return tuple(s.decision.id for s in self.decisions if _flagged(s, "stale_evidence"))

    @cached_property
    def notes_by_id(self) -> dict[str, Note]:
        """Every area's W notes by id."""
        return {n.id: n for s in self.areas for n in s.window_notes}

    @cached_property
    def area_names(self) -> dict[str, str]:
        """Each area's name by slug."""
        return {s.area.slug: s.area.name for s in self.areas}


def _flagged(summary: DecisionSummary, name: str) -> bool:
    return any(f.name == name for f in summary.flags)


@dataclass(frozen=True)
class SearchFilters:
    """Metadata a search must match: any value within a field, and every field given."""

    areas: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    customers: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class SearchHit:
    """One note a search found, with a snippet of its body around the matched words."""

    id: str
    path: str
    title: str
    area: str
    date: dt.date
    score: float
    snippet: str = ""
    highlights: tuple[tuple[int, int], ...] = ()  # (start, end) of matched words in the snippet


@dataclass(frozen=True)
class SearchResult:
    """The best hits of a search, how many notes matched, and spellings to try if none did."""

    query: str
    hits: tuple[SearchHit, ...]
    total: int
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True)
class NearDuplicate:
    """Two notes (by path) that say nearly the same thing, and how similar they are (0-1)."""

    first: str
    second: str
    similarity: float
