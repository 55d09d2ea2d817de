"""One home per library: each third-party library is imported by its own module(s) only."""

from __future__ import annotations

import ast
from pathlib import Path

GENERATOR = Path(__file__).parents[1] / "generator"
HOMES = {
    "yaml": {"yamlfile"},
    "jinja2": {"render"},
    "whoosh": {"index"},
    "click": {"cli"},
    "markdown": {"reuse"},
    "nh3": {"notebody"},
    "mkdocs": {"plugin", "workers", "reuse"},  # the MkDocs adapter
}


def imported(path: Path) -> set[str]:
    """The top-level packages a module imports, anywhere in it."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_each_library_is_imported_in_its_home_only() -> None:
    found: dict[str, set[str]] = {library: set() for library in HOMES}
    for path in GENERATOR.glob("*.py"):
        for library in imported(path) & set(HOMES):
            found[library].add(path.stem)
    assert found == HOMES
