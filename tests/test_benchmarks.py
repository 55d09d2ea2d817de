"""The benchmark suite itself (not timed): a deterministic generator and a runner that reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from benchmarks import baseline, run, synth

INSIGHTS = Path(sys.executable).parent / "insights"


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root, by relative path, with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_the_same_seed_writes_the_same_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    synth.write_wiki(tmp_path / "one", 40, seed=7)
    synth.write_wiki(tmp_path / "two", 40, seed=7)
    synth.write_wiki(tmp_path / "other", 40, seed=8)
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    assert tree(tmp_path / "one") != tree(tmp_path / "other")
    assert synth.queries(50) == synth.queries(50)


def test_synthetic_notes_pass_insights_check(tmp_path: Path) -> None:
    paths = synth.write_wiki(tmp_path, 60)
    done = subprocess.run(
        [INSIGHTS, "check", "--as-of", synth.AS_OF.isoformat()],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == f"Checked {len(paths)} notes: 0 errors, 0 warnings.\n"


def test_a_baseline_page_is_the_note_without_its_front_matter() -> None:
    text = "---\ntitle: Refund credit\ndate: 2026-01-02\n---\n## What we heard\n\nWords.\n"
    assert baseline.plain_page(text) == "# Refund credit\n\n## What we heard\n\nWords.\n"


def test_the_baseline_navigation_holds_sections_only(tmp_path: Path) -> None:
    notes = synth.write_wiki(tmp_path / "wiki", 20)
    pages = baseline.write_site(tmp_path / "base", notes, tmp_path / "wiki" / "insights")
    config = yaml.safe_load((tmp_path / "base" / "mkdocs.yml").read_text(encoding="utf-8"))
    assert pages == 1 + len(synth.AREAS) + 20
    targets = [next(iter(entry.values())) for entry in config["nav"]]
    assert targets == ["index.md", *(f"{area}/index.md" for area in synth.AREAS)]
    assert config["theme"] == {"name": "material"} and "plugins" not in config  # the defaults


@pytest.mark.slow
def test_the_runner_measures_a_tiny_wiki_and_reports_every_figure(tmp_path: Path) -> None:
    results = run.run(30, tmp_path / "work", queries=3, browser=False)
    keys = {f["key"] for f in results["figures"]}
    assert {"pipeline_s", "findings_s", "reindex_s", "check_s", "search_p50_ms"} <= keys
    assert "search_p95_ms" in keys
    assert {"build_30_s", "baseline_30_s", "build_ratio_30", "page_kb_max_30"} <= keys
    assert {"build_peak_gb_30", "warm_build_30_s", "warm_ratio_30", "serve_edit_30_s"} <= keys
    assert all(f["value"] > 0 for f in results["figures"])
    runs = results["details"]["builds"]["30"]
    assert len(runs["ours_s"]) == len(runs["baseline_s"]) == run.BUILDS
    by_key = {f["key"]: f["value"] for f in results["figures"]}
    assert by_key["build_30_s"] == pytest.approx(min(runs["ours_s"]), abs=0.01)  # the fastest
    assert results["machine"]["cores"] >= 1 and results["size"] == 30
    run.write_results(results, tmp_path / "results.json")
    assert json.loads((tmp_path / "results.json").read_text(encoding="utf-8")) == results
    printed = run.table(results)
    assert printed.startswith("30 notes · ")
    assert all(f["label"] in printed for f in results["figures"])
    assert "Site search in headless Chromium: skipped." in printed


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        (4.0, 5.0, "PASS, 20% under"),
        (6.0, 5.0, "MISS, 20% over"),
        (300, 50, "MISS, 6.0x the target"),
    ],
)
def test_a_verdict_says_how_far_from_the_target(value: float, target: float, expected: str) -> None:
    figure = run.Figure("k", "label", value, "s", target)
    assert run.verdict(run._figure_json(figure)) == expected
    assert run.verdict(run._figure_json(run.Figure("k", "label", value, "s"))) == ""
