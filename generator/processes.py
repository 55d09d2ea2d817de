"""How many cores this process may use, and whether it may fork: one answer for every part
that spreads work over processes (reading notes, the Whoosh index, the page workers)."""

from __future__ import annotations

import os
import threading


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
