"""`insights serve`: MkDocs' development server with its rebuild step taken over, so that a
saved note shows at once.

MkDocs' own serve builds the whole site again after any change: 12,800 pages at 10,000 notes.
Here a full build happens at start and after any change that moves pages (a note added,
deleted or renamed; an edit that adds a tag page or changes a page count; the area registry,
the tag vocabulary, mkdocs.yml, the theme overrides). When only the text of existing notes
changed, the rebuild is quick:

1. the changed notes are parsed again (the others come from the parsed notes kept in
   memory) and the whole wiki is checked as a build checks it; a note with errors is
   reported in the terminal and the last good site stays served;
2. the site is compiled again lazily: the summaries and the similarity model are worked
   out only if a page needs them;
3. the edited notes' pages are made again through MkDocs' own page pipeline (the plugin's
   events, the theme, the last build's navigation), so a served page is the page a build
   publishes;
4. every other generated page and file is marked stale, and is made again the first time
   the browser asks for it (`LiveServer`), so no stale page is ever served.

5. each page made again is read for site search, whose index a thread writes again beside
   the served one and swaps in (`SearchWriter`) once edits pause: a few seconds after a save,
   search finds the note by its new text (and any other page by the text it was last made
   with).
"""

from __future__ import annotations

import logging
import os
import posixpath
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.commands.build import _build_page, _populate_page, build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer, _serve_url
from mkdocs.structure.files import File

from generator.notes.files import NoteFile, find_note_files
from generator.notes.load import load_wiki
from generator.notes.parsecache import ParseCache
from generator.plugin.livesearch import SearchWriter
from generator.plugin.plugin import InsightsPlugin
from generator.signals.similar import TermsMemo
from generator.site.compile import compile_site
from generator.site.searchfiles import EntryMemo
from generator.site.sitesearch import page_text

log = logging.getLogger("mkdocs.plugins.insights")
Snapshot = dict[str, tuple[int, int]]  # path: (mtime in ns, size)


