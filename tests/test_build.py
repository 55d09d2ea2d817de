"""Real builds: `insights build --strict` of a small wiki, reproducibility, refusing bad notes."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli.commands import main
from tests.conftest import FIXTURES, note_text

pytestmark = pytest.mark.slow


def build(root: Path, *args: str, site: str = "site") -> tuple[int, str]:
    """Run `insights build` in a wiki; return the exit code and everything printed."""
    result = CliRunner().invoke(
        main, ["build", "--config", str(root / "mkdocs.yml"), "--site-dir", str(root / site), *args]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under a folder mapped to the SHA-256 of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def small(tmp_path: Path) -> Path:
    root = tmp_path / "small"
    shutil.copytree(FIXTURES / "small", root)
    return root


def test_strict_build_of_a_wiki_holding_only_notes_and_areas(small: Path) -> None:
    code, output = build(small, "--strict")
    assert code == 0, output
    site = small / "site"
    insight = "billing/2026-06-20-invoices-lack-cost-centres/index.html"
    for page in (
        "index.html", "brief/index.html", "areas/billing/index.html",
        "customers/contoso/index.html", insight, "feed.xml", "browse/index.html",
    ):  # fmt: skip
        assert (site / page).is_file(), page
    assert not (site / "areas.yml").exists()


def test_same_notes_and_as_of_give_a_byte_identical_site(small: Path) -> None:
    assert build(small, "--as-of", "2026-06-30", site="one")[0] == 0
    assert build(small, "--as-of", "2026-06-30", site="two")[0] == 0
    assert tree_digest(small / "one") == tree_digest(small / "two")


def test_bad_notes_publish_nothing_and_print_the_check_report(small: Path) -> None:
    assert build(small)[0] == 0
    before = tree_digest(small / "site")
    bad = small / "insights" / "billing" / "broken.md"
    bad.write_text(note_text(area="biling"), encoding="utf-8")
    code, output = build(small)
    assert code == 1
    assert "insights/billing/broken.md:4:7: error unknown-area:" in output
    assert "did you mean 'billing'?" in output
    assert tree_digest(small / "site") == before


def test_a_bad_option_stops_a_mkdocs_build_at_its_line(
    small: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from generator.plugin.commands import BuildFailed, build_site

    caplog.expected_warnings = True  # type: ignore[attr-defined]
    config = small / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + "      allowed_contacts: [help@acme.com, help]\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        build_site(config, dt.date(2026, 6, 30), small / "site", strict=True)
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        "mkdocs.yml:17:41: error bad-option: insights: option 'allowed_contacts': 'help' is "
        "not an e-mail address or a '*@domain' pattern; write e.g. 'support@acme.com' or "
        "'*@acme.com'"
    ]


def test_feed_lists_newest_insights_and_every_page_links_it(small: Path) -> None:
    assert build(small)[0] == 0
    feed = ET.parse(small / "site" / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert titles[0] == "Admins cannot find where to set up SSO"
    assert len(titles) == 5
    home = (small / "site" / "index.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml"' in home


def test_navigation_holds_no_insight_pages(small: Path) -> None:
    assert build(small)[0] == 0
    for page in ("index.html", "areas/billing/index.html"):
        html = (small / "site" / page).read_text(encoding="utf-8")
        links = re.findall(r'<a href="([^"#]+)"[^>]*class="md-(?:nav|tabs)__link', html)
        links += re.findall(r'class="md-(?:nav|tabs)__link[^"]*"[^>]*href="([^"#]+)"', html)
        assert len(links) >= 8, links  # the sections and listing indexes
        assert not any(re.search(r"billing/\d{4}-", link) for link in links), links


def test_html_title_is_text_in_the_built_page(small: Path) -> None:
    assert build(small)[0] == 0
    page = small / "site" / "billing" / "2026-04-11-xss-title-check" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "<img src=x" not in html
    for page in (small / "site").rglob("*.html"):
        assert 'href="javascript:' not in page.read_text(encoding="utf-8"), page
    assert re.search(r"<title>&lt;img src=x onerror=alert\(1\)&gt;", html)


def _grown_wiki(root: Path, count: int) -> Path:
    shutil.copytree(FIXTURES / "small", root)
    for i in range(count):
        text = note_text(
            title=f"Generated finding number {i}", date=f"2026-0{1 + i % 6}-1{i % 10}",
            customers=[f"customer-{i % 37}"], tags=[f"theme-{i % 23}"], team=f"team-{i % 5}",
        )  # fmt: skip
        (root / "insights" / "billing" / f"gen-{i:04d}.md").write_text(text, encoding="utf-8")
    return root


def test_insight_page_size_does_not_grow_with_the_number_of_notes(tmp_path: Path) -> None:
    sizes = []
    for count in (20, 300):
        root = _grown_wiki(tmp_path / f"w{count}", count)
        assert build(root)[0] == 0
        page = root / "site" / "billing" / "2026-06-20-invoices-lack-cost-centres" / "index.html"
        sizes.append(page.stat().st_size)
    assert sizes[0] == sizes[1]


def _broken_links(site: Path) -> list[str]:
    """Every relative link in the built site that leads to no file."""
    broken = []
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'<a [^>]*href="([^"#?]+)', html):
            if re.match(r"[a-z]+:", href) or href.startswith("/"):
                continue
            target = (page.parent / href).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {href}")
    return broken


def test_every_link_in_the_built_site_leads_to_a_page(small: Path) -> None:
    assert build(small)[0] == 0
    site = small / "site"
    assert _broken_links(site) == []
    listing = (site / "customers" / "contoso" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../billing/2026-06-20-invoices-lack-cost-centres/"' in listing


def test_links_work_without_directory_urls(small: Path) -> None:
    config = small / "mkdocs.yml"
    config.write_text(config.read_text() + "use_directory_urls: false\n")
    assert build(small)[0] == 0
    site = small / "site"
    assert _broken_links(site) == []
    assert (site / "browse" / "insights.json").is_file()


def test_the_installed_command_builds_reports_and_exits_cleanly(small: Path) -> None:
    """`insights` itself: everything a finished build printed is out, and it exits 0; a
    refused build exits 1 with its report."""
    import subprocess
    import sys

    command = [str(Path(sys.executable).parent / "insights"), "build", "--strict"]
    done = subprocess.run(command, cwd=small, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr.rstrip().splitlines()[-1].startswith("INFO    -  Documentation built in")
    assert "Site search: indexed" in done.stderr
    assert (small / "site" / "search" / "meta.json").is_file()
    (small / "insights" / "billing" / "broken.md").write_text("---\ntitle: [\n---\n", "utf-8")
    refused = subprocess.run(command, cwd=small, capture_output=True, text=True, check=False)
    assert refused.returncode == 1
    assert "Nothing was published" in refused.stderr


def test_a_build_leaves_the_environment_as_it_was(small: Path, tmp_path: Path) -> None:
    """--as-of reaches the plugin as its own option, not through os.environ: a later build of
    another wiki in the same process keeps that wiki's own as_of."""
    import os

    before = dict(os.environ)
    assert build(small, "--as-of", "2026-07-20", "--strict")[0] == 0
    assert dict(os.environ) == before
    brief = (small / "site" / "brief" / "index.html").read_text(encoding="utf-8")
    assert "20 Jul 2026" in brief
    other = tmp_path / "other"
    shutil.copytree(FIXTURES / "small", other)
    assert build(other, "--strict")[0] == 0
    brief = (other / "site" / "brief" / "index.html").read_text(encoding="utf-8")
    assert "30 Jun 2026" in brief and "20 Jul 2026" not in brief


