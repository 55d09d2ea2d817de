"""The generated Markdown: golden files for a small wiki, and the rules every page follows."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from generator.config import Settings
from generator.plugin.options import read_settings
from generator.site import pages
from generator.site.compile import compile_site
from generator.site.render import md_escape

SMALL = Path(__file__).parent / "fixtures" / "small"


@pytest.fixture(scope="module")
def small_pages() -> dict[str, str]:
    built = compile_site(SMALL, read_settings(SMALL / "mkdocs.yml"), None, site_name="Small Wiki")
    assert not built.wiki.problems
    return {
        p.src_uri: p.splice(p.markdown)
        for p in (make() for make in pages.page_plan(built.context).values())
    }


def test_generated_pages_match_goldens(small_pages: dict[str, str], golden) -> None:
    for src, markdown in sorted(small_pages.items()):
        golden(f"small/{src}", markdown)


def test_every_kind_of_page_exists(small_pages: dict[str, str]) -> None:
    expected = {
        "index.md", "brief.md", "browse/index.md",
        "areas/index.md", "areas/billing/index.md", "areas/admin-console/index.md",
        "tags/index.md", "tags/invoices/index.md",
        "customers/index.md", "customers/contoso/index.md",
        "teams/index.md", "teams/payments/index.md",
        "sources/index.md", "sources/interview/index.md",
        "timeline/index.md", "timeline/2026-06/index.md",
        "billing/2026-06-20-invoices-lack-cost-centres.md",
    }  # fmt: skip
    assert expected <= set(small_pages)


def test_customer_page_lists_every_insight_and_recent_count(small_pages: dict[str, str]) -> None:
    page = small_pages["customers/contoso/index.md"]
    assert 'href="../../billing/2026-06-20-invoices-lack-cost-centres/"' in page
    assert 'href="../../billing/2026-05-02-seat-true-up-confusion/"' in page
    assert "2 insights · 2 in the last 90 days" in page


def test_area_without_notes_still_has_a_page(small_pages: dict[str, str]) -> None:
    assert "No insights yet" in small_pages["areas/admin-console/index.md"]


def test_html_in_a_title_is_escaped_everywhere(small_pages: dict[str, str]) -> None:
    for src, markdown in small_pages.items():
        assert "<img" not in markdown, src
        # Listings are raw HTML, which Markdown does not parse: there the text may stay as is.
        outside_html = re.sub(r'<ul class="insight-list">.*?</ul>', "", markdown, flags=re.S)
        assert "](javascript:" not in outside_html, src


def test_links_are_relative_urls_of_the_built_pages(small_pages: dict[str, str]) -> None:
    page = small_pages["billing/2026-06-20-invoices-lack-cost-centres.md"]
    assert 'href="../../areas/billing/"' in page
    assert 'href="../../customers/contoso/"' in page
    assert 'href="../2026-05-02-seat-true-up-confusion/"' in page  # explicit related: link


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain words", "plain words"),
        ("<img src=x onerror=alert(1)>", r"<img src=x onerror=alert\(1\)>"),
        ("[a](javascript:x)", r"\[a\]\(javascript:x\)"),
        ("*bold* _it_ `code`", r"\*bold\* \_it\_ \`code\`"),
        ("Heading {: onclick=x }", r"Heading \{: onclick=x \}"),
        ("two\nlines", "two lines"),
        ("a | b", r"a \| b"),
    ],
)
def test_md_escape(text: str, escaped: str) -> None:
    assert md_escape(text) == escaped


def _wiki_context(count: int, page_size: int = 10) -> pages.SiteContext:
    from generator.model import Area, Note, Wiki

    notes = tuple(
        Note(
            id=f"n{i:04d}", path=f"insights/billing/n{i:04d}.md", title=f"Note {i}",
            date=dt.date(2026, 1, 1) + dt.timedelta(days=i % 150), area="billing",
            source="interview", customers=(f"c{i % 7}",), tags=("t",), body="Body.",
        )
        for i in range(count)
    )  # fmt: skip
    wiki = Wiki(notes, (Area("billing", "Billing"),), checked=count)
    settings = Settings(page_size=page_size)
    return pages.SiteContext(wiki=wiki, settings=settings, as_of=dt.date(2026, 6, 30))


def test_long_listings_are_paginated() -> None:
    ctx = _wiki_context(35)
    group = pages.groups(ctx, "area")[0]
    listing = [make() for make in pages.listing_plan(ctx, group).values()]
    assert [p.src_uri for p in listing] == [
        "areas/billing/index.md", "areas/billing/page-2.md",
        "areas/billing/page-3.md", "areas/billing/page-4.md",
    ]  # fmt: skip
    assert all(p.splice(p.markdown).count('<li><a href="') == 10 for p in listing[:3])
    assert "(page-2.md)" in listing[0].markdown


def test_nav_holds_sections_and_listings_only() -> None:
    ctx = _wiki_context(50)
    flat = re.findall(r"'([^']+\.md)'", repr(pages.nav(ctx)))
    assert flat and not any(p.startswith("billing/") for p in flat)


def test_insight_page_size_does_not_grow_with_the_wiki() -> None:
    small, large = _wiki_context(20), _wiki_context(400)
    size = {len(pages.insight_page(ctx, ctx.by_id["n0001"]).markdown) for ctx in (small, large)}
    assert len(size) == 1


def _pages_made_alone(ctx: pages.SiteContext) -> tuple[dict[str, str], dict[str, str]]:
    """Every page made in one go (sharing kept list rows), and each made with none kept."""
    plan = pages.page_plan(ctx)
    together = {src: (p := make()).splice(p.markdown) for src, make in plan.items()}
    alone = {}
    for src, make in plan.items():
        ctx.row_cache.clear()
        ctx.dest_cache.clear()
        alone[src] = (p := make()).splice(p.markdown)
    return together, alone


def test_list_rows_kept_for_one_page_are_used_only_where_their_links_fit() -> None:
    together, alone = _pages_made_alone(_wiki_context(60))
    assert together == alone
    first, second = together["areas/billing/index.md"], together["areas/billing/page-2.md"]
    assert '<a href="../../billing/n0059/">Note 59</a>' in first
    assert '<a href="./">Billing</a>' in first
    assert '<a href="../../../billing/n0049/">Note 49</a>' in second
    assert '<a href="../">Billing</a>' in second
    assert '<a href="../../areas/billing/">Billing</a>' in together["customers/c0/index.md"]


def test_an_overridden_list_row_may_link_anywhere(tmp_path: Path) -> None:
    (tmp_path / "_macros.md.j2").write_text(
        (Path(pages.__file__).parent / "templates" / "_macros.md.j2")
        .read_text(encoding="utf-8")
        .replace(
            '<span class="insight-line">',
            '<a href="{{ href("customer", note.customers[0]) }}">c</a> <span class="insight-line">',
        ),
        encoding="utf-8",
    )
    ctx = _wiki_context(30)
    ctx.overrides = str(tmp_path)
    together, alone = _pages_made_alone(ctx)
    assert together == alone
    assert '<a href="./">c</a>' in together["customers/c3/index.md"]
    assert '<a href="../../customers/c3/">c</a>' in together["areas/billing/index.md"]


DECISION = "decisions/2026-06-25-cost-centres-on-invoice-lines.md"


def test_decisions_have_pages_a_listing_and_links_from_their_evidence(
    small_pages: dict[str, str],
) -> None:
    listing = small_pages["decisions/index.md"]
    assert '<li data-status="planned" data-area="billing"><a href="2026-06-25-cost-' in listing
    assert '<option value="proposed">Proposed (1)</option>' in listing
    assert "**3 decisions** (3 open): 1 proposed · 1 planned · 1 building." in listing
    page = small_pages[DECISION]
    assert "**Evidence strength:** 2 insights from 2 customers, 2 sources and 1 area; the " \
           "newest is 10 days old." in page  # fmt: skip
    assert "· 20 Jun 2026 · Interview · contoso, fabrikam · Billing" in page
    assert "<b>and</b>" not in "".join(small_pages.values())
    insight = small_pages["billing/2026-06-20-invoices-lack-cost-centres.md"]
    assert (
        '<span class="insight-meta__label">Informs</span> <a href="../../decisions/2026-06-25-'
        'cost-centres-on-invoice-lines/">Show cost centres on invoice lines &lt;b&gt;and&lt;/b&gt;'
    ) in insight
    area = small_pages["areas/onboarding/index.md"]
    assert "### Open decisions\n\n- [Build an SSO setup wizard](../../decisions/2026-06-29" in area
    assert "    **Building without listening.** No customer evidence" in area


def test_a_flagged_decision_says_why_on_its_page(small_pages: dict[str, str]) -> None:
    page = small_pages["decisions/2026-06-29-sso-setup-wizard.md"]
    assert '!!! warning "Building without listening"\n\n    It is open \\(proposed\\) but' in page
    stale = small_pages["decisions/2026-03-01-longer-trials-for-regulated-buyers.md"]
    assert '!!! warning "Stale evidence"\n\n    The one insight it cites is older' in stale


def test_nav_links_the_decisions_listing() -> None:
    assert {"Decisions": "decisions/index.md"} in pages.nav(_wiki_context(3))
