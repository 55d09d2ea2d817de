"""The search index: filters, ranking, incremental updates, interruptions and two writers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from generator.model import Note, SearchFilters
from generator.search import index
from generator.search.index import IndexBusy, open_existing, open_index
from generator.search.searcher import InsightIndex, QueryError

ROOT = Path(__file__).parent.parent


def make_note(note_id: str, title: str, body: str = "", **fields: object) -> Note:
    """A note as the parser would give it, without a file."""
    values: dict[str, object] = {
        "date": dt.date(2026, 6, 1),
        "area": "billing",
        "source": "interview",
        "path": f"insights/{fields.get('area', 'billing')}/{note_id}.md",
    }
    values.update(fields)
    return Note(id=note_id, title=title, body=body or f"What we heard about {title}.", **values)  # type: ignore[arg-type]


NOTES = (
    make_note("sso-hidden", "Admins cannot find SSO setup", "Four of five looked under Account.",
              area="onboarding", tags=("sso", "admin-setup"), customers=("northwind",),
              team="growth", source="usability-test", date=dt.date(2026, 6, 28)),
    make_note("trial-short", "Trials are too short for a security review",
              "Tailspin needed three weeks; the trial ended first.", area="onboarding",
              tags=("trial",), customers=("tailspin",), team="growth", date=dt.date(2025, 12, 15)),
    make_note("seat-true-up", "Seat true-up invoices confuse finance",
              "Contoso could not trace the charge to people.", tags=("invoices", "seats"),
              customers=("contoso", "northwind"), team="payments", source="support-ticket",
              date=dt.date(2026, 5, 2)),
    make_note("cost-centres", "Invoices lack cost centres",
              "Contoso splits each invoice by hand. SSO is not involved.", tags=("invoices",),
              customers=("contoso",), team="payments", date=dt.date(2026, 6, 20)),
    make_note("sso-timezone", "Scheduled reports use the wrong timezone",
              "The admin set up SSO, SSO groups and SSO roles from London, so SSO decided the "
              "timezone for everyone.", area="reporting", tags=("timezones",),
              customers=("wingtip",), team="data", date=dt.date(2026, 8, 3)),
)  # fmt: skip


def ids(result: object) -> list[str]:
    return [hit.id for hit in result.hits]  # type: ignore[attr-defined]


@pytest.fixture
def ix(tmp_path: Path) -> Iterator[InsightIndex]:
    with open_index(tmp_path / "ix", NOTES) as opened:
        yield opened


@pytest.mark.parametrize(
    ("query", "filters", "expected"),
    [
        ("invoices", SearchFilters(), {"seat-true-up", "cost-centres"}),
        ("*", SearchFilters(areas=("onboarding",)), {"sso-hidden", "trial-short"}),
        ("*", SearchFilters(areas=("onboarding", "reporting")),
         {"sso-hidden", "trial-short", "sso-timezone"}),
        ("*", SearchFilters(tags=("invoices",), customers=("northwind",)), {"seat-true-up"}),
        ("*", SearchFilters(sources=("usability-test",)), {"sso-hidden"}),
        ("*", SearchFilters(teams=("Payments",)), {"seat-true-up", "cost-centres"}),
        ("sso", SearchFilters(areas=("billing",)), {"cost-centres"}),
        ("area:billing", SearchFilters(), {"seat-true-up", "cost-centres"}),
        ("tag:sso", SearchFilters(), {"sso-hidden"}),
        ("customer:contoso AND NOT tag:seats", SearchFilters(), {"cost-centres"}),
        ("team:growth trial", SearchFilters(), {"trial-short"}),
        ('"trace the charge"', SearchFilters(), {"seat-true-up"}),
        ("invoice OR timezone", SearchFilters(), {"seat-true-up", "cost-centres", "sso-timezone"}),
        ("invoices NOT contoso", SearchFilters(), set()),
    ],
)  # fmt: skip
def test_queries_and_filters(
    ix: InsightIndex, query: str, filters: SearchFilters, expected: set
) -> None:
    result = ix.search(query, filters, limit=10)
    assert set(ids(result)) == expected
    assert result.total == len(expected)


@pytest.mark.parametrize(
    ("query", "since", "until", "expected"),
    [
        ("*", dt.date(2026, 6, 20), None, {"sso-hidden", "cost-centres", "sso-timezone"}),
        ("*", dt.date(2026, 6, 21), None, {"sso-hidden", "sso-timezone"}),
        ("*", None, dt.date(2026, 5, 2), {"trial-short", "seat-true-up"}),
        ("*", None, dt.date(2026, 5, 1), {"trial-short"}),
        ("*", dt.date(2026, 6, 20), dt.date(2026, 6, 28), {"cost-centres", "sso-hidden"}),
        ("date:[2026-06-20 to]", None, None, {"sso-hidden", "cost-centres", "sso-timezone"}),
        ("date:[to 2026-05-02]", None, None, {"trial-short", "seat-true-up"}),
        ("date:2026-06", None, None, {"sso-hidden", "cost-centres"}),
    ],
)
def test_date_ranges_include_both_edges(
    ix: InsightIndex, query: str, since: dt.date | None, until: dt.date | None, expected: set
) -> None:
    result = ix.search(query, SearchFilters(since=since, until=until), limit=10)
    assert set(ids(result)) == expected


def test_a_title_match_ranks_above_body_matches(ix: InsightIndex) -> None:
    result = ix.search("sso", limit=10)
    assert ids(result)[0] == "sso-hidden"  # "SSO" once in its title, never in its body
    assert "sso-timezone" in ids(result)  # "SSO" four times in its body
    assert result.hits[0].score > result.hits[1].score


def test_hits_carry_metadata_and_a_highlighted_snippet(ix: InsightIndex) -> None:
    hit = ix.search("charge", limit=1).hits[0]
    assert (hit.id, hit.area, hit.date) == ("seat-true-up", "billing", dt.date(2026, 5, 2))
    assert hit.path == "insights/billing/seat-true-up.md"
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["charge"]


def test_limit_and_total(ix: InsightIndex) -> None:
    result = ix.search("*", limit=2)
    assert len(result.hits) == 2
    assert result.total == len(NOTES)
    assert ids(result) == ["sso-timezone", "sso-hidden"]  # equal scores: newest first


def test_nothing_found_suggests_a_spelling(ix: InsightIndex) -> None:
    result = ix.search("invoces", limit=10)
    assert result.hits == ()
    assert result.suggestions == ("invoice",)  # as most often written in the first such note


def test_known_words_get_no_suggestion(ix: InsightIndex) -> None:
    assert ix.search("invoices AND timezone", limit=10).suggestions == ()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("are:billing", "unknown field 'are:' (did you mean 'area:'?)"),
        ("date:[soon to]", "'soon' is not a date; write dates as date:2026-06-01"),
        ("date:2026-13", "month must be in 1..12; write dates as"),
        ("date:>2026-01-01", "write dates as date:2026-06-01"),
        ("path:x", "unknown field 'path:'"),
    ],
)
def test_bad_queries_raise_query_error(ix: InsightIndex, query: str, message: str) -> None:
    with pytest.raises(QueryError) as raised:
        ix.search(query)
    assert message in str(raised.value)


def test_colons_inside_quotes_are_text(ix: InsightIndex) -> None:
    assert ix.search('"note: sso"').hits == ()


# --- Incremental updates ------------------------------------------------------------------

QUERIES = ("invoices", "sso", "*", "contoso", "tag:invoices", "timezone OR trial", "area:billing")


def answers(folder: Path, notes: Sequence[Note]) -> dict[str, list[tuple[str, float, str]]]:
    """Every test query's hits (id, score, snippet), after bringing the index up to date."""
    with open_index(folder, notes) as opened:
        return {
            q: [(h.id, round(h.score, 9), h.snippet) for h in opened.search(q, limit=10).hits]
            for q in QUERIES
        }


