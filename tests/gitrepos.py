"""Real temporary git repositories for tests: fixed authors and dates, no user or system config."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ISOLATED = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"}


class GitRepo:
    """A repository at `root`, committed to with pinned authors and dates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Ann Author")
        self.git("config", "user.email", "ann@example.com")

    def git(self, *args: str, who: str = "Ann Author", when: str = "2026-06-01T12:00:00Z") -> str:
        """Run git in the repository as `who` at `when`; return its output."""
        email = who.lower().replace(" ", ".") + "@example.com"
        env = {
            **os.environ,
            **ISOLATED,
            "GIT_AUTHOR_NAME": who,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_NAME": who,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_COMMITTER_DATE": when,
        }
        done = subprocess.run(
            ["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True
        )
        return done.stdout

    def write(self, rel: str, text: str) -> None:
        """Write a file, making its folders."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def move(self, old: str, new: str) -> None:
        """`git mv`, making the new folder first."""
        (self.root / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", old, new)

    def commit(self, message: str, who: str = "Ann Author", when: str = "2026-06-01") -> str:
        """Commit everything in the work tree; return the commit id."""
        stamp = f"{when}T12:00:00Z" if len(when) == 10 else when
        self.git("add", "-A", who=who, when=stamp)
        self.git("commit", "-q", "-m", message, who=who, when=stamp)
        return self.git("rev-parse", "HEAD").strip()


def isolate_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """The code under test runs git too: keep the user's and the system's config out of it."""
    for name, value in ISOLATED.items():
        monkeypatch.setenv(name, value)
