"""What an area's summary highlights: its strongest signals, its voices and its notes per week."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from generator.config import Settings
from generator.model import Note, Quote
from generator.signals.quotes import blockquotes, shorten

STRONGEST_SIGNALS = 3  # notes shown as an area's strongest signals
VOICES = 3  # quotes shown as an area's voices
QUOTE_CHARS = 240  # longer quotes are cut at a word and end with an ellipsis


def strongest_signals(current: Sequence[Note], settings: Settings) -> tuple[Note, ...]:
    """The notes naming the most customers, then the most confident, then the newest."""
    levels = settings.confidence_levels

    def strength(note: Note) -> tuple[int, int, int, str]:
        rank = levels.index(note.confidence) if note.confidence in levels else -1
        return (-len(note.customers), -rank, -note.date.toordinal(), note.id)

    return tuple(sorted(current, key=strength)[:STRONGEST_SIGNALS])


def voices(current: Sequence[Note]) -> tuple[Quote, ...]:
    """The first blockquote of each of the newest notes that have one, shortened."""
    quotes = []
    for note in sorted(current, key=lambda n: (-n.date.toordinal(), n.id)):
        found = blockquotes(note.body)
        if found:
            quotes.append(Quote(shorten(found[0], QUOTE_CHARS), note.id))
        if len(quotes) == VOICES:
            break
    return tuple(quotes)


def weekly_counts(
    notes: Sequence[Note], as_of: dt.date, weeks: int
) -> tuple[tuple[dt.date, int], ...]:
    """Notes per week for the `weeks` weeks ending on `as_of`, oldest first, by first day."""
    first = as_of - dt.timedelta(days=7 * weeks - 1)
    counts = [0] * weeks
    for note in notes:
        if first <= note.date <= as_of:
            counts[(note.date - first).days // 7] += 1
    return tuple((first + dt.timedelta(days=7 * i), n) for i, n in enumerate(counts))