class LiveSite:
    """The served site and what it was made from, kept between rebuilds."""

    def __init__(self, load: Callable[[], MkDocsConfig], serve_url: str) -> None:
        self.load = load  # a fresh MkDocs config, as `mkdocs serve` loads one per build
        self.serve_url = serve_url
        self.lock = threading.RLock()  # one rebuild or remake at a time
        self.cache = ParseCache("")  # parsed notes, filled from cache_dir by the first build
        self.terms = TermsMemo()  # each note's terms, for the next similarity model
        self.note_files: list[NoteFile] | None = None  # the same while no file is added or removed
        self.config: MkDocsConfig | None = None  # of the last full build, None if it failed
        self.snapshot: Snapshot = {}
        self.generated: set[str] = set()  # src paths of the pages the plugin generated
        self.stale: dict[str, File] = {}  # dest path: a page to make again when asked for
        self.stale_files: set[str] = set()  # dest paths of generated files (feeds, browse)
        self.search: SearchWriter | None = None  # writes site search again after remakes
        self.stopped: list[SearchWriter] = []  # those of earlier full builds, ending

    def rebuild(self) -> None:
        """The server's builder: a quick rebuild if only notes' text changed, else a full one.
        A rebuild that fails says why and leaves the last good site served."""
        with self.lock:
            if self.search is not None:
                self.search.busy()
            try:
                snapshot = self._snapshot()
                changed = self._quick_changes(snapshot)
                if changed is not None and self._quick(changed):
                    self.snapshot = snapshot
                else:
                    self.full()
            except Exception as exc:  # the build's own messages are logged already
                log.error(f"Not rebuilt ({exc}); still serving the last good build.")

    def full(self, config: MkDocsConfig | None = None) -> None:
        """Build the whole site, as MkDocs' serve does; raises what the build raises."""
        with self.lock:
            before = self._snapshot()  # empty before the first build: taken after it
            self.config, self.stale, self.stale_files = None, {}, set()
            self.note_files = None
            self.stopped = [w for w in self.stopped if w.thread.is_alive()]
            if self.search is not None:
                self.search.stop()  # not waited for: it may wait for this lock
                self.stopped.append(self.search)
                self.search = None
            config = config or self.load()
            plugin = _plugin(config)
            plugin.parse_cache, plugin.terms = self.cache, self.terms
            build(config, serve_url=self.serve_url)
            site = config.site_dir
            assert plugin.files is not None
            for file in plugin.files:  # their paths were in the staging folder, now swapped in
                file.abs_dest_path = os.path.normpath(os.path.join(site, file.dest_uri))
            self.generated = set(plugin.built.plan_paths)
            if plugin.page_texts is not None:
                pages = [(f.dest_uri, f.url) for f in plugin.files.documentation_pages()]
                memo = plugin.search_memo or EntryMemo()
                self.search = SearchWriter(Path(site), pages, plugin.page_texts, memo, self.lock)
            self.note_files = find_note_files(plugin.built.root, plugin.built.settings)
            self.config = config
            self.snapshot = before or self._snapshot()

    def close(self) -> None:
        """Stop writing site search, and wait for its threads to end."""
        writers = [*self.stopped, *([self.search] if self.search is not None else [])]
        self.search, self.stopped = None, []
        for writer in writers:
            writer.stop(wait=True)

    def watched(self, config: MkDocsConfig) -> list[str]:
        """The files and folders whose changes call for a rebuild."""
        built = _plugin(config).built
        paths = [config.docs_dir, built.root / built.settings.notes_dir]
        paths += [built.root / built.settings.areas_file, built.root / built.settings.tags_file]
        if config.config_file_path:
            paths.append(config.config_file_path)
        if getattr(config.theme, "custom_dir", None):
            paths.append(config.theme.custom_dir)
        return [str(p) for p in paths]

    def _snapshot(self) -> Snapshot:
        if self.config is None:
            return {}
        found: Snapshot = {}
        for path in self.watched(self.config):
            _stat_tree(path, found)
        return found

    def _quick_changes(self, snapshot: Snapshot) -> list[Path] | None:
        """The notes whose text changed, if nothing else did; else None."""
        if self.config is None or not snapshot or snapshot.keys() != self.snapshot.keys():
            return None
        built = _plugin(self.config).built
        notes = built.root / built.settings.notes_dir
        changed = [Path(p) for p, seen in snapshot.items() if self.snapshot[p] != seen]
        if any(p.suffix != ".md" or not p.is_relative_to(notes) for p in changed):
            return None
        return changed

    def _quick(self, changed: list[Path]) -> bool:
        """Make the changed notes' pages again and mark the rest stale; False if the edit
        moves pages, which takes a full build."""
        if not changed:
            return True
        assert self.config is not None
        start = time.perf_counter()
        plugin = _plugin(self.config)
        old = plugin.built
        mine = {str(p) for p in changed}
        assert self.note_files is not None  # set by the full build before
        wiki = load_wiki(
            old.root,
            old.settings,
            old.wiki.areas,
            old.as_of,
            self.note_files,
            cache=self.cache,
            unchanged=lambda item: str(old.root / item.path) not in mine,
        )
        for problem in wiki.warnings:
            if str(old.root / problem.path) in mine:
                log.info(problem.format())
        if wiki.errors:
            for problem in wiki.errors:
                log.error(problem.format())
            raise ValueError(f"{len(wiki.errors)} errors in the notes")  # see rebuild()
        built = compile_site(
            old.root,
            old.settings,
            old.as_of,
            overrides=old.context.overrides,
            site_name=old.context.site_name,
            directory_urls=old.context.directory_urls,
            wiki=wiki,
            history=old.context.history,
            lazy=True,
            terms=self.terms,
        )
        if set(built.plan_paths) != self.generated or built.nav != old.nav:
            log.info("The edit adds, removes or moves pages: building the whole site")
            return False
        plugin.built = built
        files = plugin.files
        assert files is not None
        self.stale = {f.dest_uri: f for f in files.documentation_pages() if f.src_uri in built.plan}
        self.stale_files = set(plugin.data_files)
        edited = [built.context.src_of[n.id] for n in wiki.notes if str(old.root / n.path) in mine]
        for src_uri in edited:
            file = files.get_file_from_path(src_uri)
            if file is not None:
                self._remake(file.dest_uri)
        seconds = time.perf_counter() - start
        log.info(
            f"Remade {len(edited)} edited note pages in {seconds:.2f} s; "
            f"the other {len(self.stale)} pages are made again when first asked for"
        )
        return True

    def fresh(self, dest_uri: str) -> None:
        """Make a stale page or file again before it is served."""
        if dest_uri in self.stale or dest_uri in self.stale_files:
            with self.lock:
                try:
                    self._remake(dest_uri)
                except Exception as exc:  # a page that fails keeps its last good version
                    log.error(f"Could not make {dest_uri} again ({exc}); serving it as it was")

    def _remake(self, dest_uri: str) -> None:
        assert self.config is not None
        config, plugin = self.config, _plugin(self.config)
        file = self.stale.pop(dest_uri, None)
        if file is not None and file.page is not None:
            files = plugin.files
            assert files is not None
            _populate_page(file.page, config, files)
            _build_page(file.page, config, files.documentation_pages(), plugin.nav, plugin.env)
            if self.search is not None:
                html = Path(file.abs_dest_path).read_text(encoding="utf-8")
                self.search.update(dest_uri, page_text(html))
        elif dest_uri in self.stale_files:  # made all at once: feeds read the same notes
            wanted, self.stale_files = self.stale_files, set()
            for path, content in plugin.built.files():
                if path in wanted:
                    target = Path(config.site_dir, path)
                    data = content.encode("utf-8") if isinstance(content, str) else content
                    target.write_bytes(data)