def edited(notes: Sequence[Note]) -> list[Note]:
    """Add, edit, delete and rename notes."""
    notes = list(notes)
    notes[2] = dataclasses.replace(notes[2], body="Now the body talks about the invoice run.")
    renamed = dataclasses.replace(
        notes[3], id="cost-centres-2", path="insights/b/cost-centres-2.md"
    )
    added = make_note("new-one", "A new invoices insight", tags=("invoices",))
    return [notes[0], notes[2], renamed, notes[4], added]  # trial-short removed


def test_incremental_updates_answer_like_a_rebuild(tmp_path: Path) -> None:
    answers(tmp_path / "inc", NOTES)
    changed = edited(NOTES)
    assert answers(tmp_path / "inc", changed) == answers(tmp_path / "fresh", changed)
    with open_existing(tmp_path / "inc") as opened:  # type: ignore[union-attr]
        assert opened.manifest() == {n.id: index.note_hash(n) for n in changed}


def test_an_unchanged_index_is_not_rewritten(tmp_path: Path) -> None:
    open_index(tmp_path / "ix", NOTES, {"run": 1}).close()
    before = sorted(p.name for p in (tmp_path / "ix").iterdir())
    with open_index(tmp_path / "ix", NOTES, {"run": 2}) as opened:
        assert opened.stamp == {"run": 2}
    assert sorted(p.name for p in (tmp_path / "ix").iterdir()) == before


def test_the_stamp_belongs_to_one_generation(tmp_path: Path) -> None:
    open_index(tmp_path / "ix", NOTES, {"inputs": "a"}).close()
    with open_existing(tmp_path / "ix") as opened:  # type: ignore[union-attr]
        assert opened.stamp == {"inputs": "a"}
    state = tmp_path / "ix" / index.STATE_FILE
    state.write_text(state.read_text().replace('"generation": ', '"generation": 9'))
    with open_existing(tmp_path / "ix") as opened:  # type: ignore[union-attr]
        assert opened.stamp == {}


# Whoosh leaves a file open when it fails to read a damaged file; only that is ignored here.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("damaged", ["*.toc", "*.seg"])
def test_a_damaged_index_is_rebuilt(tmp_path: Path, damaged: str) -> None:
    folder = tmp_path / "ix"
    before = answers(folder, NOTES)
    for path in folder.glob(damaged):
        path.write_bytes(path.read_bytes()[:40])
    assert open_existing(folder) is None
    assert answers(folder, NOTES) == before
    gc.collect()  # so the leaked file is reported (and ignored) in this test, not a later one


