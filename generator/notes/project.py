"""A wiki project on disk: the folder holding mkdocs.yml, its settings, areas and notes."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from generator.config import Settings, SettingsError, Validate, find_config, read_settings
from generator.model import Area, Problem, Wiki
from generator.progress import Tick, no_progress

if TYPE_CHECKING:
    from generator.notes.load import NoteFile
    from generator.notes.parsecache import ParseCache


class _HasPath(Protocol):
    @property
    def path(self) -> str: ...


T = TypeVar("T", bound=_HasPath)


class RegistryError(SettingsError):
    """The area registry is broken: no note can be checked until it is fixed."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(p.format() for p in problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class Project:
    """Where the wiki lives and how it is configured."""

    root: Path
    config_file: Path
    settings: Settings


def open_project(
    config_file: Path | None, validate: Validate, start: Path | None = None
) -> Project:
    """The project of an explicit mkdocs.yml, or of the nearest one above `start`; `validate`
    checks the plugin's options (the MkDocs adapter's `settings_from_options`)."""
    if config_file is None:
        config_file = find_config((start or Path.cwd()).resolve())
        if config_file is None:
            raise SettingsError("no mkdocs.yml here or above; run in a wiki, or pass --config")
    if not config_file.is_file():
        raise SettingsError(f"{config_file}: no such config file")
    config_file = config_file.resolve()
    return Project(config_file.parent, config_file, read_settings(config_file, validate))


def load_project_wiki(
    project: Project,
    as_of: dt.date,
    files: list[NoteFile] | None = None,
    say: Callable[[str], None] | None = None,
    tick: Tick = no_progress,
) -> Wiki:
    """Load the registry and every note; a broken registry raises RegistryError.

    With the `build_cache` option, parsed notes are reused from `cache_dir` (see
    parsecache.py); `say` gets the one line saying why a cache was ignored, if one was."""
    from generator.notes.areas import load_areas  # here: `insights search` rarely needs them

    areas, problems = load_areas(project.root, project.settings)
    if problems:
        raise RegistryError(problems)
    return load_cached_wiki(project.root, project.settings, areas, as_of, files, say, tick=tick)


def load_cached_wiki(
    root: Path,
    settings: Settings,
    areas: tuple[Area, ...],
    as_of: dt.date,
    files: list[NoteFile] | None = None,
    say: Callable[[str], None] | None = None,
    cache: ParseCache | None = None,
    tick: Tick = no_progress,
) -> Wiki:
    """`load_wiki`, with parsed notes reused from `cache` (kept in memory by a server) or,
    with the `build_cache` option, from cache_dir; `say` gets why a saved cache was ignored."""
    from generator.notes.load import find_note_files, load_wiki
    from generator.notes.parsecache import ParseCache

    if files is None:
        files = find_note_files(root, settings)
    if cache is None and not settings.build_cache:
        return load_wiki(root, settings, areas, as_of, files, tick=tick)
    key = ParseCache.context_of(repr(settings), repr(areas), as_of.isoformat())
    path = root / settings.cache_dir / "notes.pickle"
    if cache is None:
        cache, why = ParseCache.load(path, key)
        if why and say:
            say(f"{why}; parsing every note")
    elif cache.context_key != key:  # a server's first build, or one after a settings change
        saved, why = ParseCache.load(path, key) if settings.build_cache else (None, None)
        cache.reset(key)
        if saved is not None:
            cache.entries = saved.entries
        if why and say:
            say(f"{why}; parsing every note")
    wiki = load_wiki(root, settings, areas, as_of, files, cache, tick)
    why = cache.save(path) if settings.build_cache else None
    if why and say:
        say(why)
    return wiki


def relative_paths(project: Project, paths: Sequence[Path]) -> set[str]:
    """POSIX paths relative to the project root, for files or folders given on the command line.

    An empty set means the whole wiki (no paths, or the wiki's own folder among them).
    """
    wanted = set()
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise SettingsError(f"{path}: no such file or folder")
        absolute = Path(os.path.abspath(path))  # '.' and '..' resolved, a symlinked note kept
        if absolute != absolute.parent:
            absolute = absolute.parent.resolve() / absolute.name
        try:
            relative = absolute.relative_to(project.root).as_posix()
        except ValueError:
            raise SettingsError(f"{path}: not inside the wiki at {project.root}") from None
        if relative == ".":
            return set()
        wanted.add(relative)
    return wanted


def select(items: Sequence[T], wanted: set[str]) -> list[T]:
    """The problems (or files) in the wanted files or folders (all of them if none are wanted)."""
    if not wanted:
        return list(items)
    return [i for i in items if any(i.path == w or i.path.startswith(w + "/") for w in wanted)]
