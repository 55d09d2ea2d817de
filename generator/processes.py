"""How many cores this process may use, and whether it may fork: one answer for every part
that spreads work over processes (reading notes, the Whoosh index, the page workers, a
warm build's fingerprints); and `Forked`, a task run in a child meanwhile."""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity where the platform has one (a
    container or `taskset` limits it), else every core; at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Whether forking is safe here: the platform has fork, and this process runs one thread
    (a fork copies only the calling thread; `mkdocs serve` runs several)."""
    return hasattr(os, "fork") and threading.active_count() == 1


class Forked(Generic[T]):
    """A task run in a forked child while this process goes on; `result()` waits for it.

    Where forking is not safe (see `can_fork`), or the child fails, the task runs here, in
    `result()`, so the caller gets the same answer either way.
    """

    def __init__(self, task: Callable[[], T]) -> None:
        self.task = task
        self.pid = 0
        self.reader = -1
        if usable_cores() < 2 or not can_fork():
            return
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child's side is seen through its result
            code = 1
            try:
                os.close(reader)
                data = pickle.dumps(task(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(writer, "wb") as pipe:
                    pipe.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(writer)
        self.pid, self.reader = pid, reader

    def result(self) -> T:
        """The task's result, from the child if it ran one."""
        if not self.pid:
            return self.task()
        with os.fdopen(self.reader, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if status != 0 or not data:
            return self.task()  # the child failed (out of memory, say): do it here
        found: T = pickle.loads(data)
        return found


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection meanwhile: for loading large pickles, whose many new
    objects would otherwise set off full collections over everything already loaded."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