@pytest.mark.parametrize("tool", ["mkdocs", "properdocs"])
def test_plain_build_strict_publishes_every_note_with_site_search(small: Path, tool: str) -> None:
    """What MkDocs users run, `mkdocs build --strict`, and the same on ProperDocs, the
    maintained fork of MkDocs 1.x: no `insights` command involved."""
    import subprocess
    import sys

    command = [str(Path(sys.executable).parent / tool), "build", "--strict", "-f", "mkdocs.yml"]
    done = subprocess.run(command, cwd=small, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    site = small / "site"
    notes = sorted(p.stem for p in (small / "insights").rglob("*.md"))
    for note in notes:
        assert list(site.rglob(f"{note}/index.html")), note
    assert (site / "search" / "meta.json").is_file()
    assert _broken_links(site) == []


@pytest.mark.parametrize(
    ("plugins", "expected"),
    [
        ("  - search\n  - insights\n", [{"search": {}}, {"insights": {"as_of": "D"}}]),
        (
            "  - search\n  - insights:\n      as_of: 2026-01-01\n      workers: 1\n",
            [{"search": {}}, {"insights": {"as_of": "D", "workers": 1}}],
        ),
        (
            "  insights: {git_history: false}\n",
            [{"insights": {"git_history": False, "as_of": "D"}}],
        ),
    ],
)
def test_serve_hands_as_of_over_as_the_plugins_option(
    tmp_path: Path, plugins: str, expected: list[dict[str, dict[str, object]]]
) -> None:
    import datetime as dt

    from generator.plugin.commands import _plugins_with_as_of

    config = tmp_path / "mkdocs.yml"
    config.write_text(f"site_name: X\nplugins:\n{plugins}", encoding="utf-8")
    day = dt.date(2026, 7, 1)
    for entry in expected:
        for options in entry.values():
            options.update({k: day for k, v in options.items() if v == "D"})
    assert _plugins_with_as_of(config, day) == expected


def test_serve_needs_the_insights_plugin(tmp_path: Path) -> None:
    import datetime as dt

    from generator.plugin.commands import BuildFailed, _plugins_with_as_of

    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: X\nplugins:\n  - search\n", encoding="utf-8")
    with pytest.raises(BuildFailed, match="'insights' plugin"):
        _plugins_with_as_of(config, dt.date(2026, 7, 1))
