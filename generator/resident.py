"""The search index a resident search server keeps open, and when it must look at the notes again.

Between searches the server (searchd.py) keeps the index open with a warm searcher. inotify
tells it whether anything a search depends on has changed since the last one: a note or folder
under the notes folder, mkdocs.yml, the area registry, the git index (whether the index folder
is committed to git) or a `.git` appearing at or above the wiki. If nothing has, and the
project's settings, the as-of day and the git environment are the same as last time, the open
index answers. Otherwise the search goes the normal way (`search.current_index`: the
fingerprint of every note, the refusal of a committed index, re-indexing changed notes), with
fresh watches set up first, so that no change can slip in between the look and the watch.
Without inotify (or with a symbolic link in the notes folder, whose target it cannot see),
every search goes the normal way.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from generator.gitrepo import index_file
from generator.index import InsightIndex
from generator.inotify import Watcher
from generator.notes import ReadCache
from generator.project import Project
from generator.search import current_index


class ResidentIndex:
    """One wiki's index kept open between searches, re-checked only when its inputs change."""

    def __init__(self) -> None:
        self._watcher: Watcher | None = None
        self._index: InsightIndex | None = None
        self._unindexed = 0
        self._key: tuple[object, ...] | None = None
        self._notes = ReadCache()  # so a change re-reads the changed notes only
        self.reused = 0  # searches answered by the open index without a look at the notes

    def current(self, project: Project, as_of: dt.date) -> tuple[InsightIndex, int]:
        """The project's index, as `search.current_index` would give it; it stays open."""
        key = (project, as_of, _git_environment())
        if self._index is not None and key == self._key and not self._changed():
            self.reused += 1
            return self._index, self._unindexed
        self.close()
        self._watcher = watch_inputs(project)
        self._index, self._unindexed = current_index(project, as_of, cache=self._notes)
        self._key = key
        return self._index, self._unindexed

    def _changed(self) -> bool:
        """Whether anything may have changed since the watches were set up (drains them)."""
        watcher = self._watcher
        return watcher is None or watcher.symlinks or bool(watcher.drain())

    def close(self) -> None:
        """Close the index and stop watching."""
        if self._index is not None:
            self._index.close()
        if self._watcher is not None:
            self._watcher.close()
        self._index, self._watcher, self._key = None, None, None


def watch_inputs(project: Project) -> Watcher | None:
    """A watch on everything a search of the project reads; None where that is not possible."""
    try:
        watcher = Watcher(suffixes=(".md",))
    except OSError:
        return None
    try:
        for path in watched_files(project):
            watcher.add_file(str(path))
        for folder in (project.root, *project.root.parents):  # `git init` here or above
            watcher.add_file(str(folder / ".git"), contents=False)
        watcher.add_tree(str(project.root / project.settings.notes_dir))
    except OSError:  # a folder is missing, or no inotify watches are left
        watcher.close()
        return None
    return watcher


def watched_files(project: Project) -> list[Path]:
    """mkdocs.yml, the area registry, and the git index (what `git add` changes)."""
    files = [project.config_file, project.root / project.settings.areas_file]
    git_index = index_file(project.root)
    return files if git_index is None else [*files, git_index]


def _git_environment() -> tuple[tuple[str, str], ...]:
    """GIT_* variables: they can change which files git says are tracked."""
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("GIT_")))
