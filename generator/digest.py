"""Digests: what a cache keys its entries on. Content digests of strings and folders, and of
this package's own source, so a new version of the code never reuses an old result."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent  # generator/
CODE_SUFFIXES = (".py", ".j2", ".css", ".js", ".html", ".svg", ".yml")


def digest(parts: Iterable[str | bytes]) -> str:
    """A hex digest of the parts, each length-prefixed, so ("ab", "c") differs from ("a", "bc")."""
    hasher = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass")
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def folder_digest(folder: Path, suffixes: tuple[str, ...] | None = None) -> str:
    """A digest of the files under `folder` (those ending in `suffixes`, if given): their
    relative paths and bytes."""
    try:
        paths = sorted(p for p in folder.rglob("*") if p.is_file())
    except OSError:
        return "unreadable"
    parts: list[str | bytes] = []
    for path in paths:
        if suffixes is not None and path.suffix not in suffixes:
            continue
        parts.append(path.relative_to(folder).as_posix())
        try:
            parts.append(path.read_bytes())
        except OSError:
            parts.append("\x00unreadable")
    return digest(parts)


@cache
def code_digest() -> str:
    """A digest of this package's source files (read once per process)."""
    return folder_digest(PACKAGE, CODE_SUFFIXES)
