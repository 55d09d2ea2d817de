"""Retired areas: `status: retired` in the registry, checked at its line, warned of in new notes."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.config import Settings
from generator.model import Area
from generator.notes.areas import parse_areas
from generator.notes.load import parse_note

AS_OF = dt.date(2026, 6, 30)
AREAS = (Area("billing", "Billing"), Area("legacy", "Legacy", status="retired"))


def test_status_defaults_to_active_and_can_be_retired() -> None:
    areas, problems = parse_areas(
        "insights/areas.yml",
        "billing:\n  name: Billing\nlegacy:\n  name: Legacy\n  status: retired\n",
    )
    assert problems == []
    assert [(a.slug, a.status, a.retired) for a in areas] == [
        ("billing", "active", False),
        ("legacy", "retired", True),
    ]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("billing:\n  name: Billing\n  status: retird\n", 3, 11),
        ("ok: {name: OK}\nold: {name: Old, status: gone}\n", 2, 26),
        ("billing:\n  status: archived   # was retired\n  name: Billing\n", 2, 11),
    ],
)
def test_an_unknown_status_is_an_error_at_its_line(text: str, line: int, column: int) -> None:
    _, problems = parse_areas("insights/areas.yml", text)
    assert [(p.line, p.column, p.severity, p.code) for p in problems] == [
        (line, column, "error", "bad-registry")
    ]
    assert "is not one of active, retired" in problems[0].message
    assert "status: retired" in problems[0].message


def note(date: str, area: str = "legacy") -> bytes:
    text = f"---\ntitle: Heard\ndate: {date}\narea: {area}\nsource: interview\n---\nBody.\n"
    return text.encode()


@pytest.mark.parametrize(
    ("date", "warned"),
    [("2026-06-30", True), ("2026-04-02", True), ("2026-04-01", False), ("2025-01-01", False)],
)
def test_a_new_note_in_a_retired_area_is_warned_of(date: str, warned: bool) -> None:
    """New means dated in the window W (the 90 days ending on the as-of date)."""
    path = "insights/legacy/heard.md"
    _, problems = parse_note(path, note(date), Settings(), AREAS, AS_OF, {"heard"})
    expected = [(path, 4, 7, "warning", "retired-area")] if warned else []
    assert [(p.path, p.line, p.column, p.severity, p.code) for p in problems] == expected


def test_a_note_in_an_active_area_is_not_warned_of() -> None:
    _, problems = parse_note(
        "insights/billing/heard.md", note("2026-06-30", "billing"), Settings(), AREAS, AS_OF,
        {"heard"},
    )  # fmt: skip
    assert problems == []
