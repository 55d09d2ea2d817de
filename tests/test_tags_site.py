"""A built site with a tag vocabulary: a listed tag's page shows its name and description,
aliases get no page, and the pages, browse data and site search hold only canonical tags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, WikiFactory, note_text
from tests.test_build import build

pytestmark = pytest.mark.slow

VOCABULARY = """\
sso:
  name: Single <b>sign-on</b>
  description: Signing in with the company's identity provider <script>x</script>.
  aliases: [single-sign-on, saml]
"""


@pytest.fixture
def site(make_wiki: WikiFactory) -> Path:
    root = make_wiki({
        "billing/a.md": note_text(title="Pilots need SSO", date="2026-06-01", tags="[saml]"),
        "billing/b.md": note_text(title="Invoices in euros", date="2026-06-02",
                                  tags="[single-sign-on, invoices]"),
        "onboarding/c.md": note_text(title="Setup", date="2026-06-03", area="onboarding",
                                     tags="[sso]"),
    }, mkdocs=(FIXTURES / "small" / "mkdocs.yml").read_text(encoding="utf-8"))  # fmt: skip
    (root / "insights" / "tags.yml").write_text(VOCABULARY, encoding="utf-8")
    code, output = build(root, "--strict", "--as-of", "2026-06-30")
    assert code == 0, output  # the notes' tag-alias warnings do not fail a strict build
    return root / "site"


def test_a_listed_tags_page_shows_its_name_and_description_escaped(site: Path) -> None:
    page = (site / "tags" / "sso" / "index.html").read_text(encoding="utf-8")
    assert "Single &lt;b&gt;sign-on&lt;/b&gt;" in page and "<b>sign-on" not in page
    assert "identity provider &lt;script&gt;x&lt;/script&gt;." in page
    assert "<code>sso</code> · 3 insights" in page
    assert not (site / "tags" / "insights.yml").exists()
    assert not (site / "tags.yml").exists() and not (site / "insights" / "tags.yml").exists()


def test_aliases_get_no_page_and_appear_nowhere(site: Path) -> None:
    assert sorted(p.name for p in (site / "tags").iterdir() if p.is_dir()) == ["invoices", "sso"]
    data = json.loads((site / "browse" / "insights.json").read_text(encoding="utf-8"))
    assert [value for value, _ in data["facets"]["tag"]] == ["invoices", "sso"]
    for page in site.rglob("*"):
        if page.is_file() and page.suffix in (".html", ".json", ".xml"):
            text = page.read_text(encoding="utf-8")
            assert "single-sign-on" not in text and "saml" not in text.lower(), page
