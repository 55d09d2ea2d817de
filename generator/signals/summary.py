"""Windows, themes and signal health: pure functions of (notes, areas, as_of, settings).

The window W is the `days` days ending on `as_of`, both ends included, and the previous
window P is the `days` days before W. Every number here is exact and every list is in a
stated order, so the same notes and `as_of` always give the same summary.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Literal

from generator.config import Settings
from generator.model import (
    Area,
    AreaSummary,
    CompanySummary,
    CrossAreaTheme,
    CustomerCount,
    Decision,
    Flag,
    Note,
    Theme,
)
from generator.signals.decisions import summarize_decisions
from generator.signals.findings import Finder
from generator.signals.highlights import strongest_signals, voices, weekly_counts

Trend = Literal["emerging", "rising", "fading", "steady"]


@dataclass(frozen=True)
class Windows:
    """The window W (`days` days ending on `as_of`) and the `days` days before it, P."""

    as_of: dt.date
    days: int

    @property
    def start(self) -> dt.date:
        """The first day of W."""
        return self.as_of - dt.timedelta(days=self.days - 1)

    @property
    def previous_start(self) -> dt.date:
        """The first day of P."""
        return self.as_of - dt.timedelta(days=2 * self.days - 1)

    @property
    def previous_end(self) -> dt.date:
        """The last day of P, the day before W starts."""
        return self.start - dt.timedelta(days=1)

    def current(self, notes: Iterable[Note]) -> list[Note]:
        """The notes dated in W."""
        return [n for n in notes if self.start <= n.date <= self.as_of]

    def previous(self, notes: Iterable[Note]) -> list[Note]:
        """The notes dated in P."""
        return [n for n in notes if self.previous_start <= n.date <= self.previous_end]


def summarize(
    notes: Sequence[Note],
    areas: Sequence[Area],
    as_of: dt.date,
    settings: Settings,
    days: int | None = None,
    decisions: Sequence[Decision] = (),
) -> CompanySummary:
    """Every area's summary and the company-wide flags, for the window ending on `as_of`;
    with `decisions`, their evidence and the findings no decision acts on."""
    span = Windows(as_of, settings.window_days if days is None else days)
    if span.days < 1:
        raise ValueError(f"the summary window must be at least 1 day, not {span.days}")
    known = {a.slug for a in areas}
    heard = sorted((n for n in notes if n.area in known and n.date <= as_of), key=newest_first)
    contacts = over_contacted(heard, span, settings)
    finder = Finder(span.current(heard), span.previous(heard), settings.finding_similarity)
    summaries = tuple(
        summarize_area(
            area, [n for n in heard if n.area == area.slug], span, settings, contacts, finder
        )
        for area in sorted(areas, key=lambda a: a.slug)
    )
    company = finder.company()
    decided = summarize_decisions(decisions, heard, company.findings, span.start, as_of, settings)
    return CompanySummary(
        as_of=as_of,
        start=span.start,
        days=span.days,
        areas=tuple(replace(s, decisions=decided.open_in(s.area.slug)) for s in summaries),
        over_contacted=contacts,
        going_dark=tuple(s.area.slug for s in summaries if s.going_dark),
        echo_chambers=tuple(s.area.slug for s in summaries if s.echo_chamber),
        cross_area_themes=cross_area_themes(heard, span, settings, areas),
        emerging=tuple((s.area.slug, tag) for s in summaries for tag in s.emerging),
        findings=company.findings,
        single_signals=company.single_signals,
        decisions=decided.decisions,
        unaddressed=decided.unaddressed,
        unaddressed_customers=settings.unaddressed_customers,
    )


def newest_first(note: Note) -> tuple[int, str]:
    """Sort key: newest date first, then by id."""
    return (-note.date.toordinal(), note.id)


def summarize_area(
    area: Area,
    notes: Sequence[Note],
    span: Windows,
    settings: Settings,
    contacts: Sequence[CustomerCount],
    finder: Finder,
) -> AreaSummary:
    """One area's summary; `notes` are the area's notes newest first, none after `as_of`, and
    `finder` holds the company's findings, which the area's are cut from."""
    current = span.current(notes)
    found = finder.area(area.slug)
    mine = {n.id for n in current}
    last_heard = notes[0].date if notes else None
    days_since_last = None if last_heard is None else (span.as_of - last_heard).days
    heard_here = {c for n in current for c in n.customers}
    area_contacts = [c for c in contacts if c.customer in heard_here]
    flags = signal_flags(area, current, days_since_last, area_contacts, span, settings)
    names = {f.name for f in flags}
    return AreaSummary(
        area=area,
        insights=len(current),
        previous_insights=len(span.previous(notes)),
        customers=len(heard_here),
        sources=_tally(n.source for n in current),
        teams=_tally(n.team for n in current if n.team),
        themes=themes(current, span.previous(notes), span.days, settings),
        going_dark="going_dark" in names,
        days_since_last=days_since_last,
        echo_chamber="echo_chamber" in names,
        top_customers=top_customers(current, settings.echo_top_customers),
        over_contacted=tuple(c.customer for c in area_contacts),
        why=tuple(f.why for f in flags),
        window_notes=tuple(current),
        strongest=strongest_signals(current, settings),
        quotes=voices(current),
        weekly=weekly_counts(notes, span.as_of, settings.chart_weeks),
        flags=flags,
        last_heard=last_heard,
        findings=found.findings,
        single_signals=found.single_signals,
        unattributed="unattributed" in names,
        elsewhere=finder.notes_of(i for f in found.findings for i in f.notes if i not in mine),
    )


def _tally(values: Iterable[str | None]) -> dict[str, int]:
    return dict(sorted(Counter(v for v in values if v).items()))


# --- Themes -------------------------------------------------------------------------------


def themes(
    current: Sequence[Note], previous: Sequence[Note], days: int, settings: Settings
) -> tuple[Theme, ...]:
    """Each tag of the notes in W or P with its counts and trend, by tag."""
    in_window: dict[str, list[str]] = defaultdict(list)
    for note in current:
        for tag in note.tags:
            in_window[tag].append(note.id)
    in_previous = Counter(tag for note in previous for tag in note.tags)
    return tuple(
        _theme(tag, tuple(in_window.get(tag, ())), in_previous[tag], days, settings)
        for tag in sorted(set(in_window) | set(in_previous))
    )


def _theme(tag: str, ids: tuple[str, ...], previous: int, days: int, settings: Settings) -> Theme:
    kind = trend(len(ids), previous, settings)
    return Theme(tag, len(ids), previous, kind, ids, theme_why(kind, len(ids), previous, days))


def trend(window: int, previous: int, settings: Settings) -> Trend:
    """emerging (new and frequent), rising (at least `rising_factor` times P), fading, steady."""
    if window >= settings.trend_min and previous == 0:
        return "emerging"
    if window >= settings.trend_min and window >= _exact(settings.rising_factor) * previous:
        return "rising"
    if previous >= settings.trend_min and window == 0:
        return "fading"
    return "steady"


def _exact(value: float) -> Fraction:
    """A threshold as written (0.7 is 7/10), so `7 >= 0.7 * 10` holds as people expect."""
    return Fraction(str(value))


def theme_why(kind: Trend, window: int, previous: int, days: int) -> str:
    """The counts behind a trend, in words."""
    now, before = f"in the last {days} days", f"in the {days} days before"
    if kind == "emerging":
        return f"{_plural(window, 'insight')} {now}, none {before}."
    if kind == "rising":
        return f"{_plural(window, 'insight')} {now}, up from {previous} {before}."
    if kind == "fading":
        return f"No insight {now}, down from {previous} {before}."
    return f"{_plural(window, 'insight')} {now}, {previous} {before}."


def cross_area_themes(
    notes: Sequence[Note], span: Windows, settings: Settings, areas: Sequence[Area] = ()
) -> tuple[CrossAreaTheme, ...]:
    """Tags heard in W in at least `cross_area_min` areas, by tag; `areas` name them."""
    names = {a.slug: a.name for a in areas}
    areas_by_tag: dict[str, Counter[str]] = defaultdict(Counter)
    for note in span.current(notes):
        for tag in note.tags:
            areas_by_tag[tag][note.area] += 1
    return tuple(
        CrossAreaTheme(tag, tuple(sorted(counts)), _cross_area_why(counts, names, span.days))
        for tag, counts in sorted(areas_by_tag.items())
        if len(counts) >= settings.cross_area_min
    )


def _cross_area_why(counts: Counter[str], names: dict[str, str], days: int) -> str:
    parts = ", ".join(
        f"{names.get(area, area)} ({_plural(n, 'insight')})" for area, n in sorted(counts.items())
    )
    return f"Heard in {len(counts)} areas in the last {days} days: {parts}."


# --- Signal health ------------------------------------------------------------------------


def signal_flags(
    area: Area,
    current: Sequence[Note],
    days_since_last: int | None,
    contacts: Sequence[CustomerCount],
    span: Windows,
    settings: Settings,
) -> tuple[Flag, ...]:
    """The flags raised on an area, each with why.

    Going dark (never for a retired area), unattributed (too few notes name a customer to
    judge an echo chamber), echo chamber, over-contacted customers.
    """
    flags = []
    dark = days_since_last is None or days_since_last >= settings.dark_days
    if dark and not area.retired:
        why = going_dark_why(span.as_of, days_since_last, settings.dark_days)
        flags.append(Flag("going_dark", why))
    unnamed = unattributed_why(current, span.days, settings)
    if unnamed:
        flags.append(Flag("unattributed", unnamed))
    echo = "" if unnamed else echo_chamber_why(current, settings)
    if echo:
        flags.append(Flag("echo_chamber", echo))
    if contacts:
        flags.append(Flag("over_contacted", _area_contacts_why(contacts, span, settings)))
    return tuple(flags)


def going_dark_why(as_of: dt.date, days_since_last: int | None, dark_days: int) -> str:
    """Why an area is dark: no note at all, or none in the last `dark_days` days."""
    if days_since_last is None:
        return "No insight has been written for this area yet."
    last = as_of - dt.timedelta(days=days_since_last)
    return (
        f"No insight in the last {dark_days} days: the newest, from {last.day} {last:%b %Y}, "
        f"is {_plural(days_since_last, 'day')} old."
    )


def unattributed_why(current: Sequence[Note], days: int, settings: Settings) -> str:
    """Why W is unattributed (too many notes name no customer), or '' when it is not."""
    unnamed = sum(1 for n in current if not n.customers)
    if not current or unnamed < _exact(settings.unattributed_share) * len(current):
        return ""
    return (
        f"{unnamed} of the {_plural(len(current), 'insight')} in the last {days} days "
        f"name no customer ({_percent(settings.unattributed_share)} or more is "
        "unattributed), so nobody can tell whether a few customers dominate what we hear. "
        "Name the customers in 'customers:'."
    )


def echo_chamber_why(current: Sequence[Note], settings: Settings) -> str:
    """Why W is an echo chamber, or '' when it is not one."""
    with_customers = [n for n in current if n.customers]
    top = [c.customer for c in top_customers(current, settings.echo_top_customers)]
    reached = sum(1 for n in with_customers if set(top) & set(n.customers))
    total = len(with_customers)
    if total == 0 or total < settings.echo_min_notes:
        return ""
    if reached < _exact(settings.echo_share) * total:
        return ""
    verb = "appears" if len(top) == 1 else "appear"
    return (
        f"{_plural(len(top), 'customer')} ({', '.join(top)}) {verb} in {reached} of the "
        f"{total} insights with customers. That is {reached * 100 // total}%; "
        f"{_percent(settings.echo_share)} or more is an echo chamber."
    )


def _percent(share: float) -> str:
    return f"{float(_exact(share) * 100):g}%"


def top_customers(notes: Sequence[Note], count: int) -> tuple[CustomerCount, ...]:
    """The `count` customers named in the most notes, ties broken by name."""
    return _customer_counts(notes)[:count]


def _customer_counts(notes: Sequence[Note]) -> tuple[CustomerCount, ...]:
    heard: dict[str, list[Note]] = defaultdict(list)
    for note in notes:
        for customer in note.customers:
            heard[customer].append(note)
    counts = [
        CustomerCount(
            customer,
            len(named),
            max(n.date for n in named),
            tuple(sorted({n.area for n in named})),
        )
        for customer, named in heard.items()
    ]
    return tuple(sorted(counts, key=lambda c: (-c.insights, c.customer)))


def over_contacted(
    notes: Sequence[Note], span: Windows, settings: Settings
) -> tuple[CustomerCount, ...]:
    """Customers named in more than `contact_limit` W notes across all areas, by name."""
    counts = [
        c for c in _customer_counts(span.current(notes)) if c.insights > settings.contact_limit
    ]
    return tuple(
        CustomerCount(
            c.customer, c.insights, c.last_heard, c.areas, _contact_why(c, span, settings)
        )
        for c in sorted(counts, key=lambda c: c.customer)
    )


def _contact_why(contact: CustomerCount, span: Windows, settings: Settings) -> str:
    return (
        f"{contact.customer} is named in {contact.insights} insights in the last {span.days} "
        f"days, more than the contact limit of {settings.contact_limit}."
    )


def _area_contacts_why(contacts: Sequence[CustomerCount], span: Windows, settings: Settings) -> str:
    verb = "is" if len(contacts) == 1 else "are"
    named = ", ".join(f"{c.customer} ({c.insights})" for c in contacts)
    return (
        f"{_plural(len(contacts), 'customer')} heard here {verb} over-contacted, named in more "
        f"than {settings.contact_limit} insights across all areas in the last {span.days} "
        f"days: {named}."
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word if count == 1 else word + 's'}"
