"""The resident search server: real `insights search` processes, with and without a server.

Each wiki gets its own runtime folder (XDG_RUNTIME_DIR) and its servers are stopped when the
test ends. A server writes its pid and how many searches it has served into its lock file, so
a test knows who answered: every comparison below checks that the server served the search,
and that a search in-process (INSIGHTS_SEARCH_SERVER=0) prints the same bytes and exit code.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import pty
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import generator
from generator import jsonlines, launch
from generator.settings import epoch_of
from tests.conftest import FIXTURES, note_text

INSIGHTS = Path(sys.executable).parent / "insights"
NOTES = "insights"


@dataclass(frozen=True)
class Ran:
    """What a search printed, and its exit code."""

    code: int
    stdout: bytes
    stderr: bytes


class Wiki:
    """A copy of the search fixture wiki, with its own runtime folder for servers."""

    def __init__(self, root: Path, runtime: Path) -> None:
        self.root = root
        self.runtime = runtime
        runtime.mkdir(mode=0o700)

    def env(self, server: str = "1", **extra: str) -> dict[str, str]:
        """The environment of a search: this wiki's runtime folder, the server on or off."""
        return {**os.environ, "XDG_RUNTIME_DIR": str(self.runtime), "CI": "true",
                "INSIGHTS_SEARCH_SERVER": server, "INSIGHTS_SEARCH_SERVER_IDLE": "60",
                **extra}  # fmt: skip

    def search(
        self, *args: str, server: str = "1", stdout: Any = None, umask: int = -1, **extra: str
    ) -> Ran:
        """Run `insights search ARGS` in the wiki's folder."""
        done = subprocess.run(
            [INSIGHTS, "search", *args], cwd=self.root, env=self.env(server, **extra),
            stdout=stdout if stdout is not None else subprocess.PIPE, stderr=subprocess.PIPE,
            umask=umask,
        )  # fmt: skip
        return Ran(done.returncode, done.stdout or b"", done.stderr)

    def served(self, *args: str, umask: int = -1, **extra: str) -> Ran:
        """A search the running server answers, after checking that it prints what an
        in-process search prints."""
        before = self.status()["served"]
        answered = self.search(*args, umask=umask, **extra)
        assert self.status()["served"] == before + 1, "no answer (was generator/ edited meanwhile?)"
        assert answered == self.search(*args, server="0", umask=umask, **extra), args
        return answered

    def start(self) -> dict[str, Any]:
        """Search once (in-process, which starts a server) and wait for the server."""
        self.search("warm-up")
        return self.wait_for_server()

    def lock_file(self) -> Path | None:
        found = sorted((self.runtime / "insights").glob("*.lock"))
        return found[0] if found else None

    def status(self) -> dict[str, Any]:
        """The running server's pid and counts, from its lock file."""
        lock = self.lock_file()
        assert lock is not None, "no server was started"
        return dict(json.loads(lock.read_text().splitlines()[0]))

    def running(self) -> bool:
        """Whether a server holds the lock."""
        lock = self.lock_file()
        if lock is None:
            return False
        with lock.open() as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return True
            return False

    def wait_for_server(self, timeout: float = 20.0) -> dict[str, Any]:
        """The status of a server that is up and listening (fails after `timeout`)."""
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            if self.running() and list((self.runtime / "insights").glob("*.sock")):
                status = self.status()  # the socket is made after the first status is written
                if status["ready"]:
                    return status
            time.sleep(0.05)
        raise AssertionError("no server came up")

    def wait_for_exit(self, timeout: float = 20.0) -> None:
        """Wait until no server holds the lock (fails after `timeout`)."""
        until = time.monotonic() + timeout
        while self.running():
            assert time.monotonic() < until, "the server did not exit"
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop this wiki's server, if one runs (by the pid it wrote)."""
        lock = self.lock_file()
        if lock is None or not self.running():
            return
        with contextlib.suppress(OSError, ValueError, ProcessLookupError):  # it just exited
            os.kill(json.loads(lock.read_text().splitlines()[0])["pid"], signal.SIGTERM)
        self.wait_for_exit()


def new_wiki(base: Path) -> Wiki:
    shutil.copytree(FIXTURES / "search", base / "wiki")
    return Wiki(base / "wiki", base / "run")


@pytest.fixture
def wiki(tmp_path: Path) -> Iterator[Wiki]:
    made = new_wiki(tmp_path)
    yield made
    made.stop()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Wiki]:
    """One wiki and server for the tests that only read."""
    made = new_wiki(tmp_path_factory.mktemp("shared"))
    made.start()
    yield made
    made.stop()


