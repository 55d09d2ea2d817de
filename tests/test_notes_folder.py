"""What in the notes folder is read, published or refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from generator.cli.commands import main
from tests.conftest import FIXTURES, WikiFactory, note_text


def _check(root: Path) -> tuple[int, dict]:
    result = CliRunner().invoke(
        main, ["check", "--format", "json", "--config", str(root / "mkdocs.yml")]
    )
    return result.exit_code, json.loads(result.output) if result.output.startswith("{") else {}


def test_markdown_under_another_extension_is_an_error_not_a_silent_skip(
    make_wiki: WikiFactory,
) -> None:
    root = make_wiki({"billing/a.md": note_text(), "billing/b.markdown": note_text(), "c.MD": "x"})
    code, report = _check(root)
    assert code == 1
    found = {(p["path"], p["code"]) for p in report["problems"]}
    assert found == {
        ("insights/billing/b.markdown", "not-a-note"),
        ("insights/c.MD", "not-a-note"),
    }
    assert report["checked"] == 3


def test_a_missing_notes_folder_is_a_config_error(make_wiki: WikiFactory) -> None:
    root = make_wiki()
    shutil.rmtree(root / "insights" / "billing", ignore_errors=True)
    mkdocs = (
        (root / "mkdocs.yml")
        .read_text()
        .replace("  - insights\n", "  - insights:\n      notes_dir: notes\n")
    )
    (root / "mkdocs.yml").write_text(mkdocs)
    result = CliRunner().invoke(main, ["check", "--config", str(root / "mkdocs.yml")])
    assert result.exit_code == 2
    assert "the notes folder 'notes' does not exist" in result.output


def test_only_images_and_documents_are_published_from_the_notes_folder(tmp_path: Path) -> None:
    root = tmp_path / "small"
    shutil.copytree(FIXTURES / "small", root)
    extras = {
        "billing/chart.png": b"\x89PNG\r\n\x1a\n",
        "billing/evil.html": b"<script>alert(1)</script>",
        "billing/evil.svg": b"<svg onload=alert(1)></svg>",
        "billing/notes.txt": b"scratch",
    }
    for rel, data in extras.items():
        (root / "insights" / rel).write_bytes(data)
    result = CliRunner().invoke(main, ["build", "--config", str(root / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    site = root / "site" / "billing"
    assert (site / "chart.png").is_file()
    assert not any((site / name).exists() for name in ("evil.html", "evil.svg", "notes.txt"))
    assert not (root / "site" / "areas.yml").exists()
