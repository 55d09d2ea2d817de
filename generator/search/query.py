"""Search a wiki on disk: bring the index up to date with the notes, cheaply, then query it.

Reading and checking every note takes seconds in a large wiki, so a fingerprint of everything
the index depends on (each note file's size, modification time and inode, the area registry,
the settings and the as-of day) is recorded with each generation of the index. While it still
matches, a search reads no notes at all; when it does not, the notes are loaded and only the
changed ones are re-indexed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.config import SettingsError
from generator.model import Note, SearchFilters, SearchResult, Wiki
from generator.notes.project import Project, load_project_wiki
from generator.progress import Factory, silent
from generator.search.index import open_existing, open_index
from generator.search.searcher import InsightIndex

_DAYS = re.compile(r"^(\d{1,5})d$")


@dataclass(frozen=True)
class Searched:
    """A search's result, and how many notes were left out of the index for their errors."""

    result: SearchResult
    unindexed: int


def index_dir(project: Project) -> Path:
    """Where the project's search index lives (`cache_dir`, relative to mkdocs.yml)."""
    return project.root / project.settings.cache_dir


def indexable(wiki: Wiki) -> list[Note]:
    """The notes that go into the index: every note without an error."""
    broken = {p.path for p in wiki.errors}
    return [note for note in wiki.notes if note.path not in broken]


def fingerprint(project: Project, as_of: dt.date) -> str:
    """A digest of everything the indexed notes depend on; any change to a note changes it."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{project.settings!r}\0{as_of.isoformat()}\n".encode())
    digest.update(_stat_line(project.root / project.settings.areas_file))
    digest.update(_stat_line(project.root / project.settings.tags_file))  # folds tags
    for line in _scan(project.root / project.settings.notes_dir, project.root.resolve()):
        digest.update(line)
    return digest.hexdigest()


def _scan(folder: Path, real_root: Path) -> list[bytes]:
    """One line per entry under the notes folder: every file and folder note loading reads."""
    lines: list[bytes] = []
    seen: set[str] = set()
    stack = [str(folder)]
    while stack:
        here = stack.pop()
        real = os.path.realpath(here)
        if real in seen or not Path(real).is_relative_to(real_root):
            continue
        seen.add(real)
        try:
            with os.scandir(here) as entries:
                lines += _entry_lines(entries, stack)
        except OSError as exc:
            lines.append(f"{here}\0{exc.errno}\n".encode())
    return sorted(lines)


def _entry_lines(entries: Iterable[os.DirEntry[str]], folders: list[str]) -> list[bytes]:
    lines = []
    for entry in entries:
        try:
            if entry.is_dir():
                if not entry.name.startswith(("_", ".")):
                    folders.append(entry.path)
                lines.append(f"{entry.path}/\n".encode())
            elif entry.name.endswith(".md"):
                st = entry.stat()
                lines.append(
                    f"{entry.path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n".encode()
                )
        except OSError:
            lines.append(f"{entry.path}\0unreadable\n".encode())
    return lines


def _stat_line(path: Path) -> bytes:
    try:
        st = path.stat()
    except OSError:
        return f"{path}\0missing\n".encode()
    return f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n".encode()


class TrackedIndex(SettingsError):
    """The index folder holds files committed to git: refused, as opening them runs code."""


def current_index(
    project: Project, as_of: dt.date, timeout: float = 30.0, progress: Factory = silent
) -> tuple[InsightIndex, int]:
    """The project's index, updated if any input changed; and the number of notes with errors."""
    folder = index_dir(project)
    _refuse_tracked(project, folder)
    inputs = fingerprint(project, as_of)
    existing = open_existing(folder)
    if existing is not None:
        if existing.stamp.get("inputs") == inputs:
            return existing, int(existing.stamp.get("unindexed", 0))
        existing.close()
    wiki = load_project_wiki(project, as_of)
    notes = indexable(wiki)
    unindexed = len({p.path for p in wiki.errors})
    stamp = {"inputs": inputs, "unindexed": unindexed}
    return open_index(folder, notes, stamp, timeout=timeout, progress=progress), unindexed


def _refuse_tracked(project: Project, folder: Path) -> None:
    """Whoosh unpickles parts of an index when it opens it, so an index committed to the
    repository (say, in a pull request) would run its author's code on whoever searches."""
    if not folder.is_dir():
        return
    from generator.notes.gitrepo import tracked_files

    tracked = tracked_files(project.root, folder)
    if tracked:
        where = project.settings.cache_dir
        raise TrackedIndex(
            f"{where}: {len(tracked)} files of the search index are committed to git "
            f"(e.g. {tracked[0]}); an index must never come from the repository, since "
            f"opening it runs code. Remove them (git rm -r --cached {where}), add {where}/ "
            "to .gitignore, and search again."
        )


def search_project(
    project: Project,
    as_of: dt.date,
    query: str,
    filters: SearchFilters,
    limit: int,
    progress: Factory = silent,
) -> Searched:
    """Search the wiki's notes (QueryError for a bad query, IndexBusy if it stays locked).

    The index is opened, and brought up to date, for this search alone (`progress` shows the
    notes indexed).
    """
    index, unindexed = current_index(project, as_of, progress=progress)
    with index:
        return Searched(index.search(query, filters, limit), unindexed)


def parse_since(text: str, as_of: dt.date) -> dt.date:
    """`YYYY-MM-DD`, or `Nd` for the last N days with the as-of day included; else ValueError."""
    match = _DAYS.match(text.strip())
    if match:
        days = int(match.group(1))
        if days < 1:
            raise ValueError(f"'{text}': give at least 1d")
        return as_of - dt.timedelta(days=days - 1)
    from generator.config import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise ValueError(f"{exc}, or a number of days like 30d") from None


def hits_json(result: SearchResult) -> str:
    """The hits as the documented JSON list (scores rounded to 3 places)."""
    import json

    rows = [
        {
            "id": hit.id,
            "path": hit.path,
            "title": hit.title,
            "area": hit.area,
            "date": hit.date.isoformat(),
            "score": round(hit.score, 3),
            "snippet": hit.snippet,
        }
        for hit in result.hits
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False)


def no_match(result: SearchResult) -> str:
    """'No insights match 'x'; did you mean 'y'?'"""
    hint = f"; did you mean '{result.suggestions[0]}'?" if result.suggestions else "."
    return f"No insights match '{result.query}'{hint}"