@pytest.mark.parametrize(
    "args",
    [
        ["pricing"],
        ["sso", "--limit", "1"],
        ["pricing", "--format", "json"],
        ["sso", "--area", "onboarding", "--area", "reporting", "--format", "json"],
        ["*", "--tag", "invoices", "--since", "2026-05-02"],
        ["onbording"],
        ["zyxwvut", "--format", "json"],
        ["are:billing"],
        ["x", "--limit", "0"],
        [],
        ["date:[soon to]", "--format", "json"],
    ],
    ids=["hits", "limit", "json", "areas", "filters", "suggestion", "none-json", "bad-field",
         "bad-limit", "no-query", "bad-date"],
)  # fmt: skip
def test_the_server_prints_what_a_search_in_process_prints(shared: Wiki, args: list[str]) -> None:
    answered = shared.served(*args)
    assert answered.code in (0, 2)
    assert b"Traceback" not in answered.stderr


def test_a_bad_query_exits_2_through_the_server(shared: Wiki) -> None:
    answered = shared.served("are:billing")
    assert answered.code == 2
    assert b"unknown field 'are:' (did you mean 'area:'?)" in answered.stderr


def test_highlights_are_coloured_when_the_clients_stdout_is_a_terminal(shared: Wiki) -> None:
    def on_a_terminal(server: str) -> bytes:
        main, child = pty.openpty()
        done = shared.search("timezone", server=server, stdout=child)
        os.close(child)
        out = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal is closed once everything was read
                break
            if not chunk:
                break
            out += chunk
        os.close(main)
        assert done.code == 0
        return out

    before = shared.status()["served"]
    coloured = on_a_terminal("1")
    assert shared.status()["served"] == before + 1
    assert b"\x1b[33m\x1b[1mtimezone\x1b[0m" in coloured
    assert coloured == on_a_terminal("0")


def test_the_first_search_starts_a_server_and_the_next_ones_use_the_open_index(wiki: Wiki) -> None:
    first = wiki.search("pricing")
    assert first == wiki.search("pricing", server="0")
    status = wiki.wait_for_server()
    assert status["served"] == 0
    for _ in range(3):
        wiki.served("pricing")
    assert wiki.status()["reused"] >= 2  # after the first, no note was looked at
    assert oct((wiki.runtime / "insights").stat().st_mode & 0o777) == "0o700"


def test_the_status_of_a_running_server_is_read_from_its_lock_file(
    wiki: Wiki, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(wiki.runtime))
    config = str(wiki.root / "mkdocs.yml")
    assert launch.server_status(config) is None
    started = wiki.start()
    status = launch.server_status(config)
    assert status is not None and status["ready"] and status["pid"] == started["pid"]
    assert launch.stop_server(config)
    wiki.wait_for_exit()
    assert launch.server_status(config) is None


def _note(wiki: Wiki, rel: str) -> Path:
    return wiki.root / NOTES / rel


EDITS = {
    "changed": lambda w: _note(w, "billing/2026-06-20-invoices-lack-cost-centres.md").write_text(
        _note(w, "billing/2026-06-20-invoices-lack-cost-centres.md")
        .read_text()
        .replace("lack cost centres", "lack zephyrine centres")
    ),
    "added": lambda w: _note(w, "billing/2026-07-01-zephyrine.md").write_text(
        note_text(title="Zephyrine invoices", date="2026-07-01")
    ),
    "deleted": lambda w: _note(w, "onboarding/2025-12-15-trial-too-short.md").unlink(),
    "new folder": lambda w: (
        _note(w, "billing/enterprise/deep").mkdir(parents=True),
        _note(w, "billing/enterprise/deep/2026-07-02-zephyrine-seats.md").write_text(
            note_text(title="Zephyrine seats", date="2026-07-02")
        ),
    ),
    "renamed": lambda w: _note(w, "billing/2026-05-02-seat-true-up-confusion.md").rename(
        _note(w, "onboarding/2026-05-02-zephyrine-seat-true-up.md")
    ),
    "areas": lambda w: _note(w, "areas.yml").write_text(
        _note(w, "areas.yml").read_text().replace("billing:", "invoicing:")
    ),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edit_shows_in_the_very_next_search(wiki: Wiki, edit: str) -> None:
    wiki.start()
    before = wiki.served("zephyrine OR trial OR seat", "--format", "json")
    EDITS[edit](wiki)
    after = wiki.served("zephyrine OR trial OR seat", "--format", "json")
    assert after != before


def test_index_files_the_server_writes_get_the_clients_umask(wiki: Wiki) -> None:
    wiki.start()
    before = set((wiki.root / ".cache" / "insights").iterdir())
    EDITS["added"](wiki)
    wiki.served("zephyrine", umask=0o077)
    written = set((wiki.root / ".cache" / "insights").iterdir()) - before
    assert written and all(path.stat().st_mode & 0o077 == 0 for path in written)


def test_a_changed_mkdocs_yml_shows_in_the_next_search(wiki: Wiki) -> None:
    wiki.start()
    before = wiki.served("*", "--format", "json")
    config = wiki.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("as_of: 2026-10-31", "as_of: 2026-07-01"))
    after = wiki.served("*", "--format", "json")
    assert len(json.loads(after.stdout)) < len(json.loads(before.stdout))
    assert b"notes have errors and are left out of the search" in after.stderr
    config.write_text("plugins: [insights: {window_days: -1}]\n")
    broken = wiki.served("*")
    assert broken.code == 2 and b"window_days" in broken.stderr


