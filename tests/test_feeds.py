"""The Atom feeds: the site's, and one per area and per tag."""

from __future__ import annotations

import datetime as dt
import posixpath
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.config import Settings
from generator.model import Area, Note, Wiki
from generator.notes.body import first_paragraph
from generator.plugin.options import read_settings
from generator.site import pages
from generator.site.compile import compile_site
from generator.site.feeds import feed_files
from tests.conftest import WikiFactory, note_text

ATOM = "{http://www.w3.org/2005/Atom}"
AS_OF = dt.date(2026, 6, 30)
HOSTILE_TITLE = '<script>alert(1)</script> & "quotes" ]]> </title> [x](javascript:alert(2))'
HOSTILE_BODY = (
    "# Heading\n\nFirst <b>bold</b> & <script>alert(3)</script> ]]> </summary>"
    " \x01\x0b\x1b control \ufffe chars.\n\nSecond paragraph.\n"
)


def note(i: int, area: str = "billing", tags: tuple[str, ...] = ("t",), **fields: object) -> Note:
    values: dict[str, object] = {
        "id": f"n{i:04d}",
        "path": f"insights/{area}/n{i:04d}.md",
        "title": f"Note {i}",
        "date": dt.date(2026, 1, 1) + dt.timedelta(days=i % 150),
        "area": area,
        "source": "interview",
        "customers": (f"c{i % 3}",),
        "tags": tags,
        "body": f"Paragraph of note {i}.\n\nMore.",
    }
    values.update(fields)
    return Note(**values)  # type: ignore[arg-type]


def context(notes: list[Note], feed_size: int = 50) -> pages.SiteContext:
    areas = (Area("billing", "Billing"), Area("onboarding", "Onboarding"))
    wiki = Wiki(tuple(notes), areas, checked=len(notes))
    return pages.SiteContext(
        wiki=wiki,
        settings=Settings(feed_size=feed_size),
        as_of=AS_OF,
        site_name="Test & Wiki",
    )


def parsed(
    ctx: pages.SiteContext, site_url: str = "https://wiki.example.com/"
) -> dict[str, ET.Element]:
    return {path: ET.fromstring(xml.encode()) for path, xml in feed_files(ctx, site_url)}


def titles(feed: ET.Element) -> list[str | None]:
    return [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]


def test_a_feed_per_area_and_tag_with_only_their_insights_newest_first() -> None:
    notes = [
        note(i, "billing" if i % 2 else "onboarding", ("odd",) if i % 3 else ("third",))
        for i in range(12)
    ]
    feeds = parsed(context(notes))
    assert sorted(feeds) == [
        "feed-area-billing.xml", "feed-area-onboarding.xml", "feed-tag-odd.xml",
        "feed-tag-third.xml", "feed.xml",
    ]  # fmt: skip
    assert titles(feeds["feed-area-billing.xml"]) == [f"Note {i}" for i in (11, 9, 7, 5, 3, 1)]
    assert titles(feeds["feed-tag-third.xml"]) == [f"Note {i}" for i in (9, 6, 3, 0)]
    assert len(titles(feeds["feed.xml"])) == 12
    billing = feeds["feed-area-billing.xml"]
    assert billing.findtext(f"{ATOM}title") == "Test & Wiki: new insights in Billing"
    assert billing.findtext(f"{ATOM}updated") == "2026-01-12T00:00:00Z"  # its newest note
    alternate = billing.find(f"{ATOM}link[@rel='alternate']")
    assert (
        alternate is not None and alternate.get("href") == "https://wiki.example.com/areas/billing/"
    )


def test_entries_carry_date_area_source_customers_and_the_first_paragraph() -> None:
    (entry,) = parsed(
        context([note(5, body="## Context\n\nThey **pay** by [card](x.md).\nYes.\n\nLater.")])
    )["feed-area-billing.xml"].iter(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}summary") == (
        "6 Jan 2026 · Billing · Interview · customers: c2. They pay by card. Yes."
    )
    link = entry.find(f"{ATOM}link")
    assert link is not None and link.get("href") == "https://wiki.example.com/billing/n0005/"
    category = entry.find(f"{ATOM}category")
    assert category is not None and category.attrib == {"term": "billing", "label": "Billing"}


def test_hostile_titles_and_bodies_stay_text_in_valid_xml() -> None:
    feeds = parsed(context([note(1, title=HOSTILE_TITLE, body=HOSTILE_BODY, author="<b>me</b>")]))
    del feeds["feed-area-onboarding.xml"]
    assert len(feeds) == 3
    for feed in feeds.values():
        (entry,) = feed.iter(f"{ATOM}entry")
        assert entry.findtext(f"{ATOM}title") == HOSTILE_TITLE
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == "<b>me</b>"
        summary = entry.findtext(f"{ATOM}summary") or ""
        assert summary.endswith("First bold & ]]> control chars.")
        assert list(entry.find(f"{ATOM}summary") or []) == []  # no element inside


