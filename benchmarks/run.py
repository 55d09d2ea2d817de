"""Benchmarks: how fast a wiki of BENCH_SIZE notes checks, indexes, searches and builds.

    BENCH_SIZE=10000 python -m benchmarks.run        (`make bench` runs 1,000 notes)

Writes synthetic wikis (benchmarks/synth.py) into benchmarks/work/ and measures, one thing at
a time so the two cores are not shared: the core pipeline in-process (load, index, re-index,
summarise); `insights check` and `insights search` as subprocesses, so start-up counts; a full
`insights build` next to a bare mkdocs-material build of the same pages (benchmarks/baseline.py)
at 1,000 notes and at BENCH_SIZE; the bytes of each insight page; and site search in headless
Chromium (benchmarks/sitesearch.py). Prints a table against the targets of issue 7 and writes
benchmarks/results.json. Every run pins the day (--as-of, SOURCE_DATE_EPOCH) to synth.AS_OF.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from benchmarks import baseline, incremental, synth

HERE = Path(__file__).parent
WORK = HERE / "work"
RESULTS = HERE / "results.json"
BIN = Path(sys.executable).parent  # the venv's `insights` and `mkdocs`
SMALL = 1000  # the size the build's scaling is measured from
# The build's target (1.3x the baseline) is set at 10,000 notes. At 1,000 a wiki has 2.5
# times the baseline's pages (a page per customer, from a pool of 2,000), and start-up
# weighs more, so the ratio is reported there without a target.
FULL = 10_000
LARGE = 50_000  # from here a run skips the baseline and the in-process pipeline
LARGE_QUERIES = 40
QUERIES = 200
SITE_QUERIES = 5
# Builds of each side, taken in turn (ours, the baseline's, ours, ...); the fastest of each
# is reported. A build's time on a shared machine moves by seconds between identical runs
# (system time most), and the fastest is the one least disturbed.
BUILDS = int(os.environ.get("BENCH_BUILDS", "2"))
PACKAGES = ("mkdocs", "mkdocs-material", "Whoosh-Reloaded", "PyYAML")
T = TypeVar("T")


@dataclass(frozen=True)
class Figure:
    """One measured figure, and the target it must not exceed (if it has one)."""

    key: str
    label: str
    value: float
    unit: str
    target: float | None = None

    @property
    def passed(self) -> bool | None:
        """Whether the figure is within its target; None when it has none."""
        return None if self.target is None else self.value <= self.target

    @property
    def margin(self) -> float | None:
        """How far below the target, as a share of it (negative: how far above)."""
        return None if self.target is None else (self.target - self.value) / self.target


# --- Measuring --------------------------------------------------------------------------


def timed(action: Callable[[], T]) -> tuple[T, float]:
    """Run `action` once; return its result and the wall time in seconds."""
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def run_tool(args: Sequence[str | Path], cwd: Path, env: dict[str, str] | None = None) -> float:
    """Run one of the venv's commands to completion; its wall time in seconds (fails loudly)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(_epoch()), **(env or {})}
    start = time.perf_counter()
    done = subprocess.run(
        [str(BIN / str(args[0])), *map(str, args[1:])], cwd=cwd, env=env, capture_output=True
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace")[-2000:]
        raise RuntimeError(f"{' '.join(map(str, args))} exited {done.returncode}:\n{tail}")
    return seconds


def _epoch() -> int:
    return int(dt.datetime.combine(synth.AS_OF, dt.time(), dt.UTC).timestamp())


def core_pipeline(wiki: Path, work: Path) -> list[Figure]:
    """Load (parse and validate), index from scratch, re-index one edited note, summarise."""
    from generator.notes.project import load_project_wiki, open_project
    from generator.plugin.options import settings_from_options
    from generator.search.index import open_index
    from generator.search.query import indexable
    from generator.signals.summary import summarize

    project = open_project(wiki / "mkdocs.yml", settings_from_options)
    loaded, load_s = timed(lambda: load_project_wiki(project, synth.AS_OF))
    if loaded.problems:
        raise RuntimeError(f"the synthetic wiki has problems: {loaded.problems[0].format()}")
    notes = indexable(loaded)
    folder = work / "index"
    shutil.rmtree(folder, ignore_errors=True)
    _, index_s = timed(lambda: open_index(folder, notes).close())
    edited = [dataclasses.replace(notes[0], body=notes[0].body + "\nOne more sentence.\n")]
    _, reindex_s = timed(lambda: open_index(folder, edited + list(notes[1:])).close())
    settings = project.settings
    _, summary_s = timed(lambda: summarize(loaded.notes, loaded.areas, synth.AS_OF, settings))
    _, findings_s = timed(lambda: _findings(loaded.notes, loaded.areas, settings))
    return [
        Figure("load_s", "parse and validate (load the wiki)", load_s, "s"),
        Figure("index_s", "Whoosh index, from scratch", index_s, "s"),
        Figure("summary_s", "summaries (findings included)", summary_s, "s"),
        Figure("findings_s", "findings, company and every area", findings_s, "s", 2.0),
        Figure(
            "pipeline_s",
            "core pipeline (load + index + summaries)",
            load_s + index_s + summary_s,
            "s",
            10.0,
        ),
        Figure("reindex_s", "re-index after one edited note", reindex_s, "s", 1.0),
    ]


def _findings(notes: Sequence[Any], areas: Sequence[Any], settings: Any) -> None:
    """The findings alone, as summaries make them: the company's, then each area's."""
    from generator.signals.findings import Finder
    from generator.signals.summary import Windows

    span = Windows(synth.AS_OF, settings.window_days)
    finder = Finder(span.current(notes), span.previous(notes), settings.finding_similarity)
    finder.company()
    for area in areas:
        finder.area(area.slug)


def check_time(wiki: Path) -> Figure:
    """`insights check` of the whole wiki."""
    seconds = run_tool(["insights", "check", "--as-of", synth.AS_OF.isoformat()], wiki)
    return Figure("check_s", "insights check", seconds, "s", 5.0)


def search_args(count: int) -> list[list[str]]:
    """`insights search` arguments: synth's queries; one in five with --area, one with --since."""
    args = []
    for number, query in enumerate(synth.queries(count)):
        extra = {1: ["--area", synth.AREAS[number % len(synth.AREAS)]], 3: ["--since", "180d"]}
        args.append(["insights", "search", query, *extra.get(number % 5, [])])
    return args


def search_times(wiki: Path, count: int) -> list[Figure]:
    """`insights search`: the first (which builds the index), `count` more, and one after an
    edited note (which indexes that note again)."""
    as_of = ["--as-of", synth.AS_OF.isoformat()]
    first = run_tool(["insights", "search", "customers", *as_of], wiki)
    times = [run_tool([*args, *as_of], wiki) * 1000 for args in search_args(count)]
    edited = next((wiki / "insights").rglob("*.md"))
    original = edited.read_bytes()
    edited.write_bytes(original + b"\nOne more sentence.\n")
    try:
        after_edit = run_tool(["insights", "search", "customers", *as_of], wiki)
    finally:
        edited.write_bytes(original)
    of = f"{count} queries"
    return [
        Figure("search_first_s", "insights search, first (builds the index)", first, "s"),
        Figure("search_p50_ms", f"insights search p50 ({of})", _percentile(times, 50), "ms", 250.0),
        Figure("search_p95_ms", f"insights search p95 ({of})", _percentile(times, 95), "ms"),
        Figure("search_after_edit_s", "insights search after one edited note", after_edit, "s"),
    ]


def _percentile(values: Sequence[float], percent: int) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


@dataclass(frozen=True)
class Build:
    """Our build and the baseline's at one size."""

    notes: int
    ours_runs: list[float]
    baseline_runs: list[float]
    site: Path
    baseline_site: Path
    page_bytes: list[int]
    peak_bytes: int = 0  # the most memory our build's processes held at once
    wiki: Path | None = None

    @property
    def ours_s(self) -> float:
        """Our fastest build."""
        return min(self.ours_runs)

    @property
    def baseline_s(self) -> float:
        """The baseline's fastest build (NaN where it was not built)."""
        return min(self.baseline_runs) if self.baseline_runs else float("nan")


def build_both(
    work: Path,
    notes: int,
    wiki: Path | None = None,
    runs: int = BUILDS,
    baseline_too: bool = True,
) -> Build:
    """Write (unless given) the wiki of `notes` notes and its baseline; build each `runs`
    times, in turn (ours cold each time: its build cache is deleted first)."""
    if wiki is None:
        wiki = work / f"wiki-{notes}"
        synth.write_wiki(wiki, notes)
    note_files = sorted((wiki / "insights").rglob("*.md"))
    base = work / f"baseline-{notes}"
    baseline.write_site(base, note_files, wiki / "insights")
    site = work / f"site-{notes}"
    ours, theirs = [], []
    peaks = []
    for run in range(1, runs + 1):
        _log(f"insights build, {notes} notes, cold ({run} of {runs})")
        shutil.rmtree(wiki / ".cache", ignore_errors=True)  # no build cache: a cold build
        seconds, peak = incremental.run_measured(
            ["insights", "build", "--as-of", synth.AS_OF.isoformat(), "--site-dir", site], wiki
        )
        ours.append(seconds)
        peaks.append(peak)
        if baseline_too:
            _log(f"baseline mkdocs build, {notes} pages ({run} of {runs})")
            theirs.append(
                run_tool(["mkdocs", "build", "--quiet", "--site-dir", base / "site"], base)
            )
    pages = [_page_bytes(site, note.relative_to(wiki / "insights")) for note in note_files]
    return Build(notes, ours, theirs, site, base / "site", pages, max(peaks), wiki)


def _page_bytes(site: Path, note: Path) -> int:
    """The size of a note's built page (use_directory_urls: <folder>/<name>/index.html)."""
    return (site / note.with_suffix("") / "index.html").stat().st_size


def build_figures(builds: dict[int, Build], size: int) -> list[Figure]:
    """Times, ratios to the baseline, scaling, and bytes per insight page, at each size."""
    figures = []
    for notes, build in sorted(builds.items()):
        at = f"at {notes:,}"
        best = f" (best of {len(build.ours_runs)})" if len(build.ours_runs) > 1 else ""
        target = 1.3 if notes == size and notes == FULL else None
        figures += [
            Figure(f"build_{notes}_s", f"insights build {at}, cold{best}", build.ours_s, "s"),
            Figure(
                f"build_peak_gb_{notes}",
                f"peak memory of a cold build {at}",
                build.peak_bytes / 1e9,
                "GB",
                8.0 if notes >= LARGE else None,
            ),
            Figure(
                f"site_mb_{notes}", f"our site on disk {at}", _tree_bytes(build.site) / 1e6, "MB"
            ),
        ]
        if build.baseline_runs:
            figures += [
                Figure(
                    f"baseline_{notes}_s",
                    f"baseline mkdocs build {at}{best}",
                    build.baseline_s,
                    "s",
                ),
                Figure(
                    f"build_ratio_{notes}",
                    f"our build / baseline {at}",
                    build.ours_s / build.baseline_s,
                    "x",
                    target,
                ),
                Figure(
                    f"baseline_mb_{notes}",
                    f"baseline site on disk {at}",
                    _tree_bytes(build.baseline_site) / 1e6,
                    "MB",
                ),
            ]
        figures += [
            Figure(
                f"page_kb_mean_{notes}",
                f"insight page, mean {at}",
                statistics.fmean(build.page_bytes) / 1e3,
                "KB",
            ),
            Figure(
                f"page_kb_max_{notes}",
                f"insight page, max {at}",
                max(build.page_bytes) / 1e3,
                "KB",
                60.0 if notes == size else None,
            ),
        ]
    smaller = min(builds)
    if size > smaller:
        scale = builds[size].ours_s / builds[smaller].ours_s
        ratio = size / smaller
        figures.append(
            Figure("build_scaling", f"build time {size:,} / {smaller:,}", scale, "x", 1.1 * ratio)
        )
    return figures


def incremental_figures(build: Build, size: int) -> tuple[list[Figure], dict[str, Any]]:
    """A build after one edited note against the cold one, and `insights serve` from saving a
    note to its page changing."""
    assert build.wiki is not None
    as_of = synth.AS_OF.isoformat()
    _log(f"insights build after one edit, {size} notes (best of {BUILDS}, a note each)")
    warm = min(incremental.warm_build(build.wiki, build.site, as_of, n + 1) for n in range(BUILDS))
    at = f"at {size:,}"
    figures = [
        Figure(f"warm_build_{size}_s", f"build after one edit {at} (best of {BUILDS})", warm, "s"),
        Figure(
            f"warm_ratio_{size}",
            f"build after one edit / cold build {at}",
            warm / build.ours_s,
            "x",
            0.25 if size >= FULL else None,
        ),
    ]
    if size >= LARGE:  # serve builds in one process: an hour's wait here, and no target
        return figures, {"warm_build_s": warm}
    _log(f"insights serve, {size} notes: first build, then two edits")
    first, latencies = incremental.serve_latency(build.wiki, as_of)
    figures += [
        Figure(f"serve_first_{size}_s", f"serve: first page {at}", first, "s"),
        Figure(
            f"serve_edit_{size}_s",
            f"serve: saving a note to its page changing {at} (best of {len(latencies)})",
            min(latencies),
            "s",
            2.0 if size == FULL else None,
        ),
    ]
    return figures, {"warm_build_s": warm, "serve_first_s": first, "serve_edit_s": latencies}


def _tree_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def site_queries(count: int) -> list[str]:
    """Words a person types in the search box: synth's one-word queries of topic words.

    One word, as site search shows only pages holding every word, and two rare ones may meet in
    no page of a small wiki.
    """
    vocab = synth.vocabulary(random.Random(7))
    words = {w for topic in vocab.topics.values() for w in topic}
    return [q for q in synth.queries(20 * count) if q in words][:count]


def site_search(site: Path, count: int) -> tuple[list[Figure], list[dict[str, Any]]]:
    """Cold searches in headless Chromium: the worst of the queries that showed a result."""
    from benchmarks.sitesearch import measure_site_search

    runs: list[dict[str, Any]] = []
    for query in site_queries(count):
        try:
            found = measure_site_search(site, query)
        except Exception as exc:  # no browser, or no result shown: say so, measure the rest
            runs.append({"query": query, "error": f"{type(exc).__name__}: {exc}"[:300]})
            continue
        runs.append({"query": query, **{k: v for k, v in found.items() if "requests" not in k}})
    shown = [r for r in runs if "error" not in r]
    if not shown:
        return [], runs
    of = f"worst of {len(shown)} queries"
    worst_bytes = max(r["bytes_before_first_result"] for r in shown)
    worst_ms = max(r["ms_to_first_result"] for r in shown)
    focused_ms = max(r.get("ms_to_first_result_focused", 0.0) for r in shown)
    return [
        Figure(
            "site_search_mb",
            f"site search: MB before first result ({of})",
            worst_bytes / 1e6,
            "MB",
            1.5,
        ),
        Figure("site_search_ms", f"site search: ms to first result ({of})", worst_ms, "ms", 500.0),
        Figure(
            "site_search_focused_ms", f"site search, box focused first: ms ({of})", focused_ms, "ms"
        ),
    ], runs


# --- The run ----------------------------------------------------------------------------


def run(size: int, work: Path, queries: int = QUERIES, browser: bool = True) -> dict[str, Any]:
    """Measure everything at `size` notes in `work` (emptied first); the results as JSON data."""
    load_before = _load_average()
    shutil.rmtree(work, ignore_errors=True)
    wiki = work / f"wiki-{size}"
    _log(f"writing a synthetic wiki of {size} notes")
    synth.write_wiki(wiki, size)
    large = size >= LARGE  # no baseline, no in-process pipeline: too long, and known
    figures = []
    if not large:
        _log("core pipeline, in-process")
        figures += core_pipeline(wiki, work)
    _log("insights check")
    figures.append(check_time(wiki))
    queries = min(queries, LARGE_QUERIES) if large else queries
    _log(f"insights search, {queries} queries")
    figures += search_times(wiki, queries)
    runs = 1 if large else BUILDS
    builds = {size: build_both(work, size, wiki, runs=runs, baseline_too=not large)}
    smaller = FULL if large else SMALL
    if size > smaller:
        builds[smaller] = build_both(work, smaller, runs=runs, baseline_too=not large)
    figures += build_figures(builds, size)
    more, details = incremental_figures(builds[size], size)
    figures += more
    details["builds"] = {
        str(notes): {"ours_s": build.ours_runs, "baseline_s": build.baseline_runs}
        for notes, build in sorted(builds.items())
    }
    if browser:
        _log("site search in headless Chromium")
        browser_figures, details["site_search"] = site_search(builds[size].site, SITE_QUERIES)
        figures += browser_figures
    else:
        details["site_search"] = "skipped"
    load = {"before": load_before, "after": _load_average()}
    return {
        **about(size),
        "load_average": load,
        "figures": [_figure_json(f) for f in figures],
        "details": details,
    }


def _load_average() -> float | None:
    """The 1-minute load average: above about 1, other processes shared the CPU with the run."""
    try:
        load = round(os.getloadavg()[0], 2)
    except OSError:
        return None
    if load > 1:
        _log(f"load average {load}: other processes are using the CPU; timings will suffer")
    return load


def about(size: int) -> dict[str, Any]:
    """What was measured where: size, date, commit and machine."""
    return {
        "size": size,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "as_of": synth.AS_OF.isoformat(),
        "commit": git_commit(),
        "machine": machine(),
    }


def git_commit() -> dict[str, Any] | None:
    """HEAD, and whether the code it ran (generator/, benchmarks/) differed from it."""
    root = HERE.parent

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        head = git("rev-parse", "HEAD")
        changes = git("status", "--porcelain", "--", "generator", "benchmarks", "pyproject.toml")
    except (OSError, subprocess.CalledProcessError):
        return None
    return {"head": head, "uncommitted_changes": bool(changes)}


def machine() -> dict[str, Any]:
    """CPU model, cores, RAM, Python, OS and the versions of the tools measured."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gb": round(_ram_bytes() / 2**30, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
        "packages": {name: _version(name) for name in PACKAGES},
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_bytes() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (OSError, ValueError, AttributeError):
        return 0


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _figure_json(figure: Figure) -> dict[str, Any]:
    data = dataclasses.asdict(figure)
    data["value"] = round(figure.value, 4)
    data.update(passed=figure.passed, margin=_rounded(figure.margin))
    return data


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


# --- Reporting --------------------------------------------------------------------------


def verdict(figure: dict[str, Any]) -> str:
    """'PASS, 42% under', 'MISS, 35% over' or 'MISS, 5.9x the target'; '' without a target."""
    if figure["target"] is None:
        return ""
    if figure["passed"]:
        return f"PASS, {figure['margin']:.0%} under"
    times = figure["value"] / figure["target"]
    return f"MISS, {times:.1f}x the target" if times >= 2 else f"MISS, {times - 1:.0%} over"


def number(value: float, unit: str) -> str:
    """A value with its unit, to a sensible precision."""
    digits = 0 if unit == "ms" or value >= 100 else 2 if value < 10 else 1
    return f"{value:,.{digits}f} {unit}" if unit != "x" else f"{value:.2f}x"


def _limit(value: float, unit: str) -> str:
    return f"{value:g}x" if unit == "x" else f"{value:g} {unit}"


def table(results: dict[str, Any]) -> str:
    """The results as a Markdown table, under a line saying what was measured where."""
    rows = [("figure", "value", "target", "result"), ("---", "---:", "---:", "---")]
    for f in results["figures"]:
        target = "" if f["target"] is None else "≤ " + _limit(f["target"], f["unit"])
        rows.append((f["label"], number(f["value"], f["unit"]), target, verdict(f)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in rows
    ]
    return heading(results) + "\n\n" + "\n".join(lines) + "\n" + _site_search_note(results)


def _site_search_note(results: dict[str, Any]) -> str:
    """A line under the table when site search was skipped or a query showed no result."""
    runs = results["details"]["site_search"]
    if runs == "skipped":
        return "\nSite search in headless Chromium: skipped.\n"
    failed = [f"'{r['query']}' ({r['error'].splitlines()[0]})" for r in runs if "error" in r]
    return f"\nSite search failed for: {'; '.join(failed)}\n" if failed else ""


def heading(results: dict[str, Any]) -> str:
    """'10,000 notes · 2026-11-23 · AMD EPYC, 2 cores, 23.4 GB RAM · Python 3.11.7 · Linux...'"""
    m, commit = results["machine"], results["commit"]
    head = "no git" if commit is None else commit["head"][:10]
    if commit and commit["uncommitted_changes"]:
        head += " + uncommitted changes"
    load = results["load_average"]
    return (
        f"{results['size']:,} notes · {results['date'][:10]} · commit {head} · {m['cpu']}, "
        f"{m['cores']} cores, {m['ram_gb']} GB RAM · Python {m['python']} · {m['os']} · "
        f"load average {load['before']} before, {load['after']} after"
    )


def write_results(results: dict[str, Any], path: Path) -> None:
    """Write the results as indented JSON."""
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main() -> None:
    """Run at BENCH_SIZE notes, print the table and write benchmarks/results.json."""
    size = int(os.environ.get("BENCH_SIZE", "1000"))
    results, seconds = timed(lambda: run(size, WORK))
    results["seconds"] = round(seconds, 1)
    write_results(results, RESULTS)
    print(table(results))
    print(f"Ran in {seconds / 60:.1f} min; wrote {RESULTS}")


if __name__ == "__main__":
    main()
