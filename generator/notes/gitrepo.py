"""Git plumbing: the only module that runs git. A few processes per command, never one per note.

Paths given and returned are POSIX paths relative to `root` (the folder holding mkdocs.yml),
which may sit below the repository's top level.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path


class GitError(Exception):
    """Git is missing, the folder is not in a repository, or a command failed: says which."""


@dataclass(frozen=True)
class Repo:
    """Where `root` sits in its repository, and whether the clone has full history."""

    root: Path
    prefix: str  # root relative to the top level, '' or ending in '/'
    shallow: bool


@dataclass(frozen=True)
class Change:
    """One line of `git diff --name-status`: a status letter and the path(s) it names."""

    status: str  # A, M, D, T or R (renamed; `old` is the path before)
    path: str
    old: str | None = None
    score: int = 100


def run_git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run `git -C root ARGS` and return its output; GitError with git's own message if it fails."""
    command = ["git", "-c", "log.showSignature=false", "-C", str(root), *args]
    try:
        done = subprocess.run(command, input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def tracked_files(root: Path, folder: Path) -> list[str]:
    """The files under `folder` that git tracks, if `root` is in a repository (else none)."""
    try:
        out = run_git(root, "ls-files", "-z", "--", str(folder))
    except GitError:
        return []
    return [name for name in out.decode("utf-8", "replace").split("\0") if name]


def index_file(root: Path) -> Path | None:
    """The index file of the repository holding `root` (`git add` rewrites it), if any."""
    try:
        out = run_git(root, "rev-parse", "--git-path", "index")
    except GitError:
        return None
    return root / out.decode("utf-8", "surrogateescape").strip()  # relative to root, or absolute


def open_repo(root: Path) -> Repo:
    """The repository holding `root`; GitError if there is none."""
    out = run_git(root, "rev-parse", "--is-shallow-repository", "--show-prefix")
    shallow, _, prefix = out.decode("utf-8", "replace").partition("\n")
    return Repo(root, prefix.strip(), shallow.strip() == "true")


def resolve_commit(repo: Repo, ref: str) -> str:
    """The commit id a ref names; GitError that names the ref if it names none."""
    try:
        out = run_git(repo.root, "rev-parse", "--verify", "--quiet", "--end-of-options",
                      f"{ref}^{{commit}}")  # fmt: skip
    except GitError:
        raise GitError(f"'{ref}' is not a commit in this repository; fetch it, or check the "
                       "name (CI needs 'fetch-depth: 0')") from None  # fmt: skip
    return out.decode().strip()


def relative(repo: Repo, top_path: str) -> str | None:
    """A path from the top level made relative to root (None if it lies outside root)."""
    if not top_path.startswith(repo.prefix):
        return None
    return top_path[len(repo.prefix) :]


def read_files(repo: Repo, commit: str, paths: Sequence[str]) -> dict[str, bytes]:
    """The regular files under `paths` at a commit, by content: one ls-tree and one cat-file."""
    listing = run_git(repo.root, "ls-tree", "-r", "-z", "--full-name", commit, "--", *paths)
    wanted: dict[str, str] = {}
    for entry in listing.decode("utf-8", "replace").split("\0"):
        meta, _, top_path = entry.partition("\t")
        fields = meta.split()
        path = relative(repo, top_path)
        if len(fields) == 3 and fields[0] in ("100644", "100755") and path is not None:
            wanted[path] = fields[2]
    if not wanted:
        return {}
    batch = run_git(repo.root, "cat-file", "--batch", stdin="\n".join(wanted.values()).encode())
    contents = dict(_batch_objects(batch))
    return {path: contents[oid] for path, oid in wanted.items() if oid in contents}


def _batch_objects(out: bytes) -> Iterator[tuple[str, bytes]]:
    """(object id, content) pairs from `git cat-file --batch` output."""
    position = 0
    while position < len(out):
        end = out.index(b"\n", position)
        header = out[position:end].decode().split()
        if len(header) < 3:  # "<oid> missing"
            position = end + 1
            continue
        size = int(header[2])
        yield header[0], out[end + 1 : end + 1 + size]
        position = end + 1 + size + 1


def diff_changes(repo: Repo, base: str, head: str | None, folder: str) -> list[Change]:
    """`git diff --name-status -M` of a folder between two commits (head None: the work tree)."""
    revisions = [base] if head is None else [base, head]
    out = run_git(repo.root, "diff", "-z", "--no-ext-diff", "--name-status", "-M", *revisions,
                  "--", folder)  # fmt: skip
    found = parse_name_status(out.decode("utf-8", "replace").split("\0"))
    return [c for raw in found if (c := _relative_change(repo, raw)) is not None]


def _relative_change(repo: Repo, change: Change) -> Change | None:
    path = relative(repo, change.path)
    old = relative(repo, change.old) if change.old is not None else None
    if path is None:
        return None
    return Change(change.status, path, old, change.score)


def parse_name_status(tokens: Sequence[str]) -> list[Change]:
    """Changes from the NUL-separated tokens of `--name-status -z` output."""
    changes = []
    items = [t for t in tokens if t]
    position = 0
    while position + 1 < len(items):
        status = items[position].strip()
        if status[:1] in ("R", "C") and position + 2 < len(items):
            old, new = items[position + 1], items[position + 2]
            score = int(status[1:] or 100)
            # a copy leaves the original in place: for notes it is an added file
            changes.append(Change("R", new, old, score) if status[0] == "R" else Change("A", new))
            position += 3
        else:
            changes.append(Change(status[:1], items[position + 1]))
            position += 2
    return changes


def user_name(root: Path) -> str | None:
    """`git config user.name`, or None where git or the setting is missing."""
    try:
        name = run_git(root, "config", "user.name").decode("utf-8", "replace").strip()
    except GitError:
        return None
    return name or None