def test_source_date_epoch_is_the_clients(wiki: Wiki) -> None:
    config = wiki.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("      as_of: 2026-10-31\n", ""))
    wiki.start()
    july, october = (str(epoch_of(dt.date(2026, month, day))) for month, day in ((7, 1), (10, 31)))
    early = wiki.served("*", "--format", "json", SOURCE_DATE_EPOCH=july)
    late = wiki.served("*", "--format", "json", SOURCE_DATE_EPOCH=october)
    assert len(json.loads(early.stdout)) < len(json.loads(late.stdout))
    assert wiki.served("*", SOURCE_DATE_EPOCH="soon").code == 2


def test_an_index_committed_to_git_is_refused_through_the_server_too(wiki: Wiki) -> None:
    from tests.gitrepos import GitRepo

    wiki.start()
    wiki.served("pricing")
    repo = GitRepo(wiki.root)  # `git init` after the server started watching
    (wiki.root / ".gitignore").write_text(".cache/\n", encoding="utf-8")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "notes")
    assert wiki.served("pricing").code == 0
    repo.git("add", "-f", ".cache/insights")
    repo.git("commit", "-q", "-m", "an index, as a pull request could add one")
    refused = wiki.served("pricing")
    assert refused.code == 2
    assert b"files of the search index are committed to git" in refused.stderr


def test_a_server_of_other_code_exits_and_the_client_answers(wiki: Wiki) -> None:
    old = wiki.start()
    source = Path(generator.__file__).parent / "launch.py"
    times = source.stat()
    os.utime(source, ns=(times.st_atime_ns, times.st_mtime_ns + 1))  # as an edit would
    try:
        answered = wiki.search("pricing")
        assert answered == wiki.search("pricing", server="0")
        new = wiki.wait_for_server()  # the old one exited, and the client started a current one
        assert new["pid"] != old["pid"] and new["served"] == 0
        wiki.served("pricing")
    finally:
        os.utime(source, ns=(times.st_atime_ns, times.st_mtime_ns))


def test_the_server_keeps_none_of_the_clients_descriptors(wiki: Wiki) -> None:
    import select

    read, write = os.pipe()
    os.set_inheritable(write, True)
    done = subprocess.run([INSIGHTS, "search", "pricing"], cwd=wiki.root, env=wiki.env(),
                          pass_fds=(write,), capture_output=True)  # fmt: skip
    os.close(write)
    assert done.returncode == 0
    wiki.wait_for_server()  # started by that search
    assert select.select([read], [], [], 10)[0] and os.read(read, 1) == b""  # closed: EOF
    os.close(read)


@pytest.mark.parametrize("kind", ["group-readable", "a symbolic link"])
def test_a_runtime_folder_others_could_use_gets_no_server(wiki: Wiki, kind: str) -> None:
    folder = wiki.runtime / "insights"
    if kind == "group-readable":
        folder.mkdir(mode=0o750)
        folder.chmod(0o750)
    else:
        (wiki.runtime / "elsewhere").mkdir(mode=0o700)
        folder.symlink_to(wiki.runtime / "elsewhere")
    for _ in range(2):
        assert wiki.search("pricing") == wiki.search("pricing", server="0")
    time.sleep(0.5)  # time enough for a server to have started, had one been
    assert not list(folder.iterdir())


def test_a_garbage_socket_file_is_replaced(wiki: Wiki, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(wiki.runtime))
    paths = launch.server_paths(str((wiki.root / "mkdocs.yml").resolve()))
    assert paths is not None and Path(paths.folder) == wiki.runtime / "insights"
    Path(paths.folder).mkdir(mode=0o700)
    Path(paths.socket).write_text("rubbish")
    assert wiki.search("pricing") == wiki.search("pricing", server="0")
    wiki.wait_for_server()
    wiki.served("pricing")


