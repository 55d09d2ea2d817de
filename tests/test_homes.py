"""The architecture, checked: each library has one home, and the layers import one way.

    model, config, words, yamlfile, contacts, processes   the core's vocabulary
    notes/    find, parse and check notes                       may use the vocabulary
    signals/  summaries, findings, similarity, review           may use notes
    search/   the Whoosh index behind `insights search`         may use notes
    site/     pages, templates, assets, site search, reports    may use notes, signals
    plugin/   the MkDocs adapter                                may use the core
    cli/      the `insights` command                            may use everything

No part of the core (everything but plugin/ and cli/) imports an adapter.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GENERATOR = Path(__file__).parents[1] / "generator"
HOMES = {
    "yaml": {"yamlfile"},
    "jinja2": {"site.render"},
    "markupsafe": {"site.render"},
    "whoosh": {"search.index", "search.searcher"},  # the index, and searching it
    "click": {
        "cli.commands",
        "cli.options",
        "cli.authoring",
        "cli.searching",
        "cli.tagging",
        "cli.digest",
    },
    "markdown": {"plugin.reuse"},
    "nh3": {"notes.body"},
    "mkdocs": {
        "plugin.plugin",
        "plugin.options",
        "plugin.workers",
        "plugin.reuse",
        "plugin.incremental",
        "plugin.live",
        "plugin.commands",
    },  # the MkDocs adapter
    "material": set(),
}
VOCABULARY = {"model", "config", "words", "yamlfile", "contacts", "processes", "digest", "progress"}
MAY_USE = {
    "vocabulary": VOCABULARY,
    "notes": VOCABULARY | {"notes"},
    "signals": VOCABULARY | {"notes", "signals"},
    "search": VOCABULARY | {"notes", "search"},
    "site": VOCABULARY | {"notes", "signals", "site"},
    "plugin": VOCABULARY | {"notes", "signals", "search", "site", "plugin"},
    "cli": VOCABULARY | {"notes", "signals", "search", "site", "plugin", "cli"},
}


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name below `generator`."""
    found = {}
    for path in sorted(GENERATOR.rglob("*.py")):
        parts = path.relative_to(GENERATOR).with_suffix("").parts
        found[".".join(p for p in parts if p != "__init__") or "__init__"] = path
    return found


def imports(path: Path) -> tuple[set[str], set[str]]:
    """(third-party top-level packages, generator parts) that a module imports, anywhere."""
    outside, inside = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            first, _, rest = name.partition(".")
            if first == "generator" and rest:
                inside.add(rest.split(".")[0])
            elif first != "generator":
                outside.add(first)
    return outside, inside


def layer(module: str) -> str:
    top = module.split(".")[0]
    return "vocabulary" if top in VOCABULARY or top == "__init__" else top


def test_each_library_is_imported_in_its_home_only() -> None:
    found: dict[str, set[str]] = {library: set() for library in HOMES}
    for name, path in modules().items():
        for library in imports(path)[0] & set(HOMES):
            found[library].add(name)
    assert found == HOMES


@pytest.mark.parametrize("name", sorted(modules()))
def test_layers_import_one_way(name: str) -> None:
    used = imports(modules()[name])[1] - {"__init__"}
    assert used <= MAY_USE[layer(name)], f"generator.{name} reaches {used - MAY_USE[layer(name)]}"


def test_the_tree_shows_the_layers() -> None:
    loose = [p.name for p in GENERATOR.glob("*.py")]
    assert len(loose) <= 10, loose
    assert {p.name for p in GENERATOR.iterdir() if (p / "__init__.py").is_file()} == {
        "notes", "signals", "search", "site", "plugin", "cli",
    }  # fmt: skip


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_is_over_400_lines(name: str) -> None:
    lines = modules()[name].read_text(encoding="utf-8").count("\n")
    assert lines <= 400, f"generator.{name} has {lines} lines: split it"
