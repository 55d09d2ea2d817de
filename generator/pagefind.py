"""Pagefind's service mode, spoken directly: the one home of the Pagefind binary.

`pagefind --service` reads requests on its standard input and writes responses on its
standard output, each a JSON object encoded in base64 and followed by a comma. We use it
rather than the command line because the command line writes the index itself, through
Rust's asynchronous file API: at 10,000 pages that cost as much CPU as the indexing (20 s
against 12 s on 2 cores). Here Pagefind hands the files back and we write them.

The `pagefind` package's own Python client polls for responses every 100 ms, a second per
ten pages, so it is not used; only the binary it ships (`pagefind[bin]`) is.

Responses are read by a thread while requests are written, so that neither pipe can fill
and stall the other side. Pages are added in the order given: Pagefind's output depends on
it, so a caller that wants a reproducible index gives a fixed order.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import IO, Any


class PagefindError(Exception):
    """Pagefind refused a request or stopped; the message says why."""


class Service:
    """A running `pagefind --service` process (use it as a context manager)."""

    def __init__(self, cwd: Path) -> None:
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "pagefind", "--service"],
                cwd=cwd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
            )
        except OSError as exc:
            self._stderr.close()
            raise PagefindError(f"cannot start Pagefind in {cwd}: {exc.strerror}") from None
        self._next_id = 0
        self._responses: dict[int, dict[str, Any]] = {}
        self._closed = False
        self._ready = threading.Condition()
        self._reader = threading.Thread(target=self._read, name="pagefind-reader", daemon=True)
        self._reader.start()

    def __enter__(self) -> Service:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def new_index(self, config: Mapping[str, Any]) -> int:
        """Start an index with these options (exclude_selectors, force_language, ...)."""
        reply = self.wait(self.send({"type": "NewIndex", "config": dict(config)}))
        return int(reply["index_id"])

    def add_files(self, index: int, pages: Iterable[tuple[str, str]]) -> int:
        """Add (path relative to the site, HTML) pages in this order; return how many.

        Pagefind works out each page's URL from its path, as its command line does.
        """
        sent = [
            self.send(
                {"type": "AddFile", "index_id": index, "file_path": path, "file_contents": html}
            )
            for path, html in pages
        ]
        for number in sent:
            self.wait(number)
        return len(sent)

    def files(self, index: int) -> Iterator[tuple[PurePosixPath, bytes]]:
        """The index's files, as (path relative to the output folder, bytes)."""
        reply = self.wait(self.send({"type": "GetFiles", "index_id": index}))
        for item in reply["files"]:
            path = PurePosixPath(item["path"])
            if path.is_absolute() or ".." in path.parts:
                raise PagefindError(f"Pagefind returned a file outside its folder: {path}")
            yield path, base64.b64decode(item["content"])

    def send(self, payload: dict[str, Any]) -> int:
        """Write one request; return its message number."""
        self._next_id += 1
        message = json.dumps({"message_id": self._next_id, "payload": payload})
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.write(base64.b64encode(message.encode("utf-8")) + b",")
        except (BrokenPipeError, ValueError):
            self._stopped()
        return self._next_id

    def wait(self, number: int) -> dict[str, Any]:
        """The response to a request: its payload, or PagefindError."""
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.flush()
        except (BrokenPipeError, ValueError):
            self._stopped()
        with self._ready:
            while number not in self._responses:
                if self._closed:
                    self._stopped()
                self._ready.wait()
            reply = self._responses.pop(number)
        if reply.get("type") == "Error":
            raise PagefindError(f"Pagefind: {reply.get('message', 'unknown error')}")
        return reply

    def close(self) -> None:
        """End the process (closing its input ends it) and release the pipes."""
        if self._process.stdin is not None and not self._process.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._reader.join()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._stderr.close()

    def _read(self) -> None:
        """Collect responses until Pagefind closes its output."""
        stdout = self._process.stdout
        assert stdout is not None
        pending: list[bytes] = []
        while chunk := os.read(stdout.fileno(), 1 << 20):
            if b"," not in chunk:
                pending.append(chunk)
                continue
            first, *middle, last = chunk.split(b",")
            messages = [b"".join([*pending, first]), *middle]
            pending = [last] if last else []
            with self._ready:
                for message in messages:
                    self._store(message)
                self._ready.notify_all()
        with self._ready:
            self._closed = True
            self._ready.notify_all()

    def _store(self, message: bytes) -> None:
        try:
            response = json.loads(base64.b64decode(message))
            number = response.get("message_id")
            if number is None:  # an error about a request it could not read
                original = json.loads(response["payload"].get("original_message") or "{}")
                number = original.get("message_id")
        except (ValueError, KeyError, TypeError, AttributeError):
            return
        if isinstance(number, int):
            self._responses[number] = response.get("payload") or {}

    def _stopped(self) -> Any:
        """Raise PagefindError with what Pagefind printed before it stopped."""
        code = self._process.poll()
        self._stderr.seek(0)
        lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
        said = "\n".join(dict.fromkeys(lines[-20:])) or "no message"
        status = f"exit code {code}" if code is not None else "it closed its output"
        raise PagefindError(f"Pagefind stopped ({status}): {said}")
