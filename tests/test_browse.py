"""The faceted browser's data and page: metadata only, deterministic, safe to render."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.config import Settings
from generator.model import Wiki
from generator.plugin.options import read_settings
from generator.site import pages
from generator.site.browse import browse_json, note_url
from generator.site.compile import compile_site
from tests.conftest import FIXTURES

ASSETS = Path(__file__).parent.parent / "generator" / "site" / "assets"
SEARCH = FIXTURES / "search"


@pytest.fixture(scope="module")
def wiki() -> Wiki:
    return compile_site(SEARCH, read_settings(SEARCH / "mkdocs.yml"), None).wiki


def test_json_matches_golden(wiki: Wiki, golden) -> None:
    data = json.loads(browse_json(wiki.notes, wiki.areas, Settings()))
    lines = [json.dumps({k: v for k, v in data.items() if k != "notes"}, ensure_ascii=False)]
    lines += [json.dumps(row, ensure_ascii=False) for row in data["notes"]]  # one note a line
    golden("browse/insights.jsonl", "\n".join(lines) + "\n")


def test_json_is_compact_and_deterministic(wiki: Wiki) -> None:
    data = browse_json(wiki.notes, wiki.areas, Settings())
    assert data == browse_json(tuple(reversed(wiki.notes)), wiki.areas, Settings())
    assert b"\n" not in data and b'": ' not in data


def test_json_holds_metadata_never_bodies(wiki: Wiki) -> None:
    data = browse_json(wiki.notes, wiki.areas, Settings())
    assert b"re-type your invoice" not in data  # a quote from a body
    rows = json.loads(data)["notes"]
    assert {key for row in rows for key in row} == {
        "id", "title", "url", "date", "area", "source", "tags", "customers", "team"
    }  # fmt: skip


def test_facet_positions_decode_to_each_notes_values(wiki: Wiki) -> None:
    data = json.loads(browse_json(wiki.notes, wiki.areas, Settings()))
    facets = data["facets"]
    by_id = {n.id: n for n in wiki.notes}
    for row in data["notes"]:
        note = by_id[row["id"]]
        assert facets["area"][row["area"]][0] == note.area
        assert facets["source"][row["source"]][0] == note.source
        assert [facets["tag"][t][0] for t in row["tags"]] == list(note.tags)
        assert [facets["customer"][c][0] for c in row["customers"]] == list(note.customers)
        assert facets["team"][row["team"]][0] == note.team
    assert facets["area"] == [["billing", "Billing"], ["onboarding", "Onboarding"],
                              ["reporting", "Reporting"]]  # fmt: skip
    assert ["usability-test", "Usability test"] in facets["source"]
    dates = [row["date"] for row in data["notes"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(
    ("path", "directory_urls", "url"),
    [
        ("insights/billing/a-b.md", True, "../billing/a-b/"),
        ("insights/billing/a-b.md", False, "../billing/a-b.html"),
        ("insights/top.md", True, "../top/"),
        ("insights/Área 1/x.md", True, "../%C3%81rea%201/x/"),
    ],
)
def test_urls_are_relative_to_the_json(
    wiki: Wiki, path: str, directory_urls: bool, url: str
) -> None:
    import dataclasses

    note = dataclasses.replace(wiki.notes[0], path=path)
    assert note_url(note, Settings(), directory_urls) == url


def test_the_page_has_the_container_and_a_fallback() -> None:
    built = compile_site(SEARCH, read_settings(SEARCH / "mkdocs.yml"), None)
    page = next(
        p
        for p in (make() for make in pages.page_plan(built.context).values())
        if p.src_uri == "browse/index.md"
    )
    assert (
        '<div id="insight-browser" class="insight-browser" data-src="insights.json"'
        in page.markdown
    )
    assert "<noscript markdown>" in page.markdown
    assert "[by area](../areas/index.md)" in page.markdown
    assert "Filter all 8 insights" in page.markdown


def test_the_script_inserts_text_safely_and_follows_instant_navigation() -> None:
    script = (ASSETS / "browse.js").read_text(encoding="utf-8")
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(", script)
    assert "textContent" in script
    assert "document$" in script and "popstate" in script and "pushState" in script
    assert 'aria-live": "polite"' in script
    css = (ASSETS / "browse.css").read_text(encoding="utf-8")
    assert "var(--md-default-fg-color" in css
    assert not re.search(r"#[0-9a-fA-F]{3,6}\b|rgb\(", css)  # theme colours only: light and dark
