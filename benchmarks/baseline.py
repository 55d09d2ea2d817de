"""The baseline a build is measured against: a bare mkdocs-material site of the same pages.

Each synthetic note becomes a plain page (its title as a heading, then its body, unchanged)
in its area's folder. The navigation is small and holds sections only: the home page and one
index page per area. The note pages are not in it, and `not_in_nav` says so, as our plugin
does for insight pages. Everything else is MkDocs' and material's defaults, search included.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from benchmarks import synth


def plain_page(note_text: str) -> str:
    """A synthetic note as a plain Markdown page: '# title' and the body."""
    _, front, body = note_text.split("---\n", 2)
    title = next(line[7:] for line in front.splitlines() if line.startswith("title: "))
    return f"# {title}\n\n{body.lstrip()}"


def mkdocs_yml() -> str:
    """A bare mkdocs-material config with a sections-only navigation."""
    nav = "".join(f"  - {_name(area)}: {area}/index.md\n" for area in synth.AREAS)
    return (
        "site_name: Baseline\ndocs_dir: docs\ntheme:\n  name: material\n"
        "not_in_nav: |\n  /*/2*.md\n"  # the note pages: their names start with their date
        f"nav:\n  - Home: index.md\n{nav}"
    )


def write_site(root: Path, notes: Iterable[Path], notes_dir: Path) -> int:
    """Write the baseline project for these note files into `root`; return its page count."""
    docs = root / "docs"
    (root / "mkdocs.yml").parent.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(mkdocs_yml(), encoding="utf-8")
    _write(docs / "index.md", "# Baseline\n\nPlain pages, one per synthetic note.\n")
    for area in synth.AREAS:
        _write(docs / area / "index.md", f"# {_name(area)}\n\nThe pages of this area.\n")
    count = 1 + len(synth.AREAS)
    for path in notes:
        text = path.read_text(encoding="utf-8")
        _write(docs / path.relative_to(notes_dir), plain_page(text))
        count += 1
    return count


def _name(area: str) -> str:
    return area.replace("-", " ").title()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
