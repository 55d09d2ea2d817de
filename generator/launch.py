"""The `insights` command as installed: `insights search` answered by a resident server.

A search in a large wiki spends most of its time before it searches: starting Python, importing
click and Whoosh, and checking every note file. A resident server (searchd.py) keeps the index
open and watches the notes, so this module, which runs first, imports only standard-library
modules that load in well under a millisecond, and for `insights search`:

- finds the wiki's mkdocs.yml as every command does (here or above), and the wiki's socket;
- sends the server the arguments, working folder, environment, how stdout and stderr are
  encoded and whether they are terminals, and a key of the installed code;
- prints the server's output as it is and exits with its exit code.

If anything goes wrong before the server has answered (no server, a stale one, a broken
reply), it searches in this process, exactly as without a server, and then starts a server for
the next search. Every other command, and a search given --config, --help or --no-server, runs
in this process. INSIGHTS_SEARCH_SERVER=0 turns the server off, =1 on; by default it is on
except where the CI variable is set.
"""

from __future__ import annotations

import os
import sys

from generator.jsonlines import AVAILABLE, Lines, loads, send

try:  # socket's C half: the module around it imports enum (~3 ms)
    from _socket import AF_UNIX, SOCK_STREAM
    from _socket import socket as Socket

    CPYTHON = AVAILABLE
except ImportError:  # another Python: every search runs in-process
    CPYTHON = False

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn

PROTOCOL = 1
SWITCH = "INSIGHTS_SEARCH_SERVER"
CONNECT_TIMEOUT = 2.0  # seconds for the server to take the request
RESULT_TIMEOUT = 600.0  # seconds for the result once taken (a large re-index takes a while)
MAX_REQUEST = 1 << 20
MAX_REPLY = 1 << 28
_LOCAL_ONLY = ("--help", "--version", "--no-server")
_FALSE = ("", "0", "false", "no", "off")


class Paths:
    """Where a wiki's server listens and the lock it holds, in a private runtime folder."""

    def __init__(self, folder: str, name: str) -> None:
        self.folder = folder
        self.socket = os.path.join(folder, name + ".sock")
        self.lock = os.path.join(folder, name + ".lock")


def main() -> None:
    """Run `insights`: a search through the wiki's server if one answers, else in-process."""
    try:
        answer, spawn = _consult(sys.argv[1:])
    except KeyboardInterrupt:
        sys.stderr.write("Aborted!\n")  # as click says it
        sys.exit(1)
    except Exception:  # the server only saves time: any surprise, and we do without it
        answer, spawn = None, None
    if answer is not None:
        _print(answer)
    try:
        from generator.cli import main as cli_main

        cli_main()
    except SystemExit as exc:
        if sys.argv[1:2] == ["build"] and exc.code in (0, None):
            _exit_at_once()
        raise
    finally:
        if spawn is not None:
            spawn_server(spawn)


def _exit_at_once() -> NoReturn:
    """End a finished build without Python freeing its objects one by one: at 10,000 notes
    that takes about 0.6 s, where the operating system frees the process's memory at once."""
    import logging  # imported by the build already

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(0)


def _consult(argv: list[str]) -> tuple[dict[str, Any] | None, str | None]:
    """(the server's finished answer, else None; the config to start a server for, else None)."""
    config = server_config(argv, os.environ)
    paths = server_paths(config) if config else None
    if config is None or paths is None or not _usable(paths.folder):
        return None, None
    answer = _ask(paths, _request(argv, config))
    if answer is None:  # no current server took it: start one for the next search
        return None, config
    return (answer if _finished(answer) else None), None


def server_config(argv: list[str], env: Any) -> str | None:
    """The real path of the wiki's mkdocs.yml if this command should go to its server."""
    if not CPYTHON or not argv or argv[0] != "search" or not switched_on(env):
        return None
    for arg in argv[1:]:  # --config, --help and friends: as without a server
        if arg in _LOCAL_ONLY or arg.startswith("--config"):
            return None
        if arg[:1] == "-" and arg[1:2] != "-" and ("f" in arg or "h" in arg):
            return None
    main_module = sys.modules.get("__main__")
    if getattr(main_module, "__package__", None) not in (None, ""):
        return None  # run as `python -m ...`: click names the program differently
    try:
        return find_config(os.getcwd())
    except OSError:
        return None


