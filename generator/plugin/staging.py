"""Build the site into a hidden folder inside `site_dir`, then swap it in: a build that fails
or is killed leaves the previous site whole.

MkDocs empties `site_dir` first and writes pages one by one, so until now a build stopped a
second in left an empty site. Here MkDocs is pointed at `site_dir/.insights-new-<pid>/`.
Once the build is complete, the previous site's entries are moved into a hidden folder next
to `site_dir` (`.site.insights-old-<pid>`), and the new site's top-level entries are renamed
into place: a few dozen renames on one file system, so the site is missing for milliseconds,
never half-built. A child process deletes the old entries; the build does not wait for it
(deleting 40,000 files can take seconds), and the next build deletes whatever it left. Where
that sibling folder cannot be made, the old entries are set aside inside `site_dir` and the
build waits for their deletion, so nothing old is ever published. A failed build deletes its
new folder; one that was killed leaves it, and the next build deletes it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from generator.plugin import trash

PREFIX = ".insights-new-"


class Staging:
    """The hidden folder one build writes into, and the site folder it will replace."""

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        self.folder = site_dir / f"{PREFIX}{os.getpid()}"

    def start(self) -> Path:
        """Make the hidden folder (deleting any a killed build left) and return it."""
        trash.delete_in_background(_stale(self.site_dir))
        self.folder.mkdir(parents=True)
        return self.folder

    def finish(self) -> None:
        """Swap the new site in; the previous one is deleted in the background."""
        deletion = None
        old = self.site_dir.parent / f".{self.site_dir.name}.insights-old-{os.getpid()}"
        try:
            old.mkdir()
        except OSError:
            deletion = trash.empty_in_background(self.site_dir)  # waited for, below
        else:
            for name in os.listdir(self.site_dir):
                if not name.startswith("."):
                    with contextlib.suppress(OSError):
                        os.rename(self.site_dir / name, old / name)
            trash.delete_in_background([old])
        try:
            for name in sorted(os.listdir(self.folder)):
                target = self.site_dir / name
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)  # an entry trash.py could not move aside
                elif target.exists() or target.is_symlink():
                    target.unlink()
                os.rename(self.folder / name, target)
            self.folder.rmdir()
        finally:
            if deletion is not None:
                deletion.wait()

    def abandon(self) -> None:
        """Delete the new site of a build that failed; the previous site stays as it was."""
        shutil.rmtree(self.folder, ignore_errors=True)


def _stale(site_dir: Path) -> list[Path]:
    """What killed builds left: new sites inside `site_dir`, old ones beside it."""
    found = []
    old = f".{site_dir.name}.insights-old-"
    for folder, prefix in ((site_dir, PREFIX), (site_dir.parent, old)):
        with contextlib.suppress(OSError):
            found += [folder / n for n in sorted(os.listdir(folder)) if n.startswith(prefix)]
    return found
