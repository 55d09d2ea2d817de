"""What a writer waits for: a build after one edited note, and `insights serve` from saving a
note to the served page changing; and the peak memory of a build.

    python -m benchmarks.incremental WIKI      (measures an existing wiki; run.py calls these)
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

BIN = Path(sys.executable).parent
POLL = 0.05  # seconds between looks at the served page
TIMEOUT = 900.0  # seconds to wait for a server to start or a page to change


def edit_note(wiki: Path, index: int = 0) -> tuple[Path, str]:
    """Give one note a new title (as a writer fixing a typo would); return it and the title."""
    notes = sorted((wiki / "insights").rglob("*.md"))
    notes = [n for n in notes if n.name not in ("areas.yml", "tags.yml")]
    note = notes[(index * 7919) % len(notes)]
    text = note.read_text(encoding="utf-8")
    title = f"Edited title {time.monotonic_ns()}"
    note.write_text(re.sub(r"^title: .*$", f"title: {title}", text, count=1, flags=re.M), "utf-8")
    return note, title


def run_measured(args: Sequence[str | Path], cwd: Path) -> tuple[float, int]:
    """Run a command; return its wall time in seconds and the peak memory (bytes) of its
    process tree: the largest sum of the resident sizes of it and its children, sampled."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [str(BIN / str(args[0])), *map(str, args[1:])]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)  # fmt: skip
    peak = [0]
    sampler = threading.Thread(target=_sample, args=(process, peak), daemon=True)
    sampler.start()
    _, err = process.communicate()
    seconds = time.perf_counter() - start
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{command} failed:\n{err.decode(errors='replace')[-3000:]}")
    return seconds, peak[0]


def _sample(process: subprocess.Popen[bytes], peak: list[int]) -> None:
    page = os.sysconf("SC_PAGE_SIZE")
    while process.poll() is None:
        peak[0] = max(peak[0], _tree_rss(process.pid, page))
        time.sleep(0.1)


def _tree_rss(root: int, page: int) -> int:
    """The resident bytes of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as file:
                fields = file.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(entry), int(fields[1])
        children.setdefault(parent, []).append(pid)
        rss[pid] = int(fields[21]) * page
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def warm_build(wiki: Path, site: Path, as_of: str, index: int = 1) -> float:
    """Edit one note, then time `insights build` reusing the cache of the build before."""
    edit_note(wiki, index)
    seconds, _ = run_measured(["insights", "build", "--as-of", as_of, "--site-dir", site], wiki)
    return seconds


def serve_latency(wiki: Path, as_of: str, edits: int = 2) -> tuple[float, list[float]]:
    """Start `insights serve`; return the seconds to its first page, and for each edit the
    seconds from saving a note to the served page of that note showing the change."""
    port = _free_port()
    command = [str(BIN / "insights"), "serve", "--as-of", as_of, "--dev-addr", f"127.0.0.1:{port}"]
    log = wiki / "serve.log"
    start = time.perf_counter()
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=wiki, stdout=output, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}/"
        _wait(lambda: "Serving on" in log.read_text(errors="replace"), server, log)
        first = time.perf_counter() - start
        latencies = []
        for index in range(edits):
            note, title = edit_note(wiki, index + 2)
            saved = time.perf_counter()
            url = base + note.relative_to(wiki / "insights").with_suffix("").as_posix() + "/"
            _wait(lambda: title in _get(url), server, log)  # noqa: B023 - used at once
            latencies.append(time.perf_counter() - saved)
            time.sleep(1.0)  # let the server settle before the next edit
        return first, latencies
    finally:
        server.terminate()
        server.wait(timeout=60)


def _wait(done: object, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.perf_counter() + TIMEOUT
    while not done():  # type: ignore[operator]
        if server.poll() is not None or time.perf_counter() > deadline:
            raise RuntimeError("insights serve: " + log.read_text(errors="replace")[-3000:])
        time.sleep(POLL)


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return str(response.read().decode("utf-8", errors="replace"))
    except (urllib.error.URLError, OSError):
        return ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    """Command line: measure a warm build and serve on an existing wiki."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wiki", type=Path)
    parser.add_argument("--as-of", default="2026-11-30")
    args = parser.parse_args()
    cold, peak = run_measured(["insights", "build", "--as-of", args.as_of], args.wiki)
    print(f"build: {cold:.1f} s, peak {peak / 1e9:.2f} GB")
    print(f"build after one edit: {warm_build(args.wiki, args.wiki / 'site', args.as_of):.1f} s")
    first, latencies = serve_latency(args.wiki, args.as_of)
    print(f"serve: first page {first:.1f} s; edit to page: {[round(s, 2) for s in latencies]}")


if __name__ == "__main__":
    main()
