"""Parsed notes kept between builds, so a build after one edit parses one note, not all.

An entry is a file's path with the digest of its bytes and what parsing them gave. It is
used again only while everything else parsing reads is the same (`context_key`: the
settings, the area registry, the as-of day and this package's code), and while every id the
note's `related:` names still exists; a file that had errors is always parsed again, so its
messages (a did-you-mean among the current ids, say) are current.

On disk the cache is one pickle in `cache_dir`. A cache from another version, or one that
cannot be read, is ignored (`ParseCache.load` says why, for one info line).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

from generator.digest import code_digest, digest
from generator.model import Decision, Note, Problem
from generator.processes import paused_gc

FORMAT = 1
Parsed = tuple[Note | Decision | None, list[Problem]]
Reader = Callable[[Any], "bytes | None"]


class ParseCache:
    """Parse results by path and content digest, for one context (see the module)."""

    def __init__(self, context_key: str) -> None:
        self.context_key = context_key
        self.entries: dict[str, tuple[str, Parsed]] = {}
        self.changed = False

    def reset(self, context_key: str) -> None:
        """Forget every entry: parsing now reads another context."""
        self.context_key = context_key
        self.entries = {}
        self.changed = True

    @staticmethod
    def context_of(*parts: str) -> str:
        """The context key of what parsing reads besides the file (settings, areas, day)."""
        return digest([code_digest(), *parts])

    def parse_all(
        self,
        files: Sequence[Any],
        read: Reader,
        parse_many: Callable[[list[Any]], list[Parsed]],
        ids: Collection[str],
        unchanged: Callable[[Any], bool] | None = None,
    ) -> list[Parsed]:
        """Each file's parse result, in order: from the cache where its bytes (`read`) are the
        same, else from `parse_many` (all the misses at once). Keeps only the files given.

        A file `unchanged` says is the same since it was cached (a preview server watches
        them) is not read again."""
        results: list[Parsed | None] = []
        misses: list[int] = []
        digests: dict[int, str] = {}
        for index, item in enumerate(files):
            entry = self.entries.get(item.path)
            known = entry is not None and unchanged is not None and unchanged(item)
            if known and entry is not None and _still_valid(entry[1], ids):
                digests[index] = entry[0]
                results.append(entry[1])
                continue
            data = read(item)
            if data is None:
                results.append(None)
                misses.append(index)
                continue
            found = hashlib.blake2b(data, digest_size=20).hexdigest()
            digests[index] = found
            entry = self.entries.get(item.path)
            if entry is not None and entry[0] == found and _still_valid(entry[1], ids):
                results.append(entry[1])
            else:
                results.append(None)
                misses.append(index)
        if misses:
            parsed = parse_many([files[i] for i in misses])
            for index, result in zip(misses, parsed, strict=True):
                results[index] = result
        done = [r for r in results if r is not None]
        kept = {
            item.path: (digests[index], result)
            for index, (item, result) in enumerate(zip(files, done, strict=True))
            if index in digests and result[0] is not None
        }
        if kept.keys() != self.entries.keys() or misses:
            self.changed = True
        self.entries = kept
        return done

    @classmethod
    def load(cls, path: Path, context_key: str) -> tuple[ParseCache, str | None]:
        """The cache saved at `path` if it is for this context, else an empty one and why the
        saved one is not used (None if there was none)."""
        cache = cls(context_key)
        try:
            with path.open("rb") as file, paused_gc():
                saved = pickle.load(file)
        except FileNotFoundError:
            return cache, None
        except Exception as exc:  # any damage means: start afresh
            return cache, f"the parsed-notes cache {path} is unreadable ({type(exc).__name__})"
        if not isinstance(saved, dict) or saved.get("format") != FORMAT:
            return cache, f"the parsed-notes cache {path} is from another version"
        if saved.get("context") != context_key:
            return cache, None  # settings, areas, day or code changed: an expected miss
        entries = saved.get("entries")
        if isinstance(entries, dict):
            cache.entries = entries
        return cache, None

    def save(self, path: Path) -> str | None:
        """Write the cache if it changed; None, or why it could not be written."""
        if not self.changed:
            return None
        data = {"format": FORMAT, "context": self.context_key, "entries": self.entries}
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with temporary.open("wb") as file:
                pickle.dump(data, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            return f"could not save the parsed-notes cache at {path}: {exc.strerror or exc}"
        self.changed = False
        return None


def _still_valid(parsed: Parsed, ids: Collection[str]) -> bool:
    note = parsed[0]
    return note is not None and all(other in ids for other in getattr(note, "related", ()))
