"""`insights serve` in headless Chromium: an edited note shows in the open page, and a note
saved with errors is reported while the last good site stays served."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES

pytestmark = pytest.mark.browser
NOTE = "insights/billing/2026-06-20-invoices-lack-cost-centres.md"
PAGE = "billing/2026-06-20-invoices-lack-cost-centres/"
TITLE = "Finance teams reconcile invoices by hand because line items lack cost centres"
NEW = "Finance teams still reconcile invoices by hand"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode("utf-8"))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, Path]]:
    """A small wiki served by `insights serve`: its folder, its URL and the server's log."""
    root = tmp_path / "small"
    shutil.copytree(FIXTURES / "small", root)
    port = free_port()
    log = tmp_path / "serve.log"
    insights = Path(sys.executable).parent / "insights"
    command = [str(insights), "serve", "--config", str(root / "mkdocs.yml"),
               "--dev-addr", f"127.0.0.1:{port}"]  # fmt: skip
    with log.open("w") as output:
        server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while "Serving on" not in log.read_text() and server.poll() is None:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        assert server.poll() is None, log.read_text()
        yield root, url, log
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_an_edited_note_shows_in_the_open_page(page: Any, served: tuple[Path, str, Path]) -> None:
    root, url, log = served
    page.goto(url + PAGE)
    assert TITLE in page.locator("h1").first.inner_text()
    note = root / NOTE
    note.write_text(note.read_text("utf-8").replace(TITLE, NEW))
    page.wait_for_function(  # live reload reloads the page once the rebuild is done
        "document.querySelector('h1') && "
        "document.querySelector('h1').textContent.includes('still reconcile')",
        timeout=90_000,
    )
    assert NEW in fetch(url + "areas/billing/")
    assert "Remade 1 edited note pages" in log.read_text()  # a quick rebuild (live.py)


def test_a_note_saved_with_errors_is_reported_and_the_last_good_site_stays(
    served: tuple[Path, str, Path],
) -> None:
    root, url, log = served
    note = root / NOTE
    note.write_text(note.read_text("utf-8").replace("area: billing", "area: biling"))
    deadline = time.monotonic() + 90
    while "unknown-area" not in log.read_text():
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)
    text = log.read_text()
    assert (f"{NOTE}:" in text and "did you mean 'billing'" in text.lower()) or "billing" in text
    assert TITLE in fetch(url + PAGE)  # still served, as last built
    assert "Traceback" not in text
