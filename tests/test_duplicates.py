"""Near-duplicate warnings, related insights and backlinks."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli.commands import main
from generator.config import Settings
from generator.model import Note
from generator.notes.project import load_project_wiki, open_project
from generator.plugin.options import settings_from_options
from generator.signals.links import backlinks, related_for, related_map
from generator.signals.similar import SimilarNotes, duplicate_problems, terms
from generator.words import content_stem
from tests.conftest import FIXTURES

PAIR = (
    "insights/billing/2026-09-14-usage-pricing-needs-a-monthly-cap.md",
    "insights/billing/2026-09-29-usage-pricing-blocked-without-spend-cap.md",
)
THRESHOLD = Settings().duplicate_threshold


def wiki_notes(root: Path) -> tuple[Note, ...]:
    project = open_project(root / "mkdocs.yml", settings_from_options)
    return load_project_wiki(project, dt.date(2026, 11, 20)).notes


@pytest.fixture(scope="module")
def fixture_notes() -> tuple[Note, ...]:
    return wiki_notes(FIXTURES / "search")


@pytest.fixture(scope="module")
def sample_notes() -> tuple[Note, ...]:
    return wiki_notes(Path(__file__).parent.parent)


def note(note_id: str, body: str, **fields: object) -> Note:
    values: dict[str, object] = {
        "date": dt.date(2026, 6, 1),
        "area": "billing",
        "source": "interview",
        "path": f"insights/billing/{note_id}.md",
        "title": note_id.replace("-", " "),
    }
    values.update(fields)
    return Note(id=note_id, body=body, **values)  # type: ignore[arg-type]


def test_terms_are_a_notes_text_not_its_html() -> None:
    body = (
        "<details><summary>Invoices</summary> <b>monthly</b> <!-- draft secret --></details>"
        "\n\nA <br><sup>2</sup> `<kbd>` code"
    )
    counts = terms(note("a", body))
    assert {"invoic", "monthly", "kbd", "code"} <= set(counts)
    assert not {"details", "summary", "draft", "secret", "br", "sup"} & set(counts)


@pytest.mark.parametrize(
    ("words", "expected"),
    [(("invoices", "invoiced", "invoice", "invoicing"), "invoic"),
     (("companies", "company"), "company"), (("onboarding", "onboard"), "onboard"),
     (("pricing", "priced", "price"), "pric"), (("status",), "status"), (("access",), "access"),
     (("the", "2026", "x"), ""), (("sso",), "sso")],
)  # fmt: skip
def test_content_stem(words: tuple[str, ...], expected: str) -> None:
    """Similarity reads words as site search does (generator/words.py), without stopwords."""
    assert {content_stem(word) for word in words} == {expected}


def test_the_deliberate_pair_is_a_near_duplicate(fixture_notes: tuple[Note, ...]) -> None:
    pairs = SimilarNotes(fixture_notes).near_duplicates(THRESHOLD)
    assert [(p.first, p.second) for p in pairs] == [PAIR]
    assert THRESHOLD <= pairs[0].similarity <= 1


def test_no_two_sample_notes_are_near_duplicates(sample_notes: tuple[Note, ...]) -> None:
    assert len(sample_notes) >= 80
    assert SimilarNotes(sample_notes).near_duplicates(THRESHOLD) == []


def test_the_pair_stands_out_among_the_sample_notes(sample_notes: tuple[Note, ...]) -> None:
    pair = [n for n in wiki_notes(FIXTURES / "search") if n.path in PAIR]
    similar = SimilarNotes([*sample_notes, *pair])
    assert [(p.first, p.second) for p in similar.near_duplicates(THRESHOLD)] == [PAIR]


def test_similarity_is_between_0_and_1() -> None:
    twin = "Finance wants a monthly cap on usage pricing before signing anything."
    notes = [note("a", twin, title="Caps"), note("b", twin, title="Caps"), note("c", "Trials.")]
    similar = SimilarNotes(notes)
    assert similar.similarity(0, 1) == pytest.approx(1.0)
    assert 0 <= similar.similarity(0, 2) < 0.2


def test_check_warns_on_both_notes_naming_the_other(tmp_path: Path) -> None:
    root = tmp_path / "search"
    shutil.copytree(FIXTURES / "search", root)
    result = CliRunner().invoke(main, ["check", "--config", str(root / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{PAIR[0]}:2:8: warning near-duplicate: very similar to {PAIR[1]}")
    assert "(similarity 0.75); link it with related: [2026-09-29-usage-pricing-blocked-without-s" \
        "pend-cap] or merge the two" in lines[0]  # fmt: skip
    assert lines[1].startswith(f"{PAIR[1]}:2:8: warning near-duplicate: very similar to {PAIR[0]}")
    assert lines[2] == "Checked 8 notes: 0 errors, 2 warnings."


def test_check_of_some_paths_warns_only_on_those(tmp_path: Path) -> None:
    root = tmp_path / "search"
    shutil.copytree(FIXTURES / "search", root)
    config = ["--config", str(root / "mkdocs.yml"), "--format", "json"]
    one = CliRunner().invoke(main, ["check", str(root / PAIR[1]), *config])
    assert [p["path"] for p in json.loads(one.stdout)["problems"]] == [PAIR[1]]
    other = CliRunner().invoke(main, ["check", str(root / "insights" / "onboarding"), *config])
    assert json.loads(other.stdout)["problems"] == []


def test_notes_linked_by_related_do_not_warn(fixture_notes: tuple[Note, ...]) -> None:
    import dataclasses

    linked = [
        dataclasses.replace(n, related=("2026-09-14-usage-pricing-needs-a-monthly-cap",))
        if n.path == PAIR[1] else n
        for n in fixture_notes
    ]  # fmt: skip
    assert duplicate_problems(fixture_notes, THRESHOLD) != []
    assert duplicate_problems(linked, THRESHOLD) == []


def test_related_notes_are_the_most_similar_and_never_the_note(
    fixture_notes: tuple[Note, ...],
) -> None:
    similar = SimilarNotes(fixture_notes)
    first, second = (Path(p).stem for p in PAIR)
    assert similar.related(first, 1) == [second]
    for n in fixture_notes:
        found = similar.related(n.id, 5)
        assert n.id not in found
        assert len(found) == len(set(found)) <= 5
    assert similar.related("no-such-note") == []


def test_related_for_puts_explicit_links_first() -> None:
    class Fixed:
        def related(self, note_id: str, limit: int = 5) -> list[str]:
            return ["x", "me", "b", "y", "z", "w"][:limit]

    me = note("me", "body", related=("b", "a", "b", "me"))
    assert related_for(me, Fixed(), limit=4) == ["b", "a", "x", "y"]
    assert related_for(me, None) == ["b", "a"]
    many = note("me", "body", related=("a", "b", "c", "d", "e", "f"))
    assert related_for(many, Fixed(), limit=5) == ["a", "b", "c", "d", "e", "f"]


def test_backlinks_list_the_notes_that_name_a_note() -> None:
    notes = [
        note("old", "", related=("target",), date=dt.date(2026, 1, 1)),
        note("new", "", related=("target", "old", "target"), date=dt.date(2026, 5, 1)),
        note("target", "", related=("target",)),
    ]
    assert backlinks(notes) == {"old": ("new",), "target": ("new", "old")}


def test_related_map_gives_every_note_its_list(fixture_notes: tuple[Note, ...]) -> None:
    found = related_map(fixture_notes)
    assert set(found) == {n.id for n in fixture_notes}
    timezone = "2026-08-03-scheduled-reports-wrong-timezone"
    assert found[timezone][0] == "2026-06-28-sso-setup-hidden"  # its explicit related: link
    first, second = (Path(p).stem for p in PAIR)
    assert found[first][0] == second