class LiveServer(LiveReloadServer):
    """MkDocs' development server, making a stale page again before serving it."""

    live: LiveSite

    def _serve_request(self, environ: Any, start_response: Any) -> Iterable[bytes] | None:
        path = environ["PATH_INFO"].encode("latin-1").decode("utf-8", "ignore")
        if (path + "/").startswith(self.mount_path):
            wanted = path[len(self.mount_path) :] + ("index.html" if path.endswith("/") else "")
            self.live.fresh(posixpath.normpath("/" + wanted).lstrip("/"))
        return super()._serve_request(environ, start_response)


def serve(config_file: Path, options: dict[str, Any]) -> None:
    """Build the site and serve it with live reload, as `mkdocs serve` does; raises what
    loading the config or the first build raises."""
    site_dir = tempfile.mkdtemp(prefix="insights_")
    first = load_config(str(config_file), site_dir=site_dir, **options)
    host, port = first.dev_addr
    mount_path = urlsplit(first.site_url or "/").path
    serve_url = _serve_url(host, port, mount_path)

    def load() -> MkDocsConfig:
        config = load_config(str(config_file), site_dir=site_dir, **options)
        config.site_url = serve_url
        return config

    first.site_url = serve_url
    first.plugins.on_startup(command="serve", dirty=False)
    live = LiveSite(load, serve_url)
    server = LiveServer(live.rebuild, host=host, port=port, root=site_dir, mount_path=mount_path)
    server.live = live
    server.error_handler = _error_page(site_dir)
    try:
        live.full(first)
        for path in live.watched(first):
            if os.path.exists(path):  # the tag vocabulary is optional
                server.watch(path)
        try:
            server.serve()
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            server.shutdown()
    finally:
        live.close()
        first.plugins.on_shutdown()
        _remove(site_dir)


def _error_page(site_dir: str) -> Callable[[int], bytes | None]:
    """The site's own 404 page for a missing path, as MkDocs' serve answers."""

    def error_page(code: int) -> bytes | None:
        path = Path(site_dir, f"{code}.html")
        return path.read_bytes() if code in (404, 500) and path.is_file() else None

    return error_page


def _plugin(config: MkDocsConfig) -> InsightsPlugin:
    plugin = config.plugins.get("insights")
    assert isinstance(plugin, InsightsPlugin)
    return plugin


def _stat_tree(path: str, found: Snapshot) -> None:
    """Each file under `path` (or `path` itself) with its mtime and size."""
    try:
        entries = list(os.scandir(path))
    except NotADirectoryError:
        try:
            stat = os.stat(path)
        except OSError:
            return
        found[path] = (stat.st_mtime_ns, stat.st_size)
        return
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name.endswith("~"):
            continue  # editors' swap, lock and backup files: MkDocs publishes none of them
        if entry.is_dir(follow_symlinks=False):
            _stat_tree(entry.path, found)
        else:
            try:
                stat = entry.stat()
            except OSError:
                continue
            found[entry.path] = (stat.st_mtime_ns, stat.st_size)


def _remove(folder: str) -> None:
    shutil.rmtree(folder, ignore_errors=True)
