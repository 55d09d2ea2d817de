"""The built site in headless Chromium: what a reader sees, on a desktop and on a phone."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli.commands import main
from tests.browser import screenshot, serve
from tests.conftest import FIXTURES

pytestmark = pytest.mark.browser

INSIGHT = "billing/2026-06-20-invoices-lack-cost-centres/"
DECISION = "decisions/2026-06-25-cost-centres-on-invoice-lines/"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser") / "small"
    shutil.copytree(FIXTURES / "small", root)
    result = CliRunner().invoke(main, ["build", "--strict", "--config", str(root / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    with serve(root / "site") as url:
        yield url


def test_home_renders_without_console_errors(page: Any, site_url: str) -> None:
    page.goto(site_url)
    assert page.locator("h1").first.inner_text() == "Small Wiki"
    assert page.get_by_text("Start your planning meeting here").is_visible()
    screenshot(page, "home-desktop")
    assert page.errors == []


def test_search_box_finds_a_note_by_a_distinctive_word(page: Any, site_url: str) -> None:
    page.goto(site_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator(".md-search__input").fill("zephyrine")
    result = page.locator(".md-search-result__item a, .insight-search-result a").first
    result.wait_for(timeout=10_000)
    assert "Admins cannot find where to set up SSO" in result.inner_text()


def test_insight_page_shows_metadata_and_its_area_lists_it(page: Any, site_url: str) -> None:
    page.goto(site_url + INSIGHT)
    meta = page.locator(".insight-meta")
    assert meta.is_visible()
    for text in ("Billing", "20 Jun 2026", "Interview", "payments", "contoso", "invoices", "high"):
        assert text in meta.inner_text(), text
    screenshot(page, "insight-desktop")
    meta.get_by_role("link", name="Billing").click()
    page.wait_for_url("**/areas/billing/")
    assert page.get_by_role("link", name="Finance teams reconcile invoices").first.is_visible()
    screenshot(page, "area-desktop")


def test_an_area_page_links_its_own_feed_and_following_it_gives_atom(
    page: Any, site_url: str
) -> None:
    page.goto(site_url + "areas/billing/")
    feeds = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    hrefs = feeds.evaluate_all("links => links.map(link => link.href)")
    assert hrefs == [site_url + "feed-area-billing.xml", site_url + "feed.xml"]
    follow = page.get_by_role("link", name="Follow this area")
    assert follow.is_visible()
    assert follow.evaluate("a => a.href") == hrefs[0]
    screenshot(page, "area-follow-desktop")
    response = page.request.get(follow.evaluate("a => a.href"))
    assert response.ok
    feed = ET.fromstring(response.body())
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.tag == atom + "feed"
    assert feed.findtext(atom + "title") == "Small Wiki: new insights in Billing"
    entries = feed.findall(atom + "entry")
    assert len(entries) == 3
    assert {e.find(atom + "category").get("term") for e in entries} == {"billing"}  # type: ignore[union-attr]
    assert page.errors == []


def test_customer_page_lists_every_insight_of_that_customer(page: Any, site_url: str) -> None:
    page.goto(site_url + "customers/contoso/")
    links = page.locator("article li > a").all_inner_texts()
    assert links == [
        "Finance teams reconcile invoices by hand because line items lack cost centres",
        "Quarterly seat true-up invoices arrive without a breakdown",
    ]


@pytest.mark.parametrize(
    "path",
    ["", INSIGHT, "areas/billing/", "brief/", "customers/", "tags/", "timeline/", "browse/",
     DECISION, "decisions/"],
)  # fmt: skip
def test_no_page_scrolls_sideways_on_a_phone(browser: Any, site_url: str, path: str) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    tab = context.new_page()
    tab.goto(site_url + path)
    width = tab.evaluate("document.documentElement.scrollWidth")
    names = {"": "home", INSIGHT: "insight", "areas/billing/": "area", "brief/": "brief",
             DECISION: "decision", "decisions/": "decisions"}  # fmt: skip
    name = names.get(path)
    if name:
        screenshot(tab, f"{name}-phone")
    context.close()
    assert width <= PHONE["width"], f"{path or 'home'} is {width}px wide"


def test_a_title_carrying_html_is_shown_as_text(page: Any, site_url: str) -> None:
    page.goto(site_url + "billing/2026-04-11-xss-title-check/")
    heading = page.locator("article h1").first.inner_text()
    assert heading.startswith("<img src=x onerror=alert(1)>")
    assert page.locator("article img").count() == 0
    assert page.title().startswith("<img src=x")
    assert page.errors == []


def test_browse_filters_by_area_and_tag_and_keeps_them_in_the_url(page: Any, site_url: str) -> None:
    page.goto(site_url + "browse/")
    items = page.locator(".insight-browser__item > a")
    items.first.wait_for()
    assert items.count() == 5
    page.get_by_label("Area", exact=True).select_option("billing")
    page.get_by_label("Tag", exact=True).select_option("invoices")
    expected = [
        "Finance teams reconcile invoices by hand because line items lack cost centres",
        "Quarterly seat true-up invoices arrive without a breakdown",
    ]
    page.wait_for_function("document.querySelectorAll('.insight-browser__item').length === 2")
    assert items.all_inner_texts() == expected
    assert "area=billing" in page.url and "tag=invoices" in page.url
    page.reload()
    items.first.wait_for()
    assert page.get_by_label("Area", exact=True).input_value() == "billing"
    assert page.get_by_label("Tag", exact=True).input_value() == "invoices"
    assert items.all_inner_texts() == expected
    screenshot(page, "browse-desktop")
    assert page.errors == []


def settled(page: Any) -> None:
    """Wait until the page has loaded everything it asked for, and painted twice since: its
    scripts and error handlers (a broken image's onerror) have had their turn."""
    page.wait_for_load_state("networkidle")
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def test_a_hostile_notes_page_runs_no_script(page: Any) -> None:
    import markdown

    from tests.test_notebody import HOSTILE, body_html

    page.set_content(f"<!doctype html><body>{markdown.markdown(HOSTILE)}</body>")
    settled(page)
    assert any(e.startswith("dialog:") for e in page.errors), "the unsanitised page should alert"
    page.errors.clear()
    page.set_content(f"<!doctype html><body>{body_html(HOSTILE)}</body>")
    settled(page)
    assert [e for e in page.errors if not e.startswith("Failed to load resource")] == []
    hrefs = page.eval_on_selector_all("[href], [src]", "es => es.map(e => e.href || e.src)")
    assert all(h.startswith(("http:", "https:", "about:blank#")) for h in hrefs), hrefs


def test_a_decision_page_shows_its_evidence_and_leads_to_the_listing(
    page: Any, site_url: str
) -> None:
    page.goto(site_url + DECISION)
    assert (
        page.locator("article h1")
        .first.inner_text()
        .startswith("Show cost centres on invoice lines <b>and</b> in the *CSV* | export")
    )
    meta = page.locator(".decision-meta").inner_text()
    for text in ("Planned", "Marcus Lee", "25 Jun 2026", "Billing"):
        assert text in meta, text
    assert page.get_by_text("Evidence strength:").is_visible()
    evidence = page.locator("article h2#evidence + ul > li > a").all_inner_texts()
    assert evidence[:2] == [
        "Finance teams reconcile invoices by hand because line items lack cost centres",
        "Quarterly seat true-up invoices arrive without a breakdown",
    ]
    screenshot(page, "decision-desktop")
    page.get_by_role("link", name="All decisions").click()
    page.wait_for_url("**/decisions/")
    assert page.locator(".decision-list > li:visible").count() == 3
    assert page.locator("#decision-count").inner_text() == "All 3 decisions, newest first."
    assert page.errors == []


def test_the_decisions_listing_filters_by_status_and_area(page: Any, site_url: str) -> None:
    page.goto(site_url + "decisions/")
    shown = page.locator(".decision-list > li:visible > a")
    page.get_by_label("Area", exact=True).select_option("onboarding")
    assert shown.all_inner_texts() == [
        "Build an SSO setup wizard", "Offer 45-day trials to regulated buyers"
    ]  # fmt: skip
    page.get_by_label("Status", exact=True).select_option("building")
    assert shown.all_inner_texts() == ["Offer 45-day trials to regulated buyers"]
    assert "status=building" in page.url and "area=onboarding" in page.url
    assert page.locator("#decision-count").inner_text() == "1 of 3 decisions match, newest first."
    page.reload()
    assert page.get_by_label("Status", exact=True).input_value() == "building"
    assert shown.all_inner_texts() == ["Offer 45-day trials to regulated buyers"]
    screenshot(page, "decisions-desktop")
    page.go_back()
    page.wait_for_function(
        "document.querySelectorAll('.decision-list > li:not([hidden])').length === 2"
    )
    assert page.errors == []