def switched_on(env: Any) -> bool:
    """INSIGHTS_SEARCH_SERVER=0/1 if given; else on, except in CI (a truthy CI variable)."""
    given = env.get(SWITCH, "").strip().lower()
    if given:
        return given not in _FALSE
    return env.get("CI", "").strip().lower() in _FALSE


def find_config(start: str) -> str | None:
    """The real path of the nearest mkdocs.yml in `start` or above (as settings.find_config)."""
    folder = os.path.realpath(start)
    while True:
        candidate = os.path.join(folder, "mkdocs.yml")
        if os.path.isfile(candidate):
            return os.path.realpath(candidate)
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def runtime_folder() -> str:
    """$XDG_RUNTIME_DIR/insights, else insights-<uid> in the temporary folder."""
    base = os.environ.get("XDG_RUNTIME_DIR", "")
    if os.path.isabs(base):
        return os.path.join(base, "insights")
    temp = next((v for v in map(os.environ.get, ("TMPDIR", "TEMP", "TMP")) if v), "/tmp")
    return os.path.join(os.path.abspath(temp), f"insights-{os.getuid()}")


def server_paths(config: str) -> Paths | None:
    """The socket and lock of this wiki's server for this Python; None if too long a path."""
    try:
        from _blake2 import blake2b  # what hashlib uses, without loading OpenSSL first
    except ImportError:
        from hashlib import blake2b
    text = f"{config}\0{sys.executable}".encode("utf-8", "surrogateescape")
    paths = Paths(runtime_folder(), blake2b(text, digest_size=8).hexdigest())
    return paths if len(paths.socket.encode("utf-8", "surrogateescape")) < 100 else None


def _usable(folder: str) -> bool:
    """Whether a server may use this runtime folder: private, or not yet made in a real one."""
    try:
        return _private(os.lstat(folder))
    except FileNotFoundError:
        return os.path.isdir(os.path.dirname(folder))
    except OSError:
        return False


def _private(st: os.stat_result) -> bool:
    """Whether a folder is ours alone: a real folder, owned by us, closed to others."""
    is_folder = (st.st_mode & 0o170000) == 0o040000
    return is_folder and st.st_uid == os.geteuid() and not st.st_mode & 0o077


def private_folder(folder: str) -> bool:
    """Whether the runtime folder is private, creating it (mode 0700) when it is missing."""
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return False
    return _usable(folder) and os.path.isdir(folder)


def code_key() -> str:
    """What the installed code is: Python, our modules' sizes and times, site-packages' time.

    Client and server compare keys, so that a server left from before a `pip install` or an
    edit never answers with old code.
    """
    package = os.path.dirname(os.path.abspath(__file__))
    lines = [f"protocol {PROTOCOL}", sys.executable, package]
    with os.scandir(package) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name.endswith(".py"):
                st = entry.stat()
                lines.append(f"{entry.name} {st.st_size} {st.st_mtime_ns}")
    for folder in sys.path:
        if os.path.basename(folder) == "site-packages" and os.path.isdir(folder):
            lines.append(f"{folder} {os.stat(folder).st_mtime_ns}")  # pip adds or removes here
    return "\n".join(lines)


def _request(argv: list[str], config: str) -> dict[str, Any] | None:
    """What the server needs to run this search as this process would; None if it cannot."""
    streams = []
    for stream in (sys.stdout, sys.stderr):
        if stream is None or stream.closed or not hasattr(stream, "buffer"):
            return None
        streams.append([stream.encoding, stream.errors, stream.isatty()])
    umask = os.umask(0o077)  # reading it means setting it
    os.umask(umask)
    return {
        "op": "search", "key": code_key(), "config": config, "argv": argv,
        "prog": os.path.basename(sys.argv[0]), "cwd": os.getcwd(), "env": dict(os.environ),
        "umask": umask, "streams": streams,
    }  # fmt: skip


