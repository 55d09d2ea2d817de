"""The MkDocs adapter: typed config, generated files, serve watching. With options.py,
workers.py, reuse.py, incremental.py and commands.py, the only MkDocs users.

MkDocs 2.0 drops plugins, so everything here is glue over `generator.site`, which decides
what the wiki contains without knowing about MkDocs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from generator.config import SettingsError, located, resolve_as_of
from generator.model import Wiki
from generator.notes.parsecache import ParseCache
from generator.plugin import reuse, workers
from generator.plugin.incremental import Reuse
from generator.plugin.options import InsightsConfig, settings_from_config
from generator.plugin.staging import Staging
from generator.processes import paused_gc
from generator.progress import Progress
from generator.signals.similar import TermsMemo
from generator.site import compile as site
from generator.site import render, sitesearch
from generator.site.searchfiles import EntryMemo

log = logging.getLogger("mkdocs.plugins.insights")
THEME_DIR = str(Path(__file__).parent / "theme")


class InsightsPlugin(BasePlugin[InsightsConfig]):
    """Compile the notes into pages at build time, and rebuild when they change."""

    supports_multiple_instances = False
    pool: workers.PageWorkers | None = None
    search: sitesearch.SiteIndex | None = None  # for the build's duration
    dirty = False  # `mkdocs build --dirty`: the site folder is not cleaned
    checked: Wiki | None = None  # the wiki `insights build` has just checked, used once
    command = "build"
    staging: Staging | None = None  # where this build writes, until it swaps the site in
    site_dir: str = ""  # the site folder mkdocs.yml names, while `staging` stands in for it
    staged_config: MkDocsConfig | None = None  # whose site_dir `staging` stands in for
    reuse: Reuse | None = None  # the pages this build takes from the last one's
    pages: Sequence[File] | None = None  # every page, those not built here included
    progress = Progress("Building pages", 0, None)  # shown on a terminal (progress.py)
    steps = 0  # pages read and written in this process
    texts: dict[str, sitesearch.PageText | None]  # what search read of each page built here
    parse_cache: ParseCache | None = None  # parsed notes a preview server keeps (live.py)
    terms: TermsMemo | None = None  # and the notes' terms of its similarity model
    files: Files | None = None  # the last build's files, navigation and theme environment:
    nav: Any = None  # what live.py needs to remake a page as the build made it
    env: Any = None
    data_files: list[str]  # the generated files that are not pages: feeds, browse data, assets
    page_texts: dict[str, sitesearch.PageText | None] | None = None  # under `serve`: of every
    search_memo: EntryMemo | None = None  # page, and the index's terms, to write it again

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Note a --dirty build, whose site folder MkDocs keeps, and the command."""
        self.dirty = dirty
        self.command = command

    def on_shutdown(self) -> None:
        """Forget what a server kept: MkDocs keeps this plugin for the process's later runs."""
        self.command = "build"
        self.parse_cache = self.terms = None
        self.files = self.nav = self.env = None
        self.page_texts = self.search_memo = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Load and check every note before MkDocs cleans the site folder: errors publish none."""
        root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        try:
            settings = settings_from_config(self.config)
            if not settings.site_url and config.site_url:
                settings = dataclasses.replace(settings, site_url=config.site_url)
            day = resolve_as_of(None, settings)
            checked, self.checked = self.checked, None
            with paused_gc():  # millions of objects, nearly all kept: collections find nothing
                self.built = self._compile(root, settings, day, checked, config)
        except SettingsError as exc:
            config_file = Path(config.config_file_path or "mkdocs.yml")
            raise PluginError(str(located(exc, config_file))) from None
        _report(self.built.wiki)
        gc.freeze()  # the wiki lives as long as the build: no collection need look at it again
        config.nav = self.built.nav
        _add_theme_dir(config)
        config.extra_css = [*self.built.css, *config.extra_css]
        config.extra_javascript = [*self.built.javascript, *config.extra_javascript]
        _drop_material_search(config)
        return config

    def _compile(
        self,
        root: Path,
        settings: Any,
        day: dt.date,
        checked: Wiki | None,
        config: MkDocsConfig,
    ) -> site.BuiltSite:
        return site.compile_site(
            root,
            settings,
            day,
            wiki=checked,
            overrides=_overrides(config),
            site_name=config.site_name,
            directory_urls=config.use_directory_urls,
            say=log.info,
            cache=self.parse_cache,
            terms=self.terms,
        )

    def _templates(self) -> Path:
        """Where compiled templates are kept between builds."""
        return self.built.root / self.built.settings.cache_dir / "templates"

    def on_pre_build(self, config: MkDocsConfig) -> None:
        """Build into a hidden folder, swapped in at the end (staging.py); reuse the last
        build's pages (incremental.py); let each process convert every page with one
        Markdown instance (reuse.py)."""
        settings = self.built.settings
        if not self.dirty:
            self.site_dir, self.staged_config = config.site_dir, config
            self.staging = Staging(Path(config.site_dir))
            config.site_dir = str(self.staging.start())
        if settings.build_cache and not self.dirty:  # `serve`'s pages link to its own URL
            folder = "pages" if self.command == "build" else "serve-pages"
            self.reuse = Reuse.start(self.built.root / settings.cache_dir / folder)
        if self.built.settings.speedups:
            reuse.OneMarkdown.install()

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Drop the notes folder's sources (keeping its images) and add the generated files."""
        docs_dir = Path(config.docs_dir).resolve()
        for file in list(files):
            if not self.built.publishes(Path(file.abs_src_path or docs_dir / file.src_uri)):
                files.remove(file)
        in_nav = self.built.nav_paths
        planned, self.data_files = set(self.built.plan_paths), []
        for path, content in self.built.files():
            if path not in planned:
                self.data_files.append(path)
            existing = files.get_file_from_path(path)
            if existing is not None:
                files.remove(existing)
            level = InclusionLevel.UNDEFINED if path in in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, path, content=content, inclusion=level))
        return files

    def on_nav(self, nav: Any, config: MkDocsConfig, files: Files) -> Any:
        """Start the search index, and fork workers that build a share of the pages on the
        other cores (workers.py), sending back their pages' search terms."""
        pages = self.pages = files.documentation_pages()
        self.files, self.nav = files, nav
        for file in pages:
            if file.page is None:
                Page(None, file, config)  # as MkDocs would; the sitemap lists every page
        try:
            self.search = sitesearch.SiteIndex(
                Path(config.site_dir), ((f.dest_uri, f.url) for f in pages)
            )
        except sitesearch.SiteSearchError as exc:
            raise PluginError(str(exc)) from None
        if self.reuse is not None:
            self.reuse.plan(self.built, files, nav, config)
            self.quiet = workers.QuietLinks(self.reuse.excluded)
            logging.getLogger("mkdocs.structure.pages").addFilter(self.quiet)
        settings = self.built.settings
        wanted = settings.workers if settings.speedups else 1
        building = len(files.documentation_pages())
        count = workers.worker_count(wanted, building, config.plugins)
        collect, self.texts = self._collect, {}  # before the workers fork
        self.pool = workers.PageWorkers(files, nav, config, count, collect) if count else None
        self.progress = Progress.on_terminal("Building pages", building, os.environ)
        self.steps = 0
        return nav

    def on_template_context(self, context: Any, template_name: str, config: MkDocsConfig) -> Any:
        """Theme templates such as sitemap.xml list every page, the workers' and the reused
        ones included."""
        if self.pages is not None:
            context["pages"] = self.pages
        return context

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        """Render the theme's navigation once for all the pages outside it with the same links,
        and the header once for all the pages whose header links the same."""
        fast = self.built.settings.speedups
        nav_key, header_key = (reuse.nav_key, reuse.header_key) if fast else (_never, _never)
        env.globals["insights_nav"] = render.cached_partial(
            env, _theme_partial(config, "partials/nav.html"), nav_key
        )
        header = Path(THEME_DIR, "partials", "insights-header.html").read_text(encoding="utf-8")
        env.globals["insights_header"] = render.cached_partial(env, header, header_key)
        if self.built.settings.build_cache:
            render.keep_compiled(env, self._templates())
        self.env = env
        return env

    def on_page_read_source(self, page: Any, config: MkDocsConfig) -> str | None:
        """A generated page's Markdown, made now, by the process that builds the page (which
        also works out its key for the build cache, in a cold build)."""
        src_uri = page.file.src_uri
        if self.reuse is not None:
            self.reuse.key_of(src_uri, self.built.plan.get(src_uri))
        return self.built.page_markdown(src_uri)

    def on_page_content(self, html: str, page: Any, config: MkDocsConfig, files: Files) -> str:
        """Splice in the long lists that were kept out of Markdown for speed."""
        self._step()
        return self.built.finish_page(page.file.src_uri, html)

    def on_post_page(self, output: str, page: Any, config: MkDocsConfig) -> str:
        """Index the page for the search box (sitesearch.py)."""
        self._step()
        if self.search is not None:
            try:
                self.texts[page.file.dest_uri] = self.search.add(page.file.dest_uri, output)
            except sitesearch.SiteSearchError as exc:
                raise PluginError(str(exc)) from None
        return output

    @event_priority(-100)  # last: other plugins write into the site before it is swapped in
    def on_post_build(self, config: MkDocsConfig) -> None:
        """Wait for the page workers, write the search index with their terms, keep the pages
        built for the next build, and swap the new site in."""
        search = self.search
        try:
            reused: dict[str, sitesearch.PageText | None] = {}
            if search is not None and self.reuse is not None:
                for dest_uri, found in self.reuse.reused_texts(Path(config.site_dir)):
                    search.add_text(dest_uri, found)
                    reused[dest_uri] = found
            parts = [search.take()] if search is not None else []  # while the workers end
            if self.pool is not None:
                self.pool.wait(self._shown)
                for part, texts, keys in self.pool.finish():
                    parts.append(part)
                    self.texts.update(texts)
                    if self.reuse is not None:
                        self.reuse.keys.update(keys)
            self.progress.close()
            if search is not None:
                for part in parts:
                    search.merge(part)
                memo = self.reuse.cache.search if self.reuse is not None else None
                pages = search.write(memo, self.texts)
                if self.command == "serve":  # a server writes it again after edits (live.py)
                    self.page_texts, self.search_memo = {**reused, **self.texts}, memo
                log.info(f"Site search: indexed {pages} pages into {_published(search.folder)}")
            if self.reuse is not None:
                self.reuse.store(Path(config.site_dir), self.texts, self.reuse.keys)
            if self.staging is not None:
                self.staging.finish()
                self.staging = None
                config.site_dir = self.site_dir
        except workers.WorkerFailed as exc:
            raise PluginError(f"A page worker failed: {exc}") from None
        except sitesearch.SiteSearchError as exc:
            raise PluginError(str(exc)) from None
        except OSError as exc:
            raise PluginError(f"The build could not be completed: {exc}") from None
        finally:
            self._end()

    def on_build_error(self, error: Exception) -> None:
        """Stop the page workers of a build that failed, and delete its unfinished site: the
        previous one stays."""
        if self.pool is not None:
            self.pool.stop()
        self._end()

    def _collect(self) -> tuple[sitesearch.Part, dict[str, Any], dict[str, str]]:
        """What a page worker sends back: its pages' search terms, what was read of each, and
        the keys of those it made (in a cold build)."""
        assert self.search is not None
        keys = self.reuse.keys if self.reuse is not None else {}
        return self.search.take(), self.texts, keys

    def _step(self) -> None:
        """A page read or written here: two steps a page, as workers count them."""
        self.steps += 1
        self._shown(self.pool.done if self.pool is not None else 0)

    def _shown(self, elsewhere: int) -> None:
        self.progress.set((self.steps + elsewhere) // 2)

    def _end(self) -> None:
        gc.unfreeze()
        self.progress.close()
        if self.staging is not None:  # the build failed: its site is incomplete
            self.staging.abandon()
            if self.staged_config is not None:
                self.staged_config.site_dir = self.site_dir
        self.search = None
        self.staging = None
        self.staged_config = None
        self.pages = None
        if self.reuse is not None:
            self.reuse.restore()
            logging.getLogger("mkdocs.structure.pages").removeFilter(self.quiet)
            self.reuse = None
        reuse.OneMarkdown.uninstall()

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        """Rebuild when a note, the area registry or the tag vocabulary changes; after a
        failed rebuild, say so and keep serving the last good site (MkDocs' server would hold
        every request until a rebuild succeeds)."""
        server.watch(str(self.built.root / self.built.settings.notes_dir))
        server.watch(str(self.built.root / self.built.settings.areas_file))
        vocabulary = self.built.root / self.built.settings.tags_file
        if vocabulary.exists():  # optional: a missing path cannot be watched
            server.watch(str(vocabulary))
        server.builder = _KeepServing(server.builder)
        return server


class _KeepServing:
    """A server's rebuild that, when it fails, logs why and leaves the last site served."""

    def __init__(self, builder: Any) -> None:
        self.builder = builder

    def __call__(self, config: MkDocsConfig | None = None) -> None:
        try:
            self.builder(config)
        except Exception as exc:  # the build's own messages are logged already
            log.error(f"Not rebuilt ({exc}); still serving the last good build.")


def _published(folder: Path) -> str:
    """The search folder as it will be once the site is swapped in."""
    parts = folder.parts
    return str(Path(*[p for p in parts if not p.startswith(".insights-new-")])) + "/"


def _never(context: dict[str, Any]) -> None:
    """A cache key that keeps nothing: with speedups off, each page renders its own partials."""
    return None


def _add_theme_dir(config: MkDocsConfig) -> None:
    """Our theme templates (escaped titles, the feed link) sit just below the wiki's overrides."""
    dirs = config.theme.dirs
    if THEME_DIR not in dirs:
        dirs.insert(1 if config.theme.custom_dir else 0, THEME_DIR)


def _theme_partial(config: MkDocsConfig, name: str) -> str:
    """The source of a theme template as it would be without our theme folder's copy."""
    dirs = config.theme.dirs
    for folder in dirs[dirs.index(THEME_DIR) + 1 :]:
        path = Path(folder) / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise PluginError(f"the theme has no {name}")


def _drop_material_search(config: MkDocsConfig) -> None:
    """Our chunked index replaces material's whole-site one: its search plugin writes nothing."""
    search = config.plugins.get("material/search")
    if search is not None:
        search.config.enabled = False


def _overrides(config: MkDocsConfig) -> str | None:
    custom = config.theme.custom_dir if hasattr(config.theme, "custom_dir") else None
    return str(custom) if custom else None


def _report(wiki: Any) -> None:
    for problem in wiki.warnings:
        log.info(problem.format())
    if wiki.errors:
        for problem in wiki.errors:
            log.error(problem.format())
        raise PluginError(
            f"{len(wiki.errors)} errors in the notes: nothing was published. "
            "Fix them (run 'insights check' for the full report) and build again."
        )
