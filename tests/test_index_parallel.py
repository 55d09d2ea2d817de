"""A large new index is written by two processes; it must answer exactly like one process."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.notes.project import load_project_wiki, open_project
from generator.plugin.options import settings_from_options
from generator.search import index
from tests.conftest import FIXTURES

QUERIES = ["sso", "invoice OR invoices", "area:billing", "export NOT pdf", '"audit log"', "*"]


def _answers(folder: Path, notes: list, monkeypatch: pytest.MonkeyPatch, parallel: bool) -> list:
    monkeypatch.setattr(index, "PARALLEL_FROM", 1 if parallel else 10**9)
    with index.open_index(folder, notes) as ix:
        return [[(h.id, round(h.score, 6)) for h in ix.search(q, None, 50).hits] for q in QUERIES]


def test_two_process_index_answers_like_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = open_project(FIXTURES / "search" / "mkdocs.yml", settings_from_options)
    notes = list(load_project_wiki(project, dt.date(2026, 11, 20)).notes)
    assert len(notes) >= 5
    single = _answers(tmp_path / "one", notes, monkeypatch, parallel=False)
    parallel = _answers(tmp_path / "two", notes, monkeypatch, parallel=True)
    assert parallel == single
    assert any(single)
