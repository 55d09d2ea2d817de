"""Linux inotify through ctypes: is anything new in a folder tree or at a few files?

The only user of inotify. `Watcher` watches whole folder trees (new subfolders are watched as
they appear) and single files (through their folder, filtered by name), and `drain()` returns
what happened since the last call without blocking. Where inotify is missing (not Linux, or no
watches left) `Watcher()` or an `add_*` call raises OSError, and callers must assume that
anything may have changed.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import struct
from dataclasses import dataclass, field

IN_MODIFY = 0x2
IN_ATTRIB = 0x4
IN_CLOSE_WRITE = 0x8
IN_MOVED_FROM = 0x40
IN_MOVED_TO = 0x80
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_DELETE_SELF = 0x400
IN_MOVE_SELF = 0x800
IN_UNMOUNT = 0x2000
IN_Q_OVERFLOW = 0x4000
IN_IGNORED = 0x8000
IN_ONLYDIR = 0x01000000
IN_ISDIR = 0x40000000
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = os.O_CLOEXEC
IN_MASK_ADD = 0x20000000
ENTRIES = IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE  # names come and go
CHANGES = ENTRIES | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE  # and what they hold changes
SELF = IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT | IN_IGNORED
_HEADER = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len; then the name


@dataclass(frozen=True)
class Event:
    """One change: the path it happened to, and what happened (see `kind`)."""

    path: str
    mask: int

    @property
    def kind(self) -> str:
        """created, deleted, moved, modified, attrib, gone (a watched folder) or overflow."""
        for bit, name in ((IN_Q_OVERFLOW, "overflow"), (SELF, "gone"), (IN_CREATE, "created"),
                          (IN_DELETE, "deleted"), (IN_MOVED_FROM | IN_MOVED_TO, "moved"),
                          (IN_MODIFY | IN_CLOSE_WRITE, "modified")):  # fmt: skip
            if self.mask & bit:
                return name
        return "attrib"

    @property
    def is_dir(self) -> bool:
        """Whether the entry that changed is a folder."""
        return bool(self.mask & IN_ISDIR)


@dataclass
class _Watch:
    folder: str
    tree: bool  # every entry counts, and new subfolders are watched too
    names: set[str] = field(default_factory=set)  # else only these entries count


class Watcher:
    """An inotify instance: add folder trees and files, then drain what changed."""

    def __init__(self, suffixes: tuple[str, ...] = ()) -> None:
        """`suffixes`: in trees, report only files with these endings (and every folder)."""
        self._libc = _libc()
        self._fd = _check(self._libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC))
        self._watches: dict[int, _Watch] = {}
        self.suffixes = suffixes
        self.symlinks = False  # a symbolic link in a tree: its target's changes go unseen

    def close(self) -> None:
        """Stop watching (idempotent)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> Watcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add_tree(self, folder: str) -> None:
        """Watch a folder and every subfolder not starting with '_' or '.'; OSError if not."""
        for here in _folders(folder, self):
            wd = self._add(here)
            watch = self._watches.setdefault(wd, _Watch(here, tree=True))
            watch.folder, watch.tree = here, True  # a folder moved within the tree: its new path

    def add_file(self, path: str, contents: bool = True) -> None:
        """Watch one file (it may not exist yet) through its folder; OSError if not possible.

        With `contents=False`, only its coming and going: a busy folder then sends far fewer
        events (all of its entries', which are read and dropped).
        """
        folder, name = os.path.split(os.path.abspath(path))
        self.symlinks = self.symlinks or os.path.islink(path)
        wd = self._add(folder, CHANGES if contents else ENTRIES)
        watch = self._watches.setdefault(wd, _Watch(folder, tree=False))
        watch.names.add(name)

    def _add(self, folder: str, events: int = CHANGES) -> int:
        """Watch a folder for these events too (a folder is watched once, for every event)."""
        mask = events | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_MASK_ADD
        return _check(self._libc.inotify_add_watch(self._fd, os.fsencode(folder), mask))

    def drain(self) -> list[Event]:
        """Every relevant change since the last call, without waiting for more."""
        events: list[Event] = []
        while True:
            try:
                data = os.read(self._fd, 64 * 1024)
            except BlockingIOError:
                return events
            events += self._parse(data)

    def _parse(self, data: bytes) -> list[Event]:
        events, offset = [], 0
        while offset < len(data):
            wd, mask, _, size = _HEADER.unpack_from(data, offset)
            start = offset + _HEADER.size
            name = os.fsdecode(data[start : start + size].rstrip(b"\0"))
            offset = start + size
            event = self._event(wd, mask, name)
            if event is not None:
                events.append(event)
        return events

    def _event(self, wd: int, mask: int, name: str) -> Event | None:
        if mask & IN_Q_OVERFLOW:
            return Event("", mask)
        watch = self._watches.get(wd)
        if watch is None:
            return None
        if not name:  # the watched folder itself was deleted, moved or unmounted
            if mask & IN_IGNORED:
                del self._watches[wd]
            return Event(watch.folder, mask)
        path = os.path.join(watch.folder, name)
        if name not in watch.names and not (watch.tree and self._counts(name, mask)):
            return None
        if watch.tree and mask & IN_ISDIR and mask & (IN_CREATE | IN_MOVED_TO):
            self._watch_new(path)
        return Event(path, mask)

    def _counts(self, name: str, mask: int) -> bool:
        """Whether a change to this entry of a tree is reported: folders, and wanted files."""
        return bool(mask & IN_ISDIR) or not self.suffixes or name.endswith(self.suffixes)

    def _watch_new(self, folder: str) -> None:
        """A folder appeared in a tree: watch it and whatever it already holds."""
        if os.path.basename(folder).startswith(("_", ".")):
            return
        with contextlib.suppress(OSError):  # gone again already: that is reported too
            self.add_tree(folder)


def _folders(top: str, watcher: Watcher) -> list[str]:
    """`top` and its subfolders as note loading walks them; notes symbolic links it meets."""
    found, stack = [], [top]
    watcher.symlinks = watcher.symlinks or os.path.islink(top)
    while stack:
        here = stack.pop()
        found.append(here)
        try:
            with os.scandir(here) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        watcher.symlinks = True
                    elif entry.is_dir() and not entry.name.startswith(("_", ".")):
                        stack.append(entry.path)
        except FileNotFoundError:
            if here == top:
                raise  # else it went again: its parent reports that
    return found


def _check(result: int) -> int:
    if result < 0:
        number = ctypes.get_errno()
        raise OSError(number, os.strerror(number))
    return result


_LIBC: ctypes.CDLL | None = None


def _libc() -> ctypes.CDLL:
    """The C library's inotify functions; OSError where there are none."""
    global _LIBC
    if _LIBC is None:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            for name in ("inotify_init1", "inotify_add_watch"):
                getattr(libc, name)
        except (OSError, AttributeError):
            raise OSError(errno.ENOSYS, "inotify is not available here") from None
        libc.inotify_init1.argtypes = [ctypes.c_int]
        libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        _LIBC = libc
    return _LIBC
