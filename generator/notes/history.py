"""Who added each note and who last edited it, from one `git log` of the notes folder.

Without full history (a shallow clone, no git, a folder outside a repository) the wiki still
builds: the history is empty, pages fall back to the front-matter author, and one info line
says why.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from generator.model import GitInfo
from generator.notes.gitrepo import GitError, Repo, open_repo, parse_name_status, relative, run_git

log = logging.getLogger("insights")

_FORMAT = "%x1e%H%x1f%an%x1f%at"


@dataclass(frozen=True)
class Commit:
    """The parts of a commit that a note's history shows."""

    sha: str
    author: str
    day: dt.date


def git_history(root: Path, notes_dir: str) -> dict[str, GitInfo]:
    """Each committed note's GitInfo by path; {} and one info line when history is missing."""
    try:
        repo = open_repo(root)
        if repo.shallow:
            log.info("insights: this is a shallow clone, so 'added by' and 'last edited by' "
                     "are left out; fetch the full history (in CI: fetch-depth: 0)")  # fmt: skip
            return {}
        out = run_git(root, "log", "-z", f"--format={_FORMAT}", "--name-status", "-M",
                      "--", notes_dir)  # fmt: skip
    except GitError as exc:
        log.info("insights: no git history (%s), so 'added by' and 'last edited by' are left out",
                 exc)  # fmt: skip
        return {}
    return history_from_log(out.decode("utf-8", "replace"), repo)


def history_from_log(text: str, repo: Repo) -> dict[str, GitInfo]:
    """GitInfo by current path from `git log -z --name-status -M` output, newest commit first."""
    trail = _Trail()
    for record in text.split("\x1e")[1:]:
        header, _, rest = record.partition("\0")
        commit = _commit(header)
        if commit is None:
            continue
        for change in parse_name_status(rest.split("\0")):
            trail.follow(commit, change.status, change.path, change.old, change.score)
    return {
        path: info
        for top_path, info in trail.infos().items()
        if (path := relative(repo, top_path)) is not None
    }


def _commit(header: str) -> Commit | None:
    parts = header.split("\x1f")
    if len(parts) != 3 or not parts[2].strip().isdigit():
        return None
    day = dt.datetime.fromtimestamp(int(parts[2]), tz=dt.UTC).date()
    return Commit(parts[0].strip(), parts[1], day)


class _Trail:
    """Follows every file back through renames, from the newest commit to the oldest.

    `names` maps a name a file had at the commit being read to the path it has now, or to
    None once that name belongs to a file that no longer exists (or is fully traced).
    """

    def __init__(self) -> None:
        self.names: dict[str, str | None] = {}
        self.newest: dict[str, Commit] = {}
        self.added: dict[str, Commit] = {}

    def follow(self, commit: Commit, status: str, path: str, old: str | None, score: int) -> None:
        """Take in one changed file of one commit."""
        current = self.names.setdefault(path, None if status == "D" else path)
        if current is None:
            return
        if status != "R" or score < 100:  # a pure move is not an edit
            self.newest.setdefault(current, commit)
        if status == "A":
            self.added[current] = commit
            self.names[path] = None
        elif status == "R" and old is not None:
            self.names[path] = None
            self.names[old] = current

    def infos(self) -> dict[str, GitInfo]:
        """GitInfo for each file whose adding commit was found."""
        return {path: _info(added, self.newest[path]) for path, added in self.added.items()}


def _info(added: Commit, newest: Commit) -> GitInfo:
    if newest.sha == added.sha:
        return GitInfo(added_by=added.author, added_on=added.day)
    return GitInfo(added.author, added.day, edited_by=newest.author, edited_on=newest.day)