def test_feeds_are_capped_at_feed_size_and_updated_comes_from_the_notes() -> None:
    feeds = parsed(context([note(i) for i in range(30)], feed_size=7))
    assert titles(feeds.pop("feed-area-onboarding.xml")) == []
    for feed in feeds.values():
        assert titles(feed) == [f"Note {i}" for i in range(29, 22, -1)]
        assert feed.findtext(f"{ATOM}updated") == "2026-01-30T00:00:00Z"


def test_a_feed_with_no_insights_is_dated_by_the_as_of_day() -> None:
    feeds = parsed(context([]))
    assert feeds["feed.xml"].findtext(f"{ATOM}updated") == "2026-06-30T00:00:00Z"
    assert titles(feeds["feed-area-onboarding.xml"]) == []


def test_without_a_site_url_links_are_relative_to_the_feed() -> None:
    feeds = parsed(context([note(3, tags=("sso",))]), site_url="")
    del feeds["feed-area-onboarding.xml"]
    assert len(feeds) == 3
    for path, feed in feeds.items():
        assert feed.find(f"{ATOM}link[@rel='self']") is None
        (entry,) = feed.iter(f"{ATOM}entry")
        href = entry.find(f"{ATOM}link").get("href", "")  # type: ignore[union-attr]
        assert posixpath.normpath(posixpath.join(posixpath.dirname(path), href)) == "billing/n0003"
        assert entry.findtext(f"{ATOM}id") == "urn:insight:n0003"


def test_feeds_are_byte_identical_across_two_builds(make_wiki: WikiFactory) -> None:
    notes = {
        f"billing/2026-06-{day:02d}-n.md": note_text(
            f"Note {day}", f"2026-06-{day:02d}", tags=["a", "b"][: day % 2 + 1], customers=["acme"]
        )
        for day in range(1, 20)
    }
    root = make_wiki(notes)
    settings = read_settings(root / "mkdocs.yml")
    built = [dict(compile_site(root, settings, AS_OF).files()) for _ in range(2)]
    feeds = [{p: c for p, c in b.items() if p.startswith("feed")} for b in built]
    assert sorted(feeds[0]) == [
        "feed-area-billing.xml", "feed-area-empty-area.xml", "feed-area-onboarding.xml",
        "feed-tag-a.xml", "feed-tag-b.xml", "feed.xml",
    ]  # fmt: skip
    assert feeds[0] == feeds[1]


def test_listing_pages_link_their_feed_in_the_head_and_visibly(make_wiki: WikiFactory) -> None:
    root = make_wiki({"billing/a.md": note_text("A", tags=["sso"])})
    built = compile_site(root, read_settings(root / "mkdocs.yml"), AS_OF)
    area = built.page_markdown("areas/billing/index.md") or ""
    assert area.startswith('---\ninsights_feed: "feed-area-billing.xml"\n---\n')
    assert (
        'href="../../feed-area-billing.xml" type="application/atom+xml"' in area
        and "Follow this area" in area
    )
    tag = built.page_markdown("tags/sso/index.md") or ""
    assert "Follow this tag" in tag
    customer = built.page_markdown("customers/index.md") or ""
    assert "insights_feed" not in customer and "Follow" not in customer


@pytest.mark.parametrize(
    ("body", "paragraph"),
    [
        ("", ""),
        ("One line.", "One line."),
        ("# Title\n\nFirst\nsecond line.\n\nThird.", "First second line."),
        ("```\ncode\n```\n\nAfter code.", "After code."),
        ("> A quote\n> goes on.\n\nNext.", "A quote goes on."),
        ("<!-- hidden -->\n<div>Shown</div>\n\nNo.", "Shown"),
        ("**Lead.** With a [link](https://x.test) and `code`.", "Lead. With a link and code."),
        ("| a | b |\n|---|---|\n\nAfter the table.", "After the table."),
        ("Text\n## Heading under it\n", "Text"),
    ],
)
def test_first_paragraph(body: str, paragraph: str) -> None:
    assert first_paragraph(body) == paragraph


def test_first_paragraph_is_cut_to_its_limit() -> None:
    assert first_paragraph("word " * 50, limit=20) == "word word word word…"


def test_the_small_wiki_feeds_parse(tmp_path: Path) -> None:
    small = Path(__file__).parent / "fixtures" / "small"
    built = compile_site(small, read_settings(small / "mkdocs.yml"), None, site_name="Small Wiki")
    feeds = {p: c for p, c in built.files() if p.startswith("feed")}
    assert "feed-area-billing.xml" in feeds and "feed-tag-invoices.xml" in feeds
    for xml in feeds.values():
        assert isinstance(xml, str)
        ET.fromstring(xml.encode())
