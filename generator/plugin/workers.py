"""Build pages in forked worker processes: the part of the MkDocs adapter that uses every core.

MkDocs reads and renders pages one after another, on one core. At 10,000 notes that is most
of a build. So at `on_nav`, the last event before MkDocs reads any page, the plugin forks a
worker per extra core. Each worker takes a share of the pages that are not in the
navigation (insight and listing pages) and runs MkDocs' own steps on each one
(`_populate_page` then `_build_page`: the same plugin events, Markdown and theme), writing
them into `site_dir`. In the main process those pages are marked as excluded, so MkDocs
skips them. At `on_post_build` the main process waits for the workers and replays their log
messages through its own loggers, so `--strict` counts their warnings too. A worker also
sends back what its `collect` function returns once its pages are built (the plugin's
search terms).

Pages are independent of each other once the navigation is fixed, so a page is written
byte for byte the same whichever process builds it.

Workers are only forked where it is safe and pays: on a platform with `fork`, from a
process running a single thread (never under `mkdocs serve`, whose server runs threads),
and with enough pages to share.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
import select
import signal
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation

from generator.processes import can_fork, usable_cores

MIN_SHARE = 100  # pages: below this a worker costs more than it saves
# What a page in the navigation (an area's summary, the index of every customer) costs to
# build, in pages outside it: the main process builds those, so it takes that many fewer.
NAV_PAGE_COST = 42
# Plugins known to keep no state across pages. Another plugin (material's tags or blog, say)
# may collect something from every page for a page it writes later, and would miss what a
# worker saw; with one of those, pages are shared only when `workers` asks for it.
STATELESS_PLUGINS = frozenset({"insights", "search", "material/search"})
_EXCLUDED_LINK = "which is excluded from the built site."


class WorkerFailed(Exception):
    """A worker could not build its pages; the message says which page and why."""


@dataclass
class Worker:
    """A forked process building a share of the pages."""

    pid: int
    reader: int  # the read end of the pipe the worker sends its outcome through
    share: list[File] = field(default_factory=list)


def worker_count(requested: int, pages: int, plugins: Iterable[str] = ()) -> int:
    """How many workers to fork besides the main process.

    `requested` is the `workers` option: 1 forks none, N forks N - 1, and 0 (the default)
    forks one per extra core, as long as each process gets at least MIN_SHARE pages and
    every plugin is one of STATELESS_PLUGINS.
    """
    if requested == 1 or not can_fork():
        return 0
    if requested > 1:
        return requested - 1
    if not STATELESS_PLUGINS.issuperset(plugins):
        return 0
    return max(0, min(usable_cores() - 1, pages // MIN_SHARE - 1))


def shares(files: Files, count: int) -> list[list[File]]:
    """Split the pages among the main process and `count` workers: equal work for each.

    Workers only take pages outside the navigation, whose titles and links no other page
    reads; the main process keeps the rest (each counted as NAV_PAGE_COST pages) and every
    page no worker took.
    """
    pages = files.documentation_pages()
    movable = [f for f in pages if f.inclusion.is_not_in_nav()]
    work = len(movable) + NAV_PAGE_COST * (len(pages) - len(movable))
    per_process = min(work // (count + 1), len(movable) // count) if count else 0
    taken = movable[: per_process * count]
    return [taken[i::count] for i in range(count)]


class PageWorkers:
    """The workers of one build: forked at `on_nav`, waited for at `on_post_build`."""

    def __init__(
        self,
        files: Files,
        nav: Navigation,
        config: MkDocsConfig,
        count: int,
        collect: Callable[[], Any] = lambda: None,
    ) -> None:
        """Fork `count` workers, each building its share; mark those pages excluded here.

        Each worker calls `collect` after its last page and sends the result back (picklable).
        """
        self.pages = files.documentation_pages()  # each has its Page: the plugin made them
        self.workers: list[Worker] = []
        # Steps each worker has done (a page read, a page written), in memory the forks share.
        self.steps: Any = multiprocessing.get_context("fork").RawArray("q", max(count, 1))
        for index, share in enumerate(shares(files, count)):
            reader, writer = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the worker's side is measured by its output
                try:
                    os.close(reader)
                    progress = _Steps(self.steps, index)
                    _run(share, self.pages, files, nav, config, writer, collect, progress)
                finally:
                    os._exit(70)  # never return into the main process's build
            os.close(writer)
            self.workers.append(Worker(pid, reader, share))
        self.levels = {f.src_uri: f.inclusion for w in self.workers for f in w.share}
        for worker in self.workers:
            for file in worker.share:
                file.inclusion = InclusionLevel.EXCLUDED
        self.filter = QuietLinks(set(self.levels))
        logging.getLogger("mkdocs.structure.pages").addFilter(self.filter)

    @property
    def done(self) -> int:
        """Steps the workers have done so far: two a page (read, then written)."""
        return int(sum(self.steps))

    def wait(self, tick: Callable[[int], None], interval: float = 0.25) -> None:
        """Until every worker has sent its outcome, tell `tick` the steps they have done."""
        waiting = [w.reader for w in self.workers]
        while waiting:
            ready, _, _ = select.select(waiting, [], [], interval)
            waiting = [fd for fd in waiting if fd not in ready]
            tick(self.done)

    def finish(self) -> list[Any]:
        """Wait for every worker and replay its messages here; return what each collected.

        Raises WorkerFailed if one failed.
        """
        failures = []
        collected = []
        for worker in self.workers:
            with os.fdopen(worker.reader, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(worker.pid, 0)
            outcome: dict[str, Any] = pickle.loads(data) if data else {}
            for name, level, message in outcome.get("records", ()):
                logging.getLogger(name).log(level, message)
            if status != 0:
                failures.append(outcome.get("error") or _stopped(status))
            collected.append(outcome.get("collected"))
        self._restore()
        if failures:
            raise WorkerFailed("\n".join(failures))
        return collected

    def stop(self) -> None:
        """End the workers of a build that failed elsewhere."""
        for worker in self.workers:
            with contextlib.suppress(OSError):
                os.kill(worker.pid, signal.SIGKILL)
                os.waitpid(worker.pid, 0)
            with contextlib.suppress(OSError):
                os.close(worker.reader)
        self._restore()

    def _restore(self) -> None:
        logging.getLogger("mkdocs.structure.pages").removeFilter(self.filter)
        for worker in self.workers:
            for file in worker.share:
                file.inclusion = self.levels[file.src_uri]
        self.workers = []


def _run(
    share: list[File],
    doc_files: Sequence[File],
    files: Files,
    nav: Navigation,
    config: MkDocsConfig,
    writer: int,
    collect: Callable[[], Any],
    step: Callable[[], None],
) -> None:  # pragma: no cover - runs in the forked worker
    """The worker: build the share as MkDocs would, send the log records, and exit."""
    records: list[tuple[str, int, str]] = []
    collector = _Collect(records)
    root = logging.getLogger("mkdocs")
    root.handlers = [collector]
    outcome: dict[str, Any] = {}
    try:
        for file in share:
            assert file.page is not None
            mkdocs_build._populate_page(file.page, config, files)
            step()
        env = config.plugins.on_env(config.theme.get_env(), config=config, files=files)
        for file in share:
            assert file.page is not None
            mkdocs_build._build_page(file.page, config, doc_files, nav, env)
            step()
        for file in share:
            assert file.page is not None
            file.page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
        outcome["collected"] = collect()
        outcome["records"] = records
    except BaseException as exc:  # reported by the main process
        outcome["error"] = f"{type(exc).__name__}: {exc}"
        outcome["records"] = records
        outcome["failed"] = True
    data = pickle.dumps(outcome)
    with os.fdopen(writer, "wb") as pipe:
        pipe.write(data)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(1 if outcome.get("failed") else 0)


def _stopped(status: int) -> str:
    """Why a worker that sent no outcome stopped, and what to do about it."""
    code = os.waitstatus_to_exitcode(status)
    how = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
    return f"a page worker {how} (out of memory?); build again, or set the workers option to 1"


class _Steps:
    """Count a worker's steps in its slot of the shared array."""

    def __init__(self, steps: Any, index: int) -> None:
        self.steps = steps
        self.index = index

    def __call__(self) -> None:
        self.steps[self.index] += 1


class _Collect(logging.Handler):
    """Keep a worker's log records, to be logged again by the main process."""

    def __init__(self, records: list[tuple[str, int, str]]) -> None:
        super().__init__(logging.DEBUG)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


class QuietLinks(logging.Filter):
    """Drop MkDocs' note that a page links to one marked excluded: a worker builds it."""

    def __init__(self, shared: set[str]) -> None:
        super().__init__()
        self.shared = shared

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if not message.endswith(_EXCLUDED_LINK):
            return True
        return message.rsplit("'", 2)[-2] not in self.shared
