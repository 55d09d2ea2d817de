"""Accessibility: axe-core finds no serious or critical violation of WCAG 2.1 A and AA, or of its
best practices, on any kind of page of the sample wiki, on a desktop and on a phone, in the light
and the dark scheme, with the search results open too.

axe-core is vendored in tests/vendor/axe-core (see its README), so no npm is needed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from click.testing import CliRunner

from generator.cli.commands import main
from tests.browser import DESKTOP, PHONE, serve, tab

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parent.parent
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SEVERE = ("serious", "critical")
# One page of each kind the sample wiki has (tag, team, source and month pages are lists of
# insights written by the same template as a customer's page).
PAGES = {
    "home": "",
    "brief": "brief/",
    "areas": "areas/",
    "area": "areas/billing/",
    "insight": "billing/2026-11-16-invoice-line-export-truncated/",
    "browse": "browse/",
    "tags": "tags/",
    "customers": "customers/",
    "customer": "customers/contoso/",
    "timeline": "timeline/",
    "decisions": "decisions/",
    "decision": "decisions/2026-10-24-warn-when-an-export-is-cut-off/",
}
# What a page shows once the data it fetches has come (others are whole once loaded).
READY = {"browse": ".insight-browser__item"}
SEARCH_QUERY = "invoice"
# The axe run, once every transition has ended: a colour mid-fade is not the one a reader sees.
RUN_AXE = """async (tags) => {
  const running = document.getAnimations()
    .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity);
  await Promise.all(running.map((a) => a.finished.catch(() => null)));
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, helpUrl: v.helpUrl,
    targets: v.nodes.map((n) => n.target.join(" ")),
    summary: v.nodes[0]?.failureSummary || "",
  }));
}"""


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample wiki (the repository's own mkdocs.yml and insights/), built once."""
    site = tmp_path_factory.mktemp("accessibility") / "site"
    config = str(ROOT / "mkdocs.yml")
    result = CliRunner().invoke(
        main, ["build", "--strict", "--config", config, "--site-dir", str(site)]
    )
    assert result.exit_code == 0, result.output
    with serve(site) as url:
        yield url


def pick_scheme(page: Any, site_url: str, scheme: str) -> None:
    """Make `page` open the site in `scheme`, as if the reader had picked it with the palette
    toggle of the sample wiki's mkdocs.yml: material keeps that choice in localStorage, under
    the site's path and `.__palette`, and applies it before the page is painted."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    palettes = config["theme"]["palette"]
    index = next(i for i, p in enumerate(palettes) if p["scheme"] == scheme)
    keys = ("media", "scheme", "primary", "accent")
    choice = {
        "index": index,
        "color": {k: palettes[index][k] for k in keys if k in palettes[index]},
    }
    key = urlsplit(site_url).path + ".__palette"
    page.add_init_script(
        f"localStorage.setItem({json.dumps(key)}, {json.dumps(json.dumps(choice))})"
    )


def severe_violations(page: Any, where: str) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(RUN_AXE, TAGS)
    return [describe(where, v) for v in found if v["impact"] in SEVERE]


def describe(where: str, violation: dict[str, Any]) -> str:
    """One line: the page, the rule and its impact, where (the first few elements), why, and
    the rule's help page."""
    targets = violation["targets"]
    at = ", ".join(targets[:5]) + (f" and {len(targets) - 5} more" if len(targets) > 5 else "")
    rule, impact, url = violation["id"], violation["impact"], violation["helpUrl"]
    why = " ".join(violation["summary"].split())[:240]
    return f"{where}: {rule} ({impact}) at {at} -- {why} -- {url}"


def open_page(page: Any, url: str, scheme: str, ready: str | None = None) -> None:
    """Go to `url`, wait for `ready` (a selector) to show if given, and check that the page is
    shown in `scheme`."""
    response = page.goto(url)
    assert response is not None and response.ok, url
    if ready:
        page.locator(ready).first.wait_for()
    shown = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert shown == scheme, f"{url} is shown in the {shown} scheme, not {scheme}"


def open_search_results(page: Any) -> None:
    """Type a query into the header's search box, as a reader would, until results show."""
    button = page.locator("label.md-header__button[for=__search]")
    if button.is_visible():  # a phone: the box opens from a button
        # A tap, without the hover a mouse click leaves behind: that would show the button's
        # tooltip, fading in while axe-core reads its colours.
        button.dispatch_event("click")
    page.locator(".md-search__input").fill(SEARCH_QUERY)
    page.locator(".md-search-result__item").first.wait_for()


@pytest.mark.parametrize("scheme", ["default", "slate"], ids=["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_page_has_a_serious_accessibility_violation(
    browser: Any, site_url: str, viewport: dict[str, int], scheme: str
) -> None:
    failures: list[str] = []
    with tab(browser, viewport) as page:
        pick_scheme(page, site_url, scheme)
        for name, path in PAGES.items():
            open_page(page, site_url + path, scheme, READY.get(name))
            failures += severe_violations(page, name)
        open_search_results(page)
        failures += severe_violations(page, f"{name} with the search results open")
        assert page.errors == []
    assert failures == [], "axe-core found:\n" + "\n".join(failures)


def test_the_dark_scheme_is_really_dark(browser: Any, site_url: str) -> None:
    """The scheme switch the test above relies on changes what the reader sees."""
    backgrounds = {}
    for scheme in ("default", "slate"):
        with tab(browser, DESKTOP) as page:
            pick_scheme(page, site_url, scheme)
            open_page(page, site_url, scheme)
            backgrounds[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert backgrounds["default"] == "rgb(255, 255, 255)"
    assert backgrounds["slate"] != backgrounds["default"]


def test_the_search_results_scroll_from_the_keyboard_and_are_out_of_reach_when_closed(
    page: Any, site_url: str
) -> None:
    wrap = page.locator(".md-search__scrollwrap")
    hidden = "getComputedStyle(document.querySelector('.md-search__output')).visibility"
    page.goto(site_url)
    assert page.evaluate(hidden) == "hidden"
    open_search_results(page)
    page.keyboard.press("Tab")
    assert wrap.evaluate("e => e === document.activeElement")
    assert page.get_by_role("region", name=re.compile(r"^\d+ matching documents$")).is_visible()
    page.keyboard.press("PageDown")
    page.wait_for_function("document.querySelector('.md-search__scrollwrap').scrollTop > 0")
    page.keyboard.press("Escape")
    page.wait_for_function(f"{hidden} === 'hidden'")
    assert page.errors == []