def _ask(paths: Paths, request: dict[str, Any] | None) -> dict[str, Any] | None:
    """The server's reply; None if no (current) server took the request or it went wrong."""
    if request is None:
        return None
    sock = Socket(AF_UNIX, SOCK_STREAM)
    try:
        sock.settimeout(CONNECT_TIMEOUT)
        sock.connect(paths.socket)
        send(sock, request)
        lines = Lines(sock, MAX_REPLY)
        taken = lines.read()
        if taken.get("status") != "accepted":
            return None if taken.get("status") == "stale" else taken
        sock.settimeout(RESULT_TIMEOUT)
        return lines.read()
    except (OSError, ValueError):  # no server, refused, timed out, or a broken reply
        return None
    finally:
        sock.close()


def _finished(answer: dict[str, Any]) -> bool:
    """Whether a reply is a finished search, well formed (else: search here instead)."""
    out, code = answer.get("out"), answer.get("code")
    return (
        answer.get("status") == "done" and type(code) is int and isinstance(out, list)
        and all(isinstance(c, list) and len(c) == 2 and c[0] in (1, 2)
                and isinstance(c[1], str) for c in out)
    )  # fmt: skip


def _print(answer: dict[str, Any]) -> None:
    """Write the server's output byte for byte, in order, then exit with its code."""
    try:
        for number, text in answer["out"]:
            stream = sys.stdout if number == 1 else sys.stderr
            stream.buffer.write(text.encode("latin-1"))
            stream.buffer.flush()
    except BrokenPipeError:  # e.g. `| head`: quiet, as click is
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    sys.exit(answer["code"])


def spawn_server(config: str) -> None:
    """Start the wiki's server in the background, detached; it exits at once if one runs.

    It keeps none of this process's descriptors: a caller waiting for our stdout (or any pipe
    it passed down, like make's jobserver) to close must not wait for the server as well.
    """
    actions: list[tuple[Any, ...]] = [
        (os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDWR, 0) for fd in (0, 1, 2)
    ]
    actions += [(os.POSIX_SPAWN_CLOSE, fd) for fd in _inherited()]
    args = [sys.executable, "-P", "-m", "generator.searchd", config]  # -P: not the cwd's code
    try:
        os.posix_spawn(sys.executable, args, os.environ, file_actions=actions, setsid=True)
    except Exception:  # e.g. OSError, or NotImplementedError where there is no setsid
        return  # no server, then: every search runs in its own process, as before


def server_status(config: str) -> dict[str, Any] | None:
    """What the wiki's running server (for this Python) wrote in its lock file: pid, whether
    it is ready, searches served; None if no server runs."""
    import fcntl

    paths = server_paths(os.path.realpath(config))
    try:
        with open(paths.lock if paths else "", "rb") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:  # a server holds it
                status = loads(lock.readline().decode().strip())
                return status if isinstance(status, dict) else None
            return None
    except (OSError, ValueError):
        return None


def _inherited() -> list[int]:
    """Open descriptors above 2 that a child would inherit (Linux; else none are known)."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return []
    found = []
    for fd in map(int, names):
        try:
            if fd > 2 and os.get_inheritable(fd):
                found.append(fd)
        except OSError:  # the descriptor that listed the folder, closed since
            pass
    return found


def stop_server(config: str) -> bool:
    """Ask the wiki's server (for this Python) to exit; whether one was there to ask."""
    paths = server_paths(os.path.realpath(config))
    if paths is None or not _usable(paths.folder):
        return False
    sock = Socket(AF_UNIX, SOCK_STREAM)
    try:
        sock.settimeout(CONNECT_TIMEOUT)
        sock.connect(paths.socket)
        send(sock, {"op": "stop"})
        return Lines(sock, MAX_REPLY).read().get("status") == "stopped"
    except (OSError, ValueError):
        return False
    finally:
        sock.close()
