"""Progress lines: shown on a terminal outside CI, silent otherwise, never in the way."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_shows_done_of_total_and_elapsed_time() -> None:
    now = [100.0]
    stream = Terminal()
    progress = Progress("Building pages", 12_809, stream, clock=lambda: now[0])
    progress(1)
    now[0] += 75
    progress.set(6_400)
    assert stream.getvalue().split("\r")[-1].strip() == "Building pages: 6,400/12,809 (49%), 1:15"
    progress.close()
    assert stream.getvalue().endswith("\r")  # the line is cleared for what follows


def test_redraws_are_throttled_but_the_last_one_always_shows() -> None:
    stream = Terminal()
    progress = Progress("Checking notes", 1_000, stream, clock=lambda: 5.0)
    for _ in range(1_000):
        progress(1)
    lines = stream.getvalue().split("\r")[1:]
    assert len(lines) == 2  # the first tick, and the last
    assert lines[-1].startswith("Checking notes: 1,000/1,000 (100%)")


@pytest.mark.parametrize(
    ("terminal", "environ", "shown"),
    [(True, {}, True), (True, {"CI": "true"}, False), (False, {}, False)],
)
def test_only_a_terminal_outside_ci_gets_a_line(
    terminal: bool, environ: dict[str, str], shown: bool
) -> None:
    stream = Terminal() if terminal else io.StringIO()
    progress = Progress.on_terminal("Indexing notes", 10, environ, stream)
    progress(10)
    progress.close()
    assert bool(stream.getvalue()) is shown


def test_a_build_piped_to_a_file_prints_no_progress(tmp_path: Path) -> None:
    from tests.conftest import FIXTURES

    root = tmp_path / "small"
    import shutil

    shutil.copytree(FIXTURES / "small", root)
    insights = Path(sys.executable).parent / "insights"
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    result = subprocess.run(
        [str(insights), "build", "--config", str(root / "mkdocs.yml")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr and "Building pages:" not in result.stderr
