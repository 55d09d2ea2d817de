"""Site search for `insights serve` (live.py): once edits pause, a thread writes the index
again from every page's last text, beside the served one, and swaps it in."""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from pathlib import Path

from generator.site.searchfiles import EntryMemo
from generator.site.sitesearch import OUTPUT_DIR, PageText, SiteIndex

log = logging.getLogger("mkdocs.plugins.insights")


class SearchWriter:
    """Writes the site-search index again, in a thread, once pages have been made again: into
    a folder beside the served one, then swapped in (under the site's lock)."""

    QUIET = 3.0  # seconds without a rebuild or a page made before writing: an index is
    # a few seconds of work at 10,000 notes, which would slow the next rebuild down

    def __init__(
        self,
        site_dir: Path,
        pages: list[tuple[str, str]],
        texts: dict[str, PageText | None],
        memo: EntryMemo,
        lock: threading.RLock,
    ) -> None:
        self.site_dir, self.pages, self.texts, self.memo = site_dir, pages, dict(texts), memo
        self.lock = lock
        self.fresh: set[str] = set()  # pages read again since the last index
        self.wanted = self.written = 0
        self.stopped = False
        self.active = time.monotonic()  # when a page was last made or a rebuild began
        self.changed = threading.Condition()
        self.thread = threading.Thread(target=self._run, name="insights-search", daemon=True)
        self.thread.start()

    def update(self, dest_uri: str, found: PageText | None) -> None:
        """A page made again: index what was read of it."""
        with self.changed:
            self.texts[dest_uri] = found
            self.fresh.add(dest_uri)
            self.wanted += 1
            self.active = time.monotonic()
            self.changed.notify_all()

    def busy(self) -> None:
        """A rebuild begins: wait for quiet before writing."""
        self.active = time.monotonic()

    def wait(self, timeout: float) -> bool:
        """Wait until every update is in the served index; False if `timeout` passed."""
        with self.changed:
            return self.changed.wait_for(lambda: self.written >= self.wanted, timeout)

    def stop(self, wait: bool = False) -> None:
        """Write nothing more (a full build writes its own index); an index being written is
        not swapped in. With `wait`, return once the thread has ended."""
        with self.changed:
            self.stopped = True
            self.changed.notify_all()
        if wait:
            self.thread.join()

    def _run(self) -> None:
        while True:
            with self.changed:
                self.changed.wait_for(lambda: self.stopped or self.wanted > self.written)
                if self.stopped:
                    return
            with self.changed:
                while (wait := self.active + self.QUIET - time.monotonic()) > 0:
                    if self.changed.wait_for(lambda: self.stopped, wait):
                        return
                wanted, texts, fresh = self.wanted, dict(self.texts), self.fresh
                self.fresh = set()
            try:
                self._write(texts, fresh)
            except Exception as exc:  # the last index stays served
                if not self.stopped:  # else a full build moved the folder away: no matter
                    log.error(f"Site search was not updated: {exc}")
            with self.changed:
                self.written = wanted
                self.changed.notify_all()

    def _write(self, texts: dict[str, PageText | None], fresh: set[str]) -> None:
        work = self.site_dir / f".insights-search-{os.getpid()}"
        shutil.rmtree(work, ignore_errors=True)
        index = SiteIndex(work, self.pages)
        for dest_uri, found in texts.items():
            index.add_text(dest_uri, found)
        index.write(self.memo, {dest: texts.get(dest) for dest in fresh})
        written, old = work / OUTPUT_DIR, work / "old"
        old.mkdir()
        with self.lock:  # entry by entry: the folder may hold pages too (an area "search")
            if not self.stopped:
                served = self.site_dir / OUTPUT_DIR
                for entry in sorted(written.iterdir()):
                    if (served / entry.name).exists():
                        os.replace(served / entry.name, old / entry.name)
                    os.replace(entry, served / entry.name)
        shutil.rmtree(work, ignore_errors=True)
