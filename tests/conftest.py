"""Shared fixtures: tiny wikis written into a temporary folder, and a guard on stray warnings."""

from __future__ import annotations

import logging
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

AREAS_YML = """\
billing:
  name: Billing
  owner: Marcus Lee
  description: Plans, invoices and payment methods.
onboarding:
  name: Onboarding
  owner: Priya Raman
  description: Sign-up and the first week.
empty-area:
  name: Empty Area
  owner: Nobody
  description: An area nobody has written about.
"""

MKDOCS_YML = """\
site_name: Test Wiki
docs_dir: insights
theme:
  name: material
  custom_dir: overrides
plugins:
  - search
  - insights
"""


def note_text(
    title: str = "A finding",
    date: str = "2026-06-01",
    area: str = "billing",
    source: str = "interview",
    body: str = 'What we heard.\n\n> "A quote."\n',
    **fields: object,
) -> str:
    """The text of a note with the given front matter fields (lists as flow sequences)."""
    lines = ["---", f"title: {title}", f"date: {date}", f"area: {area}", f"source: {source}"]
    for key, value in fields.items():
        if isinstance(value, list | tuple):
            value = "[" + ", ".join(str(v) for v in value) + "]"
        lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n---\n" + body


WikiFactory = Callable[..., Path]
GOLDENS = Path(__file__).parent / "goldens"
FIXTURES = Path(__file__).parent / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    """`pytest --update-goldens` rewrites the golden files instead of comparing with them."""
    parser.addoption(
        "--update-goldens", action="store_true", help="rewrite tests/goldens/ from the output"
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """golden("name.md", text): compare text with tests/goldens/name.md (or rewrite it)."""

    def check(name: str, actual: str) -> None:
        path = GOLDENS / name
        if request.config.getoption("--update-goldens"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        assert path.exists(), f"no golden file {name}: run pytest --update-goldens"
        assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"

    return check


@pytest.fixture
def make_wiki(tmp_path: Path) -> WikiFactory:
    """Write a wiki: make_wiki({"billing/a.md": note_text(...)}, mkdocs=..., areas=...)."""

    def make(
        notes: dict[str, str | bytes] | None = None,
        mkdocs: str = MKDOCS_YML,
        areas: str = AREAS_YML,
        root: Path | None = None,
    ) -> Path:
        root = root or tmp_path / "wiki"
        (root / "insights").mkdir(parents=True, exist_ok=True)
        (root / "mkdocs.yml").write_text(textwrap.dedent(mkdocs), encoding="utf-8")
        (root / "insights" / "areas.yml").write_text(areas, encoding="utf-8")
        for rel, content in (notes or {}).items():
            path = root / "insights" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return make


@pytest.fixture(autouse=True)
def no_stray_warnings(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail any test that logs a warning it did not ask for (like oprypin's plugins)."""
    yield
    stray = [r for r in caplog.get_records("call") if r.levelno >= logging.WARNING]
    if stray and not getattr(caplog, "expected_warnings", False):
        pytest.fail("stray warnings logged: " + "; ".join(r.getMessage() for r in stray))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium for a module's browser tests (skips, or fails in CI, without it)."""
    from tests.browser import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A desktop-sized page that records console errors in `.errors`."""
    from tests.browser import DESKTOP, tab

    with tab(browser, DESKTOP) as new:
        yield new
