"""Built pages kept between builds: a page whose inputs did not change is linked, not built.

Each page the core can fingerprint (generator/site/fingerprint.py: insight and listing
pages) gets a key: the digest of its fingerprint, of what every page of this build shares
(`build_key`: mkdocs.yml, the MkDocs and theme versions, the navigation) and of which of the
note's local links lead to a file. After a build, every such page is hard-linked (or copied,
across file systems) into `cache_dir/pages/` under its key, and `manifest.json` records each
file's size and modification time. The next build looks each key up: a page found, with the
size and time recorded, is linked into the new site and left out of MkDocs' build.

A site file is never written in place (each build writes a new folder, see staging.py), so a
link shared with the cache stays as built; one that was changed anyway no longer matches its
recorded time, and is built again. A manifest from another version, or one that cannot be
read, is ignored with one info line, and the build makes every page.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from generator.digest import code_digest, digest
from generator.processes import paused_gc
from generator.site.searchfiles import EntryMemo

FORMAT = 1
MANIFEST = "manifest.json"
TEXTS = "texts.pickle"  # what site search read of each page, so a reused page is not read
SEARCH = "search.pickle"  # each term's encoded postings in the last site-search index


class PageCache:
    """The pages of the last build, by key (see the module's docstring)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.known: dict[str, tuple[int, int]] = {}  # key: (size, mtime_ns) as stored
        self.notice: str | None = None  # why the saved cache was not used, if it was not
        self.texts: dict[str, Any] = {}  # key: what site search read of the page
        self.search = EntryMemo()  # the last search index's encoded postings

    @classmethod
    def open(cls, folder: Path) -> PageCache:
        """The cache in `folder`; empty, with a `notice`, if its manifest is unusable."""
        cache = cls(folder)
        path = folder / MANIFEST
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cache
        except (OSError, ValueError) as exc:
            cache.notice = f"the page cache {path} is unreadable ({type(exc).__name__})"
            return cache
        if not isinstance(saved, dict) or saved.get("format") != FORMAT:
            cache.notice = f"the page cache {path} is from another version"
            return cache
        if saved.get("code") != code_digest():
            cache.notice = "the page cache is from another version of the code"
            return cache
        pages = saved.get("pages")
        if isinstance(pages, dict):
            for key, value in pages.items():
                if isinstance(key, str) and _pair(value):
                    cache.known[key] = (value[0], value[1])
        try:
            with (folder / TEXTS).open("rb") as file, paused_gc():
                texts = pickle.load(file)
            cache.texts = texts if isinstance(texts, dict) else {}
        except Exception:  # any damage: the pages' texts are read from the pages again
            cache.texts = {}
        try:
            with (folder / SEARCH).open("rb") as file, paused_gc():
                memo = pickle.load(file)
            cache.search = memo if isinstance(memo, EntryMemo) else EntryMemo()
        except Exception:  # any damage: every term is encoded again
            cache.search = EntryMemo()
        return cache

    def path(self, key: str) -> str:
        """Where the page of `key` is kept."""
        return os.path.join(self.folder, key[:2], f"{key}.html")

    def has(self, key: str) -> bool:
        """Whether the page of `key` is kept, unchanged since it was stored."""
        recorded = self.known.get(key)
        if recorded is None:
            return False
        try:
            info = os.stat(self.path(key))
        except OSError:
            return False
        return (info.st_size, info.st_mtime_ns) == recorded

    def place_all(self, wanted: Iterable[tuple[str, Path]]) -> str | None:
        """Put the kept page of each (key, target) at its target (a hard link, else a copy).
        None, or the first target that could not be written and why."""
        for key, target in wanted:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                _link_or_copy(self.path(key), target)
            except OSError as exc:
                return f"{target} ({exc.strerror or exc})"
        return None

    def keep(
        self, built: Iterable[tuple[str, Path]], used: Iterable[str], texts: dict[str, Any]
    ) -> str | None:
        """After a build: store each (key, built file), forget every page this build did not
        use or store, and write the manifest and the pages' `texts` (by key). None, or why
        the cache could not be saved."""
        keys = set(used)
        stored: set[str] = set()
        try:
            for key, source in built:
                target = self.path(key)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(target)
                _link_or_copy(source, target)
                stored.add(key)
            keys |= stored
            for key in set(self.known) - keys:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.path(key))
            known, self.known = self.known, {}
            for key in sorted(keys):  # a page used as kept is as recorded (`has` checked)
                if key in known and key not in stored:
                    self.known[key] = known[key]
                else:
                    info = os.stat(self.path(key))
                    self.known[key] = (info.st_size, info.st_mtime_ns)
            manifest = {"format": FORMAT, "code": code_digest(), "pages": self.known}
            self.texts = {key: texts[key] for key in self.known if key in texts}
            data = pickle.dumps(self.texts, protocol=pickle.HIGHEST_PROTOCOL)
            _write_atomically(self.folder / TEXTS, data)
            data = pickle.dumps(self.search, protocol=pickle.HIGHEST_PROTOCOL)
            _write_atomically(self.folder / SEARCH, data)
            _write_atomically(self.folder / MANIFEST, json.dumps(manifest, sort_keys=True))
        except OSError as exc:
            return f"could not save the page cache in {self.folder}: {exc.strerror or exc}"
        return None


def page_key(build_key: str, fingerprint: str, links: Iterable[bool]) -> str:
    """A page's key: its fingerprint in this build, with which of its links lead somewhere."""
    return digest([build_key, fingerprint, "".join("1" if found else "0" for found in links)])


def _pair(value: object) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)


def _link_or_copy(source: Path | str, target: Path | str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _write_atomically(path: Path, text: str | bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        if isinstance(text, bytes):
            temporary.write_bytes(text)
        else:
            temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
