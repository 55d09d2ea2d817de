"""A build that reuses the pages of the last one: the part of the MkDocs adapter that decides,
at `on_nav`, which pages MkDocs need not build (pagecache.py keeps them).

A page kept under its key is marked excluded, as the page workers' shares are (workers.py):
MkDocs then neither reads nor renders it, yet it stays in the sitemap, and links to it
resolve as before. A forked child links the kept pages into the new site while the changed
ones build. What site search read of each is kept too (pagecache.py). After the build, every
page built afresh is stored under its key.
"""

from __future__ import annotations

import importlib.metadata
import logging
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

from generator.digest import code_digest, digest
from generator.plugin.pagecache import PageCache, page_key
from generator.processes import Forked
from generator.site import sitesearch
from generator.site.compile import BuiltSite
from generator.site.fingerprint import Fingerprinter, link_targets, page_fingerprints
from generator.site.sitesearch import PageText

log = logging.getLogger("mkdocs.plugins.insights")
PACKAGES = ("mkdocs", "mkdocs-material", "properdocs", "Markdown", "pymdown-extensions")


class Reuse:
    """The pages one build takes from the cache, and those it will store."""

    def __init__(self, cache: PageCache) -> None:
        self.cache = cache
        self.reused: list[tuple[File, str]] = []  # (file, key): linked from the cache
        self.fresh: list[tuple[File, str]] = []  # (file, key): built now, stored afterwards
        self.levels: dict[str, InclusionLevel] = {}
        self.placing: Forked[str | None] | None = None  # the reused pages being linked
        self.fingerprinter: Fingerprinter | None = None  # a cold build's, page by page
        self.keys: dict[str, str] = {}  # src_uri: key, of the pages made in this process
        self.files: Files
        self.links: dict[str, tuple[str, ...]] = {}
        self.shared = ""

    @classmethod
    def start(cls, folder: Path) -> Reuse:
        """The build's reuse of the cache in `folder` (saying why, if it cannot be used)."""
        cache = PageCache.open(folder)
        if cache.notice:
            log.info(f"{cache.notice}; building every page")
        return cls(cache)

    def plan(self, built: BuiltSite, files: Files, nav: Any, config: MkDocsConfig) -> None:
        """Link each page kept under its key into the site, and exclude it from MkDocs'
        build; note the key of each page to build.

        With nothing kept (a cold build), no page is looked up: each page's key is worked out
        by the process that builds it (`key_of`), which ranks its related notes anyway."""
        self.files = files
        self.links = link_targets(built.context)
        self.shared = build_key(config, nav)
        if not self.cache.known:
            self.fingerprinter = Fingerprinter(built.context)
            log.info("Build cache: empty; every page is built, and kept for the next build")
            return
        fingerprints = page_fingerprints(built.context, built.plan)
        site_dir = Path(config.site_dir)
        for file in files.documentation_pages():
            fingerprint = fingerprints.get(file.src_uri)
            if fingerprint is None:
                continue
            key = self._key(file.src_uri, fingerprint)
            if self.cache.has(key):
                self.reused.append((file, key))
                self.levels[file.src_uri] = file.inclusion
                file.inclusion = InclusionLevel.EXCLUDED
            else:
                self.fresh.append((file, key))
        wanted = [(key, site_dir / file.dest_uri) for file, key in self.reused]
        self.placing = Forked(partial(self.cache.place_all, wanted))  # while pages build
        if fingerprints:
            total = len(files.documentation_pages()) + len(self.reused)
            log.info(f"Build cache: {len(self.reused)} of {total} pages reused from the last build")

    def key_of(self, src_uri: str, maker: Any) -> None:
        """In a cold build, work out the key of a page about to be made (by `maker`)."""
        if self.fingerprinter is not None:
            fingerprint = self.fingerprinter(src_uri, maker)
            if fingerprint is not None:
                self.keys[src_uri] = self._key(src_uri, fingerprint)

    def _key(self, src_uri: str, fingerprint: str) -> str:
        files = self.files
        found = (files.get_file_from_path(t) is not None for t in self.links.get(src_uri, ()))
        return page_key(self.shared, fingerprint, found)

    def reused_texts(self, site_dir: Path) -> Iterator[tuple[str, PageText | None]]:
        """(dest_uri, what site search reads of it) of each page taken from the cache: kept
        from the build that made it, else read from the page."""
        for file, key in self.reused:
            if key in self.cache.texts:
                yield file.dest_uri, self.cache.texts[key]
            else:
                html = (site_dir / file.dest_uri).read_text(encoding="utf-8")
                yield file.dest_uri, sitesearch.page_text(html)

    def store(
        self, site_dir: Path, texts: dict[str, PageText | None], keys: dict[str, str]
    ) -> None:
        """Keep each page built now for the next build, with what site search read of it
        (`texts`, by dest_uri); `keys` are those `key_of` worked out, in every process (by
        src_uri). Give the excluded pages back their inclusion level.

        Raises OSError if a reused page could not be put in the site."""
        failed = self.placing.result() if self.placing is not None else None
        self.placing = None
        self.restore()
        if failed:
            raise OSError(f"could not put the unchanged page {failed} in the site")
        if self.fingerprinter is not None:  # a cold build: the keys came with the pages
            self.fresh = [(f, keys[f.src_uri]) for f in self.files.documentation_pages()
                          if f.src_uri in keys]  # fmt: skip
        fresh = ((key, site_dir / file.dest_uri) for file, key in self.fresh)
        keyed = {key: self.cache.texts.get(key) for _, key in self.reused}
        keyed.update((key, texts.get(file.dest_uri)) for file, key in self.fresh)
        why = self.cache.keep(fresh, (key for _, key in self.reused), keyed)
        if why:
            log.info(why)

    def restore(self) -> None:
        """Give each reused page its inclusion level back (after the pages being linked)."""
        if self.placing is not None:
            self.placing.result()
            self.placing = None
        for file, _ in self.reused:
            file.inclusion = self.levels.get(file.src_uri, file.inclusion)

    @property
    def excluded(self) -> set[str]:
        """The src paths of the reused pages."""
        return {file.src_uri for file, _ in self.reused}


def build_key(config: MkDocsConfig, nav: Any) -> str:
    """What every page of this build shares beyond the core's inputs: the config file and the
    site's URL (`serve` builds for its own), the engine's and theme's versions, and the
    navigation's titles and links."""
    parts: list[str | bytes] = [code_digest(), _config_bytes(config), str(config.site_url)]
    parts.append(str(config.use_directory_urls))
    for name in PACKAGES:
        try:
            parts.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{name} -")
    parts += [f"{item.title}\t{getattr(item, 'url', '')}" for item in _walk(nav.items)]
    return digest(parts)


def _walk(items: Any) -> Iterator[Any]:
    for item in items:
        yield item
        yield from _walk(getattr(item, "children", None) or ())


def _config_bytes(config: MkDocsConfig) -> bytes:
    path = config.config_file_path
    try:
        return Path(path).read_bytes() if path else b""
    except OSError:
        return b"\x00unreadable"