def test_no_index_yet(tmp_path: Path) -> None:
    assert open_existing(tmp_path / "missing") is None


def test_a_new_schema_version_rebuilds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_index(tmp_path / "ix", NOTES).close()
    old = index.INDEX_NAME
    monkeypatch.setattr(index, "INDEX_NAME", "insights_v99")
    monkeypatch.setattr(index, "STATE_FILE", "insights_v99.state.json")
    assert open_existing(tmp_path / "ix") is None
    with open_index(tmp_path / "ix", NOTES[:2]) as opened:
        assert set(opened.manifest()) == {"sso-hidden", "trial-short"}
    assert not [p for p in (tmp_path / "ix").iterdir() if old in p.name]


# --- Two processes ------------------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {root!r})
    import whoosh.index
    from generator.search import index
    from tests.test_index import many_notes
    folder, count = Path(sys.argv[1]), int(sys.argv[2])
    pause, stage = float(sys.argv[3]), sys.argv[4]

    def pause_in(owner, name, after=1):
        original = getattr(owner, name)
        calls = []

        def paused(*args, **kwargs):
            calls.append(1)
            if len(calls) == after:
                print(stage, flush=True)
                time.sleep(pause)
            return original(*args, **kwargs)

        setattr(owner, name, paused)

    if stage == "adding":  # documents are being added, nothing is on disk yet
        pause_in(index, "document", after=50)
    elif stage == "committing":  # the new segment is written, its table of contents is not
        pause_in(whoosh.index.TOC, "write")
    elif stage == "recording":  # the update is committed, the stamp is not yet recorded
        pause_in(index, "_write_state")
    index.open_index(folder, many_notes(count), {{"by": "child"}}).close()
    print("done", flush=True)
    """
)


def many_notes(count: int) -> list[Note]:
    """`count` distinct notes, deterministic."""
    return [
        make_note(f"n{i:05d}", f"Finding {i} about {'invoices' if i % 2 else 'onboarding'}",
                  f"Customer {i % 17} said word{i} and word{i % 101} twice: word{i}.",
                  date=dt.date(2025, 1, 1) + dt.timedelta(days=i % 600))
        for i in range(count)
    ]  # fmt: skip


def child(
    folder: Path, count: int, pause: float = 0.0, stage: str = "adding"
) -> subprocess.Popen[str]:
    """A process updating the index to `many_notes(count)`; it names `stage` on reaching it."""
    script = CHILD.format(root=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-c", script, str(folder), str(count), str(pause), stage],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )


@pytest.mark.parametrize("stage", ["adding", "committing", "recording"])
def test_an_update_killed_mid_write_leaves_correct_answers(tmp_path: Path, stage: str) -> None:
    folder = tmp_path / "ix"
    before = answers(folder, NOTES)
    open_index(folder, NOTES, {"by": "parent"}).close()
    with child(folder, 400, pause=30, stage=stage) as proc:
        assert proc.stdout is not None and proc.stdout.readline() == f"{stage}\n"
        os.kill(proc.pid, signal.SIGKILL)
    with open_existing(folder) as opened:
        assert opened is not None
        if stage == "recording":  # committed, but the stamp was recorded for the generation before
            assert set(opened.manifest()) == {n.id for n in many_notes(400)}
            assert opened.stamp == {}
        else:  # the previous index, intact
            assert set(opened.manifest()) == {n.id for n in NOTES}
            assert opened.stamp == {"by": "parent"}
    assert answers(folder, NOTES) == before
    changed = many_notes(60)
    assert answers(folder, changed) == answers(tmp_path / "fresh", changed)
    assert len(list(folder.glob("*.seg"))) == 1  # the killed writer's files are cleaned up


def test_a_second_writer_waits_or_fails_clearly(tmp_path: Path) -> None:
    folder = tmp_path / "ix"
    open_index(folder, NOTES).close()
    with child(folder, 120, pause=3.0) as proc:  # holds the write lock for 3 s
        assert proc.stdout is not None and proc.stdout.readline() == "adding\n"
        with pytest.raises(IndexBusy, match="being updated by another 'insights' process; waited"):
            open_index(folder, NOTES[:1], timeout=0.2)
        with open_index(folder, many_notes(120), timeout=30) as opened:  # waits for the child
            assert proc.wait(timeout=30) == 0
            assert set(opened.manifest()) == {n.id for n in many_notes(120)}
    assert answers(folder, many_notes(120)) == answers(tmp_path / "fresh", many_notes(120))


def test_two_processes_creating_one_index(tmp_path: Path) -> None:
    folder = tmp_path / "ix"
    with child(folder, 80) as first, child(folder, 80) as second:
        assert (first.wait(timeout=60), second.wait(timeout=60)) == (0, 0)
    assert answers(folder, many_notes(80)) == answers(tmp_path / "fresh", many_notes(80))
