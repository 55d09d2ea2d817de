"""Where the notes are: the Markdown files under the notes folder, and links leading out of it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.config import Settings, SettingsError
from generator.model import Problem

NOT_NOTES = {"index.md", "readme.md"}
# What the wiki publishes from the notes folder besides the notes: images and documents. Any
# other file there (HTML, SVG, scripts) could carry markup that no check has looked at.
NOTE_ATTACHMENTS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".pdf", ".csv"})
MARKDOWN_LIKE = (".md", ".markdown", ".mdown", ".mkd", ".mkdn")


@dataclass(frozen=True)
class NoteFile:
    """A file found under the notes folder: its POSIX path and the problem with it, if any."""

    path: str
    absolute: Path
    problem: Problem | None = None

    @property
    def id(self) -> str:
        """The note's id: its file name without `.md`."""
        return self.path.rpartition("/")[2].removesuffix(".md")


def find_note_files(root: Path, settings: Settings) -> list[NoteFile]:
    """Every Markdown note under the notes folder, in path order, with link problems noted.

    `index.md`, `README.md` (any case), dot-files, and folders starting with `_` or `.` are
    not notes. Symbolic links are followed inside the repository (each folder once, so a loop
    ends), and reported when they lead outside it.
    """
    walk = _Walk(root, root / settings.notes_dir)
    if not walk.base.is_dir():
        raise SettingsError(
            f"the notes folder '{settings.notes_dir}' does not exist; create it, "
            "or set the plugin's notes_dir option"
        )
    if walk.outside(walk.base):
        return [walk.link_problem(walk.base, "folder")]
    for folder, dirs, files in os.walk(walk.base, followlinks=True, onerror=walk.unreadable):
        walk.visit(Path(folder), dirs, files)
    return sorted(walk.found, key=lambda f: f.path)


@dataclass
class _Walk:
    root: Path
    base: Path
    found: list[NoteFile] = field(default_factory=list)
    seen: set[Path] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.real_root = _resolve(self.root) or self.root
        self.real_base = _resolve(self.base) or self.base

    def visit(self, here: Path, dirs: list[str], files: list[str]) -> None:
        real = _resolve(here)
        if real is None or real in self.seen:
            dirs[:] = []
            return
        self.seen.add(real)
        dirs[:] = [d for d in sorted(dirs) if self.walk_into(here / d)]
        for name in sorted(files):
            if name.startswith(".") or name.lower() in NOT_NOTES:
                continue
            if name.endswith(".md"):
                self.found.append(self.note_file(here / name))
            elif name.lower().endswith(MARKDOWN_LIKE):
                self.found.append(self.misnamed(here / name))

    def walk_into(self, folder: Path) -> bool:
        if folder.name.startswith(("_", ".")):
            return False
        if not folder.is_symlink():
            return True
        target = _resolve(folder)
        if target is None or not target.is_relative_to(self.real_root):
            self.found.append(self.link_problem(folder, "folder"))
            return False
        return not target.is_relative_to(self.real_base)  # else walked where it really is

    def note_file(self, path: Path) -> NoteFile:
        if path.is_symlink() and self.outside(path):
            return self.link_problem(path, "note")
        return NoteFile(self.rel(path), path)

    def misnamed(self, path: Path) -> NoteFile:
        rel = self.rel(path)
        fixed = path.name.rsplit(".", 1)[0] + ".md"
        msg = f"only files ending in '.md' are read as notes; rename it to '{fixed}'"
        return NoteFile(rel, path, Problem(rel, 1, 1, "error", "not-a-note", msg))

    def outside(self, path: Path) -> bool:
        target = _resolve(path)
        return target is None or not target.is_relative_to(self.real_root)

    def link_problem(self, path: Path, kind: str) -> NoteFile:
        rel = self.rel(path)
        if _resolve(path) is None:
            msg = f"this {kind} is a symbolic link that loops back on itself; replace it"
            return NoteFile(rel, path, Problem(rel, 1, 1, "error", "unreadable", msg))
        fix = "copy the note in" if kind == "note" else "move the notes into the repository"
        msg = f"this {kind} is a symbolic link to outside the repository; {fix} instead"
        return NoteFile(rel, path, Problem(rel, 1, 1, "error", "symlink-outside", msg))

    def unreadable(self, error: OSError) -> None:
        path = Path(error.filename)
        rel = self.rel(path)
        msg = f"cannot list this folder ({error.strerror}); check its permissions"
        self.found.append(NoteFile(rel, path, Problem(rel, 1, 1, "error", "unreadable", msg)))

    def rel(self, path: Path) -> str:
        return Path(os.path.relpath(path, self.root)).as_posix()


def _resolve(path: Path) -> Path | None:
    """The real path, or None for a symbolic link loop."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None
