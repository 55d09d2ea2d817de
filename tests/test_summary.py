"""The 90-day summaries, exact by construction: windows, trends, flags, JSON and templates."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import re
from typing import Any

import markdown
import pytest
from markupsafe import Markup

from generator.config import Settings
from generator.model import Area, CompanySummary, Note
from generator.signals.highlights import QUOTE_CHARS, weekly_counts
from generator.signals.quotes import blockquotes, shorten
from generator.signals.summary import summarize, trend
from generator.signals.summary_json import summary_to_json
from generator.site import render
from generator.site.chart import bar_chart, chart_svg, sparkline

AS_OF = dt.date(2026, 6, 30)
AREAS = (
    Area("billing", "Billing", "Marcus Lee"),
    Area("onboarding", "Onboarding", "Priya Raman"),
    Area("empty-area", "Empty Area", "Nobody"),
)
SETTINGS = Settings()
_ids = iter(range(1_000_000))


def ago(days: int) -> dt.date:
    return AS_OF - dt.timedelta(days=days)


def note(
    days_ago: int = 0,
    area: str = "billing",
    customers: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    **fields: Any,
) -> Note:
    """A valid note `days_ago` days before AS_OF, with a fresh id unless one is given."""
    note_id = fields.pop("id", f"n{next(_ids):04d}")
    return Note(
        id=note_id,
        path=f"insights/{area}/{note_id}.md",
        title=fields.pop("title", f"Finding {note_id}"),
        date=ago(days_ago),
        area=area,
        source=fields.pop("source", "interview"),
        customers=customers,
        tags=tags,
        **fields,
    )


def run(notes: list[Note], **options: Any) -> CompanySummary:
    days = options.pop("days", None)
    return summarize(notes, AREAS, AS_OF, dataclasses.replace(SETTINGS, **options), days=days)


def area_json(notes: list[Note], slug: str = "billing", **options: Any) -> dict[str, Any]:
    data = summary_to_json(run(notes, **options))
    return next(a for a in data["areas"] if a["area"] == slug)


# --- Windows ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_ago", "in_window", "in_previous"),
    [
        (0, 1, 0),  # as_of itself
        (89, 1, 0),  # the first day of W
        (90, 0, 1),  # the last day of P
        (179, 0, 1),  # the first day of P
        (180, 0, 0),  # before P
        (-1, 0, 0),  # after as_of: ignored
    ],
)
def test_window_edges(days_ago: int, in_window: int, in_previous: int) -> None:
    billing = area_json([note(days_ago)])
    assert (billing["insights"], billing["previous_insights"]) == (in_window, in_previous)


@pytest.mark.parametrize(
    ("days_ago", "in_window", "in_previous"),
    [(6, 1, 0), (7, 0, 1), (13, 0, 1), (14, 0, 0)],
)
def test_days_overrides_the_window_length(days_ago: int, in_window: int, in_previous: int) -> None:
    billing = area_json([note(days_ago)], days=7)
    assert (billing["insights"], billing["previous_insights"]) == (in_window, in_previous)


def test_window_and_previous_window_in_json() -> None:
    data = summary_to_json(run([], days=7))
    assert data["as_of"] == "2026-06-30"
    assert data["window"] == {"start": "2026-06-24", "end": "2026-06-30", "days": 7}
    assert data["previous_window"] == {"start": "2026-06-17", "end": "2026-06-23", "days": 7}


def test_window_setting_is_used_without_days() -> None:
    data = summary_to_json(run([note(29), note(30)], window_days=30))
    assert data["window"] == {"start": "2026-06-01", "end": "2026-06-30", "days": 30}
    assert data["areas"][0]["area"] == "billing"
    assert (data["areas"][0]["insights"], data["areas"][0]["previous_insights"]) == (1, 1)


def test_a_window_shorter_than_a_day_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1 day"):
        run([], days=0)


def test_notes_of_areas_outside_the_registry_are_ignored() -> None:
    data = summary_to_json(run([note(1, area="nowhere", customers=("a",), tags=("t",))]))
    assert [a["area"] for a in data["areas"]] == ["billing", "empty-area", "onboarding"]
    assert all(a["insights"] == 0 for a in data["areas"])


# --- Themes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("window", "previous", "expected"),
    [
        (3, 0, "emerging"),  # on trend_min, nothing before
        (2, 0, "steady"),  # just under trend_min
        (3, 1, "rising"),
        (4, 2, "rising"),  # exactly twice P
        (5, 3, "steady"),  # just under twice P
        (6, 3, "rising"),
        (2, 1, "steady"),  # twice P but under trend_min
        (0, 3, "fading"),  # on trend_min before, nothing now
        (0, 2, "steady"),  # just under trend_min before
        (1, 3, "steady"),  # not gone entirely
        (3, 3, "steady"),
    ],
)
def test_trend_thresholds(window: int, previous: int, expected: str) -> None:
    assert trend(window, previous, SETTINGS) == expected


@pytest.mark.parametrize(
    ("options", "window", "previous", "expected"),
    [
        ({"trend_min": 2}, 2, 0, "emerging"),
        ({"trend_min": 4}, 3, 0, "steady"),
        ({"rising_factor": 1.5}, 3, 2, "rising"),
        ({"rising_factor": 1.1}, 11, 10, "rising"),  # 1.1 * 10 is 11 exactly, not 11.000...1
        ({"rising_factor": 1.1}, 10, 10, "steady"),
    ],
)
def test_trend_follows_the_settings(
    options: dict[str, Any], window: int, previous: int, expected: str
) -> None:
    assert trend(window, previous, dataclasses.replace(SETTINGS, **options)) == expected


def test_themes_count_each_window_and_link_their_notes() -> None:
    notes = [
        note(1, tags=("coupons",), id="w1"),
        note(2, tags=("coupons", "refunds"), id="w2"),
        note(89, tags=("coupons",), id="w3"),
        note(90, tags=("coupons",), id="p1"),
        note(100, tags=("exports",), id="p2"),
        note(101, tags=("exports",), id="p3"),
        note(102, tags=("exports",), id="p4"),
        note(180, tags=("ancient",), id="old"),
    ]
    billing = area_json(notes)
    assert billing["themes"] == [
        {
            "tag": "coupons",
            "window": 3,
            "previous": 1,
            "trend": "rising",
            "notes": ["w1", "w2", "w3"],
        },
        {"tag": "exports", "window": 0, "previous": 3, "trend": "fading", "notes": []},
        {"tag": "refunds", "window": 1, "previous": 0, "trend": "steady", "notes": ["w2"]},
    ]
    assert billing["emerging"] == []
    assert billing["fading"] == ["exports"]


def test_theme_why_says_the_counts() -> None:
    notes = [note(d, tags=("new",)) for d in (1, 2, 3)]
    summary = run(notes)
    (theme,) = summary.areas[0].themes
    assert theme.why == "3 insights in the last 90 days, none in the 90 days before."


@pytest.mark.parametrize(
    ("areas", "expected"),
    [
        (("billing",), []),
        (("billing", "onboarding"), [{"tag": "export", "areas": ["billing", "onboarding"]}]),
    ],
)
def test_cross_area_themes_need_two_areas(areas: tuple[str, ...], expected: list[Any]) -> None:
    notes = [note(1, area=a, tags=("export",)) for a in areas]
    notes.append(note(91, area="onboarding", tags=("export",)))  # P does not count
    found = summary_to_json(run(notes))["company"]["cross_area_themes"]
    assert [{"tag": t["tag"], "areas": t["areas"]} for t in found] == expected


def test_cross_area_theme_why_names_each_area_and_count() -> None:
    notes = [note(1, tags=("export",)), note(2, tags=("export",))]
    notes.append(note(3, area="onboarding", tags=("export",)))
    (theme,) = run(notes).cross_area_themes
    assert theme.why == (
        "Heard in 2 areas in the last 90 days: Billing (2 insights), Onboarding (1 insight)."
    )


def test_cross_area_min_setting() -> None:
    notes = [note(1, area=a, tags=("export",)) for a in ("billing", "onboarding")]
    assert run(notes, cross_area_min=3).cross_area_themes == ()


# --- Going dark ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_ago", "dark"),
    [(0, False), (44, False), (45, True), (46, True), (200, True)],
)
def test_going_dark_after_45_days(days_ago: int, dark: bool) -> None:
    billing = area_json([note(days_ago, customers=("acme",))])
    assert billing["going_dark"] is dark
    assert billing["days_since_last"] == days_ago
    assert (billing["why"] != []) is dark


def test_going_dark_why() -> None:
    billing = area_json([note(60, customers=("acme",)), note(61, customers=("acme",))])
    assert billing["why"] == [
        "No insight in the last 45 days: the newest, from 1 May 2026, is 60 days old."
    ]


def test_dark_days_setting() -> None:
    assert area_json([note(9)], dark_days=10)["going_dark"] is False
    assert area_json([note(10)], dark_days=10)["going_dark"] is True


def test_a_future_note_does_not_light_a_dark_area() -> None:
    billing = area_json([note(-3), note(50)])
    assert (billing["going_dark"], billing["days_since_last"]) == (True, 50)


def test_an_area_with_no_notes() -> None:
    empty = area_json([note(1)], slug="empty-area")
    assert empty == {
        "area": "empty-area",
        "name": "Empty Area",
        "insights": 0,
        "previous_insights": 0,
        "customers": 0,
        "sources": {},
        "teams": {},
        "themes": [],
        "emerging": [],
        "fading": [],
        "going_dark": True,
        "days_since_last": None,
        "echo_chamber": False,
        "top_customers": [],
        "over_contacted": [],
        "why": ["No insight has been written for this area yet."],
        "last_heard": None,
        "notes": [],
        "findings": [],
        "single_signals": [],
        "unattributed": False,
        "retired": False,
    }


# --- Echo chambers ------------------------------------------------------------------------


def echo_notes(
    with_customers: int, reaching_top: int, without: int = 0, area: str = "billing"
) -> list[Note]:
    """W notes: `reaching_top` name a, b or c (a and b twice or more), the rest one z-customer."""
    top = ["a", "b", "c"]
    notes = [note(1, area, customers=(top[i % 3],)) for i in range(reaching_top)]
    notes += [note(2, area, (f"z{i:02d}",)) for i in range(with_customers - reaching_top)]
    return notes + [note(3, area) for _ in range(without)]


@pytest.mark.parametrize(
    ("with_customers", "reaching_top", "without", "echo"),
    [
        (6, 5, 0, True),  # 83% of 6 notes
        (6, 4, 0, False),  # 67%
        (5, 5, 0, False),  # 100%, but under echo_min_notes
        (6, 6, 0, True),  # on echo_min_notes
        (8, 6, 0, True),  # exactly 75%
        (8, 5, 0, False),  # 62.5%
        (20, 15, 0, True),  # exactly 75%
        (20, 14, 0, False),  # 70%
        (6, 5, 5, True),  # notes without customers do not dilute the share
        (5, 5, 4, False),  # nor count towards echo_min_notes
        (6, 5, 6, False),  # half name no customer: unattributed, so no verdict
    ],
)
def test_echo_chamber_thresholds(
    with_customers: int, reaching_top: int, without: int, echo: bool
) -> None:
    data = summary_to_json(run(echo_notes(with_customers, reaching_top, without)))
    assert data["areas"][0]["echo_chamber"] is echo
    assert data["company"]["echo_chambers"] == (["billing"] if echo else [])


def test_echo_chamber_why() -> None:
    billing = area_json(echo_notes(6, 5))
    assert billing["why"] == [
        "3 customers (a, b, c) appear in 5 of the 6 insights with customers. "
        "That is 83%; 75% or more is an echo chamber."
    ]


def test_echo_share_is_exact() -> None:
    assert area_json(echo_notes(10, 7), echo_share=0.7)["echo_chamber"] is True
    assert area_json(echo_notes(10, 6), echo_share=0.7)["echo_chamber"] is False


def test_echo_settings() -> None:
    assert area_json(echo_notes(5, 5), echo_min_notes=5)["echo_chamber"] is True
    one_top = area_json(echo_notes(6, 5), echo_top_customers=1)
    assert one_top["echo_chamber"] is False
    assert one_top["top_customers"] == [{"customer": "a", "insights": 2}]


def test_one_top_customer_appears() -> None:
    notes = [note(1, customers=("solo",)) for _ in range(6)]
    assert area_json(notes, echo_top_customers=1)["why"][0].startswith(
        "1 customer (solo) appears in 6 of the 6 insights with customers."
    )


def test_top_customer_ties_are_broken_by_name() -> None:
    notes = [note(1, customers=(c,)) for c in ("zeta", "alpha", "mid", "beta") for _ in range(2)]
    notes.append(note(1, customers=("omega",)))
    billing = area_json(notes)
    assert billing["top_customers"] == [
        {"customer": "alpha", "insights": 2},
        {"customer": "beta", "insights": 2},
        {"customer": "mid", "insights": 2},
    ]
    assert billing["customers"] == 5


# --- Over-contacted customers -------------------------------------------------------------


@pytest.mark.parametrize(("in_window", "over"), [(4, False), (5, True), (6, True)])
def test_contact_limit(in_window: int, over: bool) -> None:
    notes = [note(i, customers=("contoso",)) for i in range(in_window)]
    notes += [note(95, customers=("contoso",)) for _ in range(3)]  # P does not count
    data = summary_to_json(run(notes))
    assert (data["company"]["over_contacted"] == ["contoso"]) is over
    assert (data["areas"][0]["over_contacted"] == ["contoso"]) is over


def test_over_contacted_counts_every_area() -> None:
    notes = [note(d, customers=("contoso", "fabrikam")) for d in (1, 2, 3)]
    notes += [note(d, area="onboarding", customers=("contoso",)) for d in (10, 20)]
    notes.append(note(100, area="empty-area", customers=("contoso",)))  # only in P here
    data = summary_to_json(run(notes))
    assert data["company"]["over_contacted"] == ["contoso"]
    assert data["company"]["over_contacted_customers"] == [
        {
            "customer": "contoso",
            "insights": 5,
            "last_heard": "2026-06-29",
            "areas": ["billing", "onboarding"],
            "why": "contoso is named in 5 insights in the last 90 days, "
            "more than the contact limit of 4.",
        }
    ]
    by_area = {a["area"]: a["over_contacted"] for a in data["areas"]}
    assert by_area == {"billing": ["contoso"], "empty-area": [], "onboarding": ["contoso"]}


def test_over_contacted_why_in_an_area() -> None:
    notes = [note(d, customers=("contoso", "tailspin")) for d in range(5)]
    notes.append(note(6, customers=("contoso",)))
    billing = area_json(notes)
    assert billing["over_contacted"] == ["contoso", "tailspin"]
    assert billing["why"][-1] == (
        "2 customers heard here are over-contacted, named in more than 4 insights across all "
        "areas in the last 90 days: contoso (6), tailspin (5)."
    )


def test_contact_limit_setting() -> None:
    notes = [note(i, customers=("contoso",)) for i in range(2)]
    assert run(notes, contact_limit=1).over_contacted[0].customer == "contoso"
    assert run(notes, contact_limit=2).over_contacted == ()


# --- Headline numbers, signals, voices ----------------------------------------------------


def test_sources_teams_and_customers() -> None:
    notes = [
        note(1, customers=("a", "b"), source="survey", team="payments"),
        note(2, customers=("b",), source="interview", team="payments"),
        note(3, source="interview"),
        note(95, customers=("old",), source="other", team="sales"),
    ]
    billing = area_json(notes)
    assert billing["sources"] == {"interview": 2, "survey": 1}
    assert billing["teams"] == {"payments": 2}
    assert billing["customers"] == 2


def test_window_notes_are_newest_first_then_by_id() -> None:
    notes = [note(5, id="b"), note(1, id="z"), note(5, id="a"), note(95, id="old")]
    assert area_json(notes)["notes"] == ["z", "a", "b"]


def test_strongest_signals_order() -> None:
    notes = [
        note(1, id="one-customer-high", customers=("a",), confidence="high"),
        note(2, id="two-customers-low", customers=("a", "b"), confidence="low"),
        note(3, id="two-customers-high", customers=("a", "b"), confidence="high"),
        note(4, id="two-customers-high-older", customers=("a", "b"), confidence="high"),
        note(0, id="none", confidence="high"),
    ]
    strongest = run(notes).areas[0].strongest
    assert [n.id for n in strongest] == [
        "two-customers-high",
        "two-customers-high-older",
        "two-customers-low",
    ]


@pytest.mark.parametrize(
    ("body", "quotes"),
    [
        ("No quote here.", []),
        ('> "One line."', ['"One line."']),
        ("> first\n> second\n\nAfter.", ["first second"]),
        (">first\n>\n> second", ["first second"]),
        ("> > nested", ["nested"]),
        ("   > indented", ["indented"]),
        ("    > code, not a quote", []),
        ("> one\n\n> two", ["one", "two"]),
        ("```\n> in a fence\n```\n> after", ["after"]),
        (">\n>", []),
    ],
)
def test_blockquotes(body: str, quotes: list[str]) -> None:
    assert blockquotes(body) == quotes


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("exactly ten", 11, "exactly ten"),
        ("one two three four", 12, "one two…"),
        ("one, two three", 9, "one…"),
        ("unbreakablewords", 8, "unbreak…"),
    ],
)
def test_shorten(text: str, limit: int, expected: str) -> None:
    assert shorten(text, limit) == expected
    assert len(shorten(text, limit)) <= limit


def test_voices_are_the_first_quote_of_the_newest_notes() -> None:
    notes = [
        note(1, id="newest", body="> newest said\n\n> second quote"),
        note(2, id="no-quote", body="Nothing quoted."),
        note(3, id="third", body="> third said"),
        note(4, id="long", body="> " + "word " * 100),
        note(5, id="fifth", body="> one too many"),
        note(95, id="old", body="> from P"),
    ]
    quotes = run(notes).areas[0].quotes
    assert [(q.note_id, q.text[:12]) for q in quotes] == [
        ("newest", "newest said"),
        ("third", "third said"),
        ("long", "word word wo"),
    ]
    assert len(quotes[2].text) <= QUOTE_CHARS and quotes[2].text.endswith("…")


@pytest.mark.parametrize(
    ("days_ago", "week"),
    [(0, 25), (6, 25), (7, 24), (181, 0), (182, None), (-1, None)],
)
def test_weekly_counts_end_on_as_of(days_ago: int, week: int | None) -> None:
    weekly = weekly_counts([note(days_ago)], AS_OF, 26)
    assert len(weekly) == 26
    assert weekly[0][0] == ago(181) and weekly[-1][0] == ago(6)
    counts = [count for _, count in weekly]
    assert counts == [int(i == week) for i in range(26)]


# --- Reproducibility ----------------------------------------------------------------------


def mixed_notes() -> list[Note]:
    return [
        note(d, area=a, customers=c, tags=t, id=f"{a}-{d}", team="payments", body="> said")
        for d, a, c, t in [
            (1, "billing", ("contoso", "fabrikam"), ("invoices", "export")),
            (5, "billing", ("contoso",), ("invoices",)),
            (9, "billing", ("northwind",), ("invoices",)),
            (12, "onboarding", ("contoso",), ("export", "sso")),
            (30, "onboarding", ("contoso",), ("sso",)),
            (40, "billing", ("contoso", "tailspin"), ("seats",)),
            (100, "onboarding", ("wingtip",), ("sso",)),
        ]
    ]


def markdown_of(summary: CompanySummary) -> str:
    url = fake_url
    pages = [render.render("brief.md.j2", company=summary, url=url, top=10)]
    for area in summary.areas:
        chart = chart_svg(area)
        pages.append(area_page(area, summary, chart))
    return "\n".join(pages)


def area_page(area: Any, summary: CompanySummary, chart: Markup) -> str:
    return render.render(
        "area_summary.md.j2",
        summary=area,
        as_of=summary.as_of,
        start=summary.start,
        url=fake_url,
        chart=chart,
    )


def fake_url(kind: str, key: str = "") -> Markup:
    return render.link(f"/{kind}/{key}")


def test_same_input_gives_identical_json_and_markdown() -> None:
    notes = mixed_notes()
    shuffled = random.Random(4).sample(notes, len(notes))
    one, two = run(notes), run(shuffled)
    assert json.dumps(summary_to_json(one)) == json.dumps(summary_to_json(two))
    assert markdown_of(one) == markdown_of(two)


# Same titles but for the number ("Finding billing-5"): each area's notes report one thing.
BILLING_FINDING = {
    "headline": "Finding billing-5",
    "terms": ["finding billing"],
    "notes": ["billing-5", "billing-9", "billing-1", "billing-40"],
    "customers": ["contoso", "fabrikam", "northwind", "tailspin"],
    "sources": ["interview"],
    "teams": ["payments"],
    "areas": ["billing"],
    "first_heard": "2026-05-21",
    "last_heard": "2026-06-29",
    "new": True,
    "previous": 0,
    "quotes": [{"text": "said", "note": "billing-5"}],
}
ONBOARDING_FINDING = {
    **BILLING_FINDING,
    "headline": "Finding onboarding-12",
    "terms": ["finding onboarding"],
    "notes": ["onboarding-12", "onboarding-30"],
    "customers": ["contoso"],
    "areas": ["onboarding"],
    "first_heard": "2026-05-31",
    "last_heard": "2026-06-18",
    "new": False,  # onboarding-100 is in P
    "previous": 1,
    "quotes": [{"text": "said", "note": "onboarding-12"}],
}


def test_the_json_contract() -> None:
    data = summary_to_json(run(mixed_notes()))
    assert list(data) == ["as_of", "window", "previous_window", "areas", "company"]
    billing = data["areas"][0]
    assert billing == {
        "area": "billing",
        "name": "Billing",
        "insights": 4,
        "previous_insights": 0,
        "customers": 4,
        "sources": {"interview": 4},
        "teams": {"payments": 4},
        "themes": [
            {
                "tag": "export",
                "window": 1,
                "previous": 0,
                "trend": "steady",
                "notes": ["billing-1"],
            },
            {
                "tag": "invoices",
                "window": 3,
                "previous": 0,
                "trend": "emerging",
                "notes": ["billing-1", "billing-5", "billing-9"],
            },
            {
                "tag": "seats",
                "window": 1,
                "previous": 0,
                "trend": "steady",
                "notes": ["billing-40"],
            },
        ],
        "emerging": ["invoices"],
        "fading": [],
        "going_dark": False,
        "days_since_last": 1,
        "echo_chamber": False,
        "top_customers": [
            {"customer": "contoso", "insights": 3},
            {"customer": "fabrikam", "insights": 1},
            {"customer": "northwind", "insights": 1},
        ],
        "over_contacted": ["contoso"],
        "why": [
            "1 customer heard here is over-contacted, named in more than 4 insights across all "
            "areas in the last 90 days: contoso (5)."
        ],
        "last_heard": "2026-06-29",
        "notes": ["billing-1", "billing-5", "billing-9", "billing-40"],
        "findings": [BILLING_FINDING],
        "single_signals": [],
        "unattributed": False,
        "retired": False,
    }
    assert [a["area"] for a in data["areas"]] == ["billing", "empty-area", "onboarding"]
    onboarding = data["areas"][2]
    assert onboarding["themes"][1] == {
        "tag": "sso",
        "window": 2,
        "previous": 1,
        "trend": "steady",
        "notes": ["onboarding-12", "onboarding-30"],
    }
    assert data["company"] == {
        "over_contacted": ["contoso"],
        "going_dark": ["empty-area"],
        "echo_chambers": [],
        "cross_area_themes": [
            {
                "tag": "export",
                "areas": ["billing", "onboarding"],
                "why": "Heard in 2 areas in the last 90 days: Billing (1 insight), "
                "Onboarding (1 insight).",
            }
        ],
        "emerging": [{"area": "billing", "tag": "invoices"}],
        "over_contacted_customers": [
            {
                "customer": "contoso",
                "insights": 5,
                "last_heard": "2026-06-29",
                "areas": ["billing", "onboarding"],
                "why": "contoso is named in 5 insights in the last 90 days, "
                "more than the contact limit of 4.",
            }
        ],
        "findings": [BILLING_FINDING, ONBOARDING_FINDING],
        "single_signals": [],
        "decisions": [],
        "decisions_without_evidence": [],
        "decisions_with_stale_evidence": [],
        "unaddressed_findings": [
            {
                **BILLING_FINDING,
                "why": "Heard from 4 customers in the last 90 days (3 or more), and no open or "
                "shipped decision cites any of its 4 insights.",
            }
        ],
    }


def test_json_is_serialisable_and_every_list_is_sorted() -> None:
    data = json.loads(json.dumps(summary_to_json(run(mixed_notes()))))
    company = data["company"]
    for key in ("over_contacted", "going_dark", "echo_chambers"):
        assert company[key] == sorted(company[key])
    assert [t["tag"] for t in company["cross_area_themes"]] == sorted(
        t["tag"] for t in company["cross_area_themes"]
    )
    for area in data["areas"]:
        assert [t["tag"] for t in area["themes"]] == sorted(t["tag"] for t in area["themes"])
        for key in ("emerging", "fading", "over_contacted"):
            assert area[key] == sorted(area[key])
        assert list(area["sources"]) == sorted(area["sources"])


# --- Templates and the chart --------------------------------------------------------------


def test_area_summary_shows_flags_with_their_why() -> None:
    notes = [note(50, customers=("contoso",))] + [
        note(60 + i, customers=("contoso",)) for i in range(5)
    ]
    summary = run(notes)
    text = area_page(summary.areas[0], summary, Markup("<figure>chart</figure>"))
    assert '!!! warning "Going dark"\n\n    No insight in the last 45 days' in text
    assert '!!! warning "Echo chamber"\n\n    1 customer \\(contoso\\) appears' in text
    assert '!!! warning "Over-contacted customers"' in text
    assert "!!! success" not in text
    assert "<figure>chart</figure>" in text


def test_area_summary_of_a_healthy_area() -> None:
    notes = [note(1, customers=("a",), tags=("x",), body="> It works.")]
    summary = run(notes)
    text = area_page(summary.areas[0], summary, Markup(""))
    assert '!!! success "Healthy signal"' in text
    assert "!!! warning" not in text
    assert "> It works\\." not in text and "> It works." in text
    assert "— [Finding" in text and "](/note/" in text


def test_area_summary_escapes_what_notes_supply() -> None:
    evil = note(1, title="[click](javascript:alert(1)) <script>x</script>", id="evil")
    evil = dataclasses.replace(evil, body="> <img src=x onerror=alert(1)> *quote*")
    summary = run([evil])
    text = area_page(summary.areas[0], summary, Markup(""))
    assert "<script>" not in text and "<img" not in text
    assert "\\[click\\]\\(javascript:alert\\(1\\)\\)" in text
    html = markdown.markdown(text, extensions=["admonition", "tables", "attr_list", "md_in_html"])
    assert "javascript:" not in re.sub(r">[^<]*<", "><", html)  # never in an attribute


def test_the_brief_lists_every_area_and_each_flag_with_its_why() -> None:
    notes = mixed_notes() + echo_notes(6, 5, area="onboarding")
    summary = run(notes)
    text = render.render("brief.md.j2", company=summary, url=fake_url, top=10)
    assert text.startswith("# Planning brief: what we learned in the last 90 days\n")
    for area in AREAS:
        assert f"| [{area.name}](/area/{area.slug}) |" in text
    assert "**[Empty Area](/area/empty-area)**: No insight has been written" in text
    assert (
        "**[Onboarding](/area/onboarding)**: 3 customers \\(a, b, contoso\\) appear in 6 of the 8 "
        in text
    )
    assert "**[contoso](/customer/contoso)**: 5 insights, last heard from on 29 Jun 2026" in text
    assert "**[export](/tag/export)**: Heard in 2 areas" in text
    assert "**[invoices](/tag/invoices)** in [Billing](/area/billing): 3 insights" in text


def test_the_brief_says_none_when_nothing_is_flagged() -> None:
    summary = summarize([note(1, customers=("acme",))], AREAS[:1], AS_OF, SETTINGS)
    text = render.render("brief.md.j2", company=summary, url=fake_url, top=10)
    for heading in ("Areas going dark", "Echo chambers", "Unattributed areas"):
        assert f"## {heading}\n\nNone: " in text
    for heading in ("Over-contacted customers",):
        assert f"## {heading}\n\nNone: " in text
    assert "## Cross-area themes\n\nNone: " in text
    assert "## Emerging themes\n\nNone: " in text


def test_bar_chart_geometry() -> None:
    weekly = weekly_counts([note(0), note(1), note(20)], AS_OF, 26)
    chart = bar_chart(weekly)
    assert len(chart.bars) == 26 and (chart.total, chart.peak) == (3, 2)
    tallest = chart.bars[-1]
    assert tallest.height == chart.baseline - chart.top and tallest.y == chart.top
    assert chart.bars[0].height == 0 and chart.bars[0].y == chart.baseline
    assert all(chart.left <= b.x and b.x + b.width <= chart.right for b in chart.bars)
    assert [label.text for label in chart.labels] == ["28 Jan", "18 Mar", "6 May", "24 Jun"]
    assert chart.labels[-1].x == round(tallest.x + tallest.width / 2, 2)


def test_bar_chart_of_no_notes() -> None:
    chart = bar_chart(weekly_counts([], AS_OF, 26))
    assert chart.peak == 0 and all(b.height == 0 for b in chart.bars)
    svg = str(chart_svg(run([]).areas[0]))
    assert "30 Jun 2026: none.</desc>" in svg and "insights-chart__grid" not in svg


def test_chart_svg_is_accessible_themed_and_escaped() -> None:
    summary = run([note(1)])
    area = dataclasses.replace(summary.areas[0], area=Area("billing", "R&D <tools> (beta)"))
    svg = str(chart_svg(area))
    assert svg.startswith('<figure class="insights-chart">\n<svg ')
    assert 'role="img"' in svg and 'viewBox="0 0 400 140"' in svg and 'width="100%"' in svg
    assert 'aria-labelledby="insights-chart-billing-title insights-chart-billing-desc"' in svg
    assert '<title id="insights-chart-billing-title">' in svg
    assert '<desc id="insights-chart-billing-desc">' in svg
    assert "R&amp;D &lt;tools&gt; (beta)" in svg and "\\(" not in svg
    assert "over the 26 weeks from 31 Dec 2025 to 30 Jun 2026: 1 in all, and at most 1 in" in svg
    assert "<script" not in svg and "style=" not in svg and "fill=" not in svg
    assert "\n\n" not in svg  # a blank line would end the HTML block in Markdown
    html = markdown.markdown(f"Before.\n\n{svg}\n\nAfter.", extensions=["md_in_html"])
    assert "<p><svg" not in html and "<figure" in html and html.count("<rect") == 26


def test_sparkline() -> None:
    weekly = [(AS_OF, n) for n in (0, 1, 2, 4, 8)]
    assert sparkline(weekly) == "▁▂▃▅█"
    assert sparkline([(AS_OF, 0)] * 3) == "▁▁▁"