def test_the_server_answers_nothing_but_a_well_formed_search(wiki: Wiki) -> None:
    import socket

    wiki.start()
    search = {"op": "search", "key": launch.code_key(), "config": str(wiki.root / "mkdocs.yml"),
              "argv": ["check"], "prog": "insights", "cwd": str(wiki.root), "env": {}, "umask": 18,
              "streams": [["utf-8", "strict", False], ["utf-8", "strict", False]]}  # fmt: skip
    bad_env = {**search, "argv": ["search", "pricing"], "env": {"A=B": "an impossible name"}}
    for message in (b"not json\n", b"[1, 2]\n", b"x" * 100, json.dumps(search).encode() + b"\n",
                    json.dumps(bad_env).encode() + b"\n"):  # fmt: skip
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(next((wiki.runtime / "insights").glob("*.sock"))))
            sock.sendall(message)
            sock.shutdown(socket.SHUT_WR)
            sock.settimeout(10)
            reply = b"".join(iter(lambda: sock.recv(1000), b""))
            assert reply in (b"", b'{"status":"cannot"}\n', b'{"status":"accepted"}\n'
                             b'{"status":"cannot"}\n'), reply  # fmt: skip
    wiki.served("pricing")


def test_the_server_exits_when_idle_and_when_asked(wiki: Wiki) -> None:
    wiki.search("pricing", INSIGHTS_SEARCH_SERVER_IDLE="2")
    wiki.wait_for_server()
    wiki.wait_for_exit(timeout=15)
    assert not list((wiki.runtime / "insights").iterdir())  # neither socket nor lock file
    wiki.start()
    env = {"XDG_RUNTIME_DIR": str(wiki.runtime)}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        assert launch.stop_server(str(wiki.root / "mkdocs.yml"))
    wiki.wait_for_exit()


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["pricing", "--no-server"], {}),
        (["pricing", "--config", "mkdocs.yml"], {}),
        (["pricing", "-fmkdocs.yml"], {}),
        (["pricing"], {"INSIGHTS_SEARCH_SERVER": "0"}),
        (["pricing"], {"INSIGHTS_SEARCH_SERVER": "", "CI": "true"}),
    ],
)
def test_some_searches_never_start_a_server(wiki: Wiki, args: list[str], env: dict) -> None:
    ran = wiki.search(*args, **env)
    assert ran.code == 0 and b"Usage-based pricing" in ran.stdout
    time.sleep(0.5)
    assert not wiki.running()


@pytest.mark.parametrize(
    ("env", "on"),
    [
        ({}, True),
        ({"CI": "true"}, False),
        ({"CI": "false"}, True),
        ({"CI": "1", "INSIGHTS_SEARCH_SERVER": "1"}, True),
        ({"INSIGHTS_SEARCH_SERVER": "0"}, False),
        ({"INSIGHTS_SEARCH_SERVER": "off"}, False),
        ({"INSIGHTS_SEARCH_SERVER": " "}, True),
    ],
)
def test_the_switch(env: dict[str, str], on: bool) -> None:
    assert launch.switched_on(env) is on


@pytest.mark.parametrize(
    ("argv", "served"),
    [
        (["search", "sso"], True),
        (["search", "sso", "--area", "billing", "--format", "json"], True),
        (["check"], False),
        (["search", "sso", "--help"], False),
        (["search", "-h"], False),
        (["search", "sso", "--config=mkdocs.yml"], False),
        (["search", "sso", "-f", "mkdocs.yml"], False),
        (["search", "sso", "--no-server"], False),
        (["--version"], False),
    ],
)
def test_which_commands_go_to_a_server(
    argv: list[str], served: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    (tmp_path / "insights" / "billing").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "insights" / "billing")
    config = launch.server_config(argv, {"INSIGHTS_SEARCH_SERVER": "1"})
    assert config == (str((tmp_path / "mkdocs.yml").resolve()) if served else None)


@pytest.mark.parametrize(
    "message",
    [{"a": 'é\udcff\n"\\\x00', "b": [1, True, False, None, -3, []], "c": {}}, [], "", 7],
)
def test_messages_are_json_as_the_json_module_writes_and_reads_it(message: Any) -> None:
    assert jsonlines.dumps(message) == json.dumps(message, separators=(",", ":"))
    assert jsonlines.loads(json.dumps(message)) == message
    with pytest.raises(ValueError):
        jsonlines.loads(json.dumps(message) + " x")
