"""Run `insights search` in the server as the client's own process would have run it.

The command runs in the client's working folder, with its environment, umask and argv, writing to
text streams that encode as the client's stdout and stderr do and say they are terminals when
the client's are: click then colours, wraps and exits exactly as in the client. What it writes
is recorded in order across the two streams, as bytes, for the client to write out as it is.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from typing import Any

Chunks = list[tuple[int, bytes]]


def run_as_client(request: dict[str, Any], resident: Any) -> tuple[int, Chunks]:
    """The search command's exit code and output, run in the client's folder and environment."""
    from generator.cli import main as cli

    chunks: Chunks = []
    with _as_client(request, chunks):
        try:
            cli.main(request["argv"], prog_name=request["prog"], obj=resident)
            code = 0
        except SystemExit as exc:
            code = _exit_code(exc.code)
    return code, _merged(chunks)


def _exit_code(code: object) -> int:
    """What Python exits with for sys.exit(code); a message is written to stderr."""
    if code is None or isinstance(code, int):
        return int(code or 0)
    print(code, file=sys.stderr)
    return 1


@contextlib.contextmanager
def _as_client(request: dict[str, Any], chunks: Chunks) -> Iterator[None]:
    """The client's environment, working folder, umask, argv and stdout/stderr, for a command."""
    saved = (dict(os.environ), sys.argv, sys.stdout, sys.stderr, os.getcwd())
    umask = os.umask(request["umask"])  # the index files it writes get the client's permissions
    try:
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        sys.argv = [request["prog"], *request["argv"]]
        out, err = request["streams"]
        sys.stdout, sys.stderr = _recorder(1, out, chunks), _recorder(2, err, chunks)
        yield
    finally:
        env, sys.argv, sys.stdout, sys.stderr, cwd = saved
        os.environ.clear()
        os.environ.update(env)
        os.umask(umask)
        os.chdir(cwd)


class _Recorder(io.BufferedIOBase):
    """A binary stream that records what is written to it, in order with its sibling."""

    def __init__(self, number: int, chunks: Chunks, tty: bool) -> None:
        self.number, self.chunks, self.tty = number, chunks, tty

    @property
    def name(self) -> str:
        return "<stdout>" if self.number == 1 else "<stderr>"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.tty

    def write(self, data: Any, /) -> int:
        self.chunks.append((self.number, bytes(data)))
        return len(data)


def _recorder(number: int, spec: list[Any], chunks: Chunks) -> io.TextIOWrapper:
    """A text stream encoding as the client's does, and a terminal if the client's is one."""
    encoding, errors, tty = spec
    raw = _Recorder(number, chunks, bool(tty))
    return io.TextIOWrapper(raw, encoding=encoding, errors=errors, write_through=True)


def _merged(chunks: Chunks) -> Chunks:
    """Consecutive writes to the same stream as one."""
    merged: Chunks = []
    for number, data in chunks:
        if merged and merged[-1][0] == number:
            merged[-1] = (number, merged[-1][1] + data)
        else:
            merged.append((number, data))
    return merged
