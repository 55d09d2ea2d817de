"""The resident search server: `python -P -m generator.searchd CONFIG`, started by launch.py.

One server per wiki (per mkdocs.yml, and per Python) holds a lock file for its lifetime, so a
second one exits at once. It listens on a Unix socket in a private runtime folder, answers one
request at a time, and runs the real `insights search` command for each, in the client's
working folder and environment, writing to streams that encode and report being a terminal as
the client's do: output, errors and exit codes are byte for byte those of an in-process run.
Between searches it keeps the index open (resident.py). It exits after INSIGHTS_SEARCH_SERVER_IDLE
seconds without a request (600), when its mkdocs.yml or socket is gone, on SIGTERM, and when a
client's code key differs from its own (after a `pip install` or an edit), having first given
up its socket and lock so the client can start a current server.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import struct
import sys
import time
from typing import Any

from generator.asclient import run_as_client
from generator.jsonlines import Lines, send
from generator.launch import MAX_REQUEST, Paths, code_key, private_folder, server_paths

IDLE = "INSIGHTS_SEARCH_SERVER_IDLE"
DEFAULT_IDLE = 600.0
CHECK_EVERY = 5.0  # seconds between looks at the config file and socket while idle
READ_TIMEOUT = 5.0  # seconds a client may take to send its request


def main(argv: list[str] | None = None) -> int:
    """Serve the wiki of the mkdocs.yml given until idle; 0 if another server already does."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m generator.searchd PATH/TO/mkdocs.yml\n")
        return 2
    key = code_key()  # before importing the rest: the code this process is about to run
    config = os.path.realpath(args[0])
    paths = server_paths(config)
    if paths is None or not private_folder(paths.folder) or not os.path.isfile(config):
        return 1
    os.chdir(os.path.dirname(config))
    lock = _lock(paths.lock)
    if lock is None:
        return 0
    signal.signal(signal.SIGTERM, _terminate)
    try:
        with contextlib.closing(Server(config, key, paths, lock)) as server:
            server.run()
    except Terminated:
        pass
    return 0


class Terminated(BaseException):
    """SIGTERM: not an Exception (nor a SystemExit), so that no command catches it."""


def _terminate(*_: object) -> None:
    raise Terminated


def _lock(path: str) -> int | None:
    """The lock file's descriptor, locked for this process; None if another server holds it.

    A server deletes its lock file as it exits, so the file locked must still be the one at
    `path` (else another server may have opened a newer one).
    """
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if os.fstat(fd).st_ino == os.stat(path).st_ino:
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


class Server:
    """A listening socket, the lock, the resident index, and the request loop."""

    def __init__(self, config: str, key: str, paths: Paths, lock: int) -> None:
        from generator.resident import ResidentIndex

        self.config, self.key, self.paths, self.lock = config, key, paths, lock
        self.idle = _idle_seconds()
        self.resident = ResidentIndex()
        self.served = 0
        self._status(ready=False)  # before the socket: a reader never sees the last server's
        self.listener = _listen(paths.socket)
        self.inode = os.stat(paths.socket).st_ino
        import generator.cli  # noqa: F401 - loaded now, not while the first client waits

        self.last = time.monotonic()
        self._status()

    def run(self) -> None:
        """Answer requests until idle, told to stop, or the wiki or socket is gone."""
        while (wait := self._wait()) is not None:
            self.listener.settimeout(wait)
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            with conn:
                if not self.handle(conn):
                    return
            self.last = time.monotonic()

    def _wait(self) -> float | None:
        """Seconds to wait for the next request; None when it is time to exit."""
        left = self.idle - (time.monotonic() - self.last)
        if left <= 0 or not os.path.isfile(self.config) or not self._owns_socket():
            return None
        return min(left, CHECK_EVERY)

    def handle(self, conn: socket.socket) -> bool:
        """Answer one client; False when the server should exit."""
        conn.settimeout(READ_TIMEOUT)
        try:
            if _peer_uid(conn) != os.geteuid():
                return True
            request = Lines(conn, MAX_REQUEST).read()
            return self._answer(conn, request)
        except (OSError, ValueError):  # a client that went away or spoke nonsense
            return True

    def _answer(self, conn: socket.socket, request: dict[str, Any]) -> bool:
        if request.get("op") == "stop":
            self.close()
            send(conn, {"status": "stopped"})
            return False
        if request.get("key") != self.key:
            self.close()  # first, so the client can start a current server at once
            send(conn, {"status": "stale"})
            return False
        if request.get("config") != self.config or not _well_formed(request):
            send(conn, {"status": "cannot"})
            return True
        send(conn, {"status": "accepted"})
        send(conn, self._search(request))
        return True

    def _search(self, request: dict[str, Any]) -> dict[str, Any]:
        """Run the search command as the client would have; 'cannot' if it crashed."""
        try:
            code, chunks = run_as_client(request, self.resident)
        except Exception:  # the client runs it in-process and shows the traceback
            self.resident.close()
            return {"status": "cannot"}
        finally:
            self.served += 1
            self._status()
        out = [[number, data.decode("latin-1")] for number, data in chunks]
        return {"status": "done", "code": code, "out": out}

    def _status(self, ready: bool = True) -> None:
        """Write pid, readiness and counts into the lock file, for people and tests to read."""
        status = {"pid": os.getpid(), "ready": ready, "served": self.served,
                  "reused": self.resident.reused}  # fmt: skip
        data = json.dumps(status)
        written = os.pwrite(self.lock, data.encode() + b"\n", 0)  # readers take the first line
        os.ftruncate(self.lock, written)

    def _owns_socket(self) -> bool:
        try:
            return os.stat(self.paths.socket).st_ino == self.inode
        except OSError:
            return False

    def close(self) -> None:
        """Give up the socket and the lock, deleting both; close the index (idempotent)."""
        if self.lock < 0:
            return
        if self._owns_socket():
            os.unlink(self.paths.socket)
        self.listener.close()
        with contextlib.suppress(OSError):
            os.unlink(self.paths.lock)  # a server that opened it meanwhile then gives up
        os.close(self.lock)
        self.lock = -1
        self.resident.close()


def _idle_seconds() -> float:
    try:
        return float(os.environ.get(IDLE, DEFAULT_IDLE))
    except ValueError:
        return DEFAULT_IDLE


def _listen(path: str) -> socket.socket:
    """A socket listening at `path` (a stale one there is removed; we hold the lock)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    os.chmod(path, 0o600)
    listener.listen(16)
    return listener


def _peer_uid(conn: socket.socket) -> int:
    """The user id of the process at the other end (SO_PEERCRED: pid, uid, gid)."""
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return int(struct.unpack("3i", creds)[1])


def _well_formed(request: dict[str, Any]) -> bool:
    """Whether a search request has every field, of the right type, and is a search."""
    argv, env, streams = request.get("argv"), request.get("env"), request.get("streams")
    return (
        isinstance(argv, list) and argv[:1] == ["search"] and _strings(argv)
        and isinstance(env, dict) and _strings(env) and _strings(list(env.values()))
        and isinstance(request.get("cwd"), str) and isinstance(request.get("prog"), str)
        and type(request.get("umask")) is int and 0 <= request["umask"] <= 0o777
        and isinstance(streams, list) and len(streams) == 2
        and all(isinstance(s, list) and len(s) == 3 and _strings(s[:2]) for s in streams)
    )  # fmt: skip


def _strings(values: Any) -> bool:
    return all(isinstance(v, str) for v in values)


if __name__ == "__main__":
    sys.exit(main())
