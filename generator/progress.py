"""Progress of long work on a terminal: one line, rewritten in place, with what is done of the
total and the time elapsed ("Building pages: 4,210/12,809 (33%), 0:12").

The core reports progress through a `Tick`: a callable told how many more items are done. The
adapters decide where it goes: `Progress.on_terminal` gives a line on stderr when it is a
terminal and the run is not in CI, and a silent one otherwise, so logs and pipes stay clean.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from typing import TextIO

Tick = Callable[[int], None]
Factory = Callable[[str, int], "Progress"]  # (label, total): a progress line, or a silent one
INTERVAL = 0.2  # seconds between redraws: often enough to look alive, rarely enough to cost nothing


def no_progress(count: int) -> None:
    """A Tick that reports nothing."""


class Progress:
    """A progress line for `total` items of `label` (silent without a stream)."""

    def __init__(
        self,
        label: str,
        total: int,
        stream: TextIO | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.total = total
        self.stream = stream
        self.clock = clock
        self.start = clock()
        self.done = 0
        self.drawn_at = -INTERVAL
        self.width = 0

    @classmethod
    def on_terminal(
        cls, label: str, total: int, environ: Mapping[str, str], stream: TextIO = sys.stderr
    ) -> Progress:
        """A line on `stream` if it is a terminal and `environ` is not CI's; else silent."""
        shown = stream.isatty() and not environ.get("CI")
        return cls(label, total, stream if shown else None)

    def __call__(self, count: int = 1) -> None:
        """`count` more items are done."""
        self.set(self.done + count)

    def set(self, done: int) -> None:
        """`done` items are done in all."""
        self.done = done
        if self.stream is None:
            return
        now = self.clock()
        if now - self.drawn_at >= INTERVAL or done >= self.total:
            self.drawn_at = now
            self._draw(now)

    def close(self) -> None:
        """Clear the line (the work's own summary follows)."""
        if self.stream is not None and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0

    def _draw(self, now: float) -> None:
        assert self.stream is not None
        total = max(self.total, 1)
        share = min(100, self.done * 100 // total)
        elapsed = int(now - self.start)
        text = (
            f"{self.label}: {self.done:,}/{self.total:,} ({share}%), "
            f"{elapsed // 60}:{elapsed % 60:02d}"
        )
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)


def silent(label: str, total: int) -> Progress:
    """A Factory of progress that shows nothing."""
    return Progress(label, total, None)
