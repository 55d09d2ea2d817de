"""Site search in headless Chromium: what the browser fetches, and how soon it shows a result.

    python -m benchmarks.sitesearch SITE_DIR QUERY

`measure_site_search` serves a built site on 127.0.0.1, opens its home page in Debian's
Chromium, types the query into the header search box at once (as a paste would), and waits
for the first result. The search is cold: the index's meta.json loads on that focus, so the
time includes loading it. A second, fresh page measures the usual case too: the reader
focuses the box (meta.json loads) and types a second later.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
INSTALL_CHROMIUM = (
    "install Chromium (on Debian: sudo apt-get install chromium), or set CHROMIUM "
    "to the path of a Chromium or Google Chrome"
)
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
TIMEOUT_MS = 30_000
PAUSE_MS = 1_000  # between focusing the box and typing, in the focused measurement
# Installed in the page before typing: when the query was typed, when the first result showed.
PROBE = """() => {
  window.__probe = {};
  document.addEventListener("input", () => { window.__probe.typed ??= performance.now(); }, true);
  new MutationObserver(() => {
    if (!window.__probe.shown && document.querySelector(".md-search-result__item")) {
      window.__probe.shown = performance.now();
    }
  }).observe(document.body, { childList: true, subtree: true });
}"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def find_chromium(environ: Mapping[str, str] = os.environ) -> str | None:
    """The browser to drive: $CHROMIUM (a path or a command) if set, else the first of
    chromium, chromium-browser and google-chrome on the PATH; None if there is none."""
    given = environ.get("CHROMIUM", "").strip()
    names = (given,) if given else CHROMIUM_NAMES
    path = environ.get("PATH", os.defpath)
    return next((found for name in names if (found := shutil.which(name, path=path))), None)


def no_chromium(environ: Mapping[str, str] = os.environ) -> str:
    """Why no browser was found, and how to get one."""
    given = environ.get("CHROMIUM", "").strip()
    looked = (
        f"CHROMIUM={given} is not a program"
        if given
        else ("no chromium, chromium-browser or google-chrome on the PATH, and CHROMIUM is not set")
    )
    return f"{looked}; {INSTALL_CHROMIUM}"  # fmt: skip


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve a folder over HTTP on a free port of 127.0.0.1; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def measure_site_search(site_dir: Path, query: str, chromium: str | None = None) -> dict[str, Any]:
    """Search a built site once, cold; return the bytes fetched and the time to the first result.

    Keys: bytes_before_first_result (everything since the page was opened), search_bytes (the
    part fetched after the box took focus), ms_to_first_result (cold), ms_to_first_result_focused
    (meta.json loaded on focus before typing), results (the count shown in the box),
    first_result (its title), fetched_search_index (material's whole index: must be False),
    and page_requests and search_requests: (URL, body bytes) in the order they ended.
    """
    from playwright.sync_api import sync_playwright

    chromium = chromium or find_chromium()
    if chromium is None:
        raise RuntimeError(no_chromium())
    with serve(site_dir) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS, headless=True)
        try:
            figures = _measure(browser.new_context().new_page(), url, query, focus_first=False)
            focused = _measure(browser.new_context().new_page(), url, query, focus_first=True)
        finally:
            browser.close()
    return {**figures, "ms_to_first_result_focused": focused["ms_to_first_result"]}


def _measure(page: Any, url: str, query: str, focus_first: bool) -> dict[str, Any]:
    finished: list[Any] = []
    page.context.on("requestfinished", lambda r: finished.append(r))  # with its workers'
    page.goto(url, wait_until="networkidle")
    before_search = len(finished)
    page.evaluate(PROBE)
    if focus_first:
        page.locator(".md-search__input").focus()
        page.wait_for_timeout(PAUSE_MS)
    page.locator(".md-search__input").fill(query)
    page.wait_for_function("() => window.__probe.shown", timeout=TIMEOUT_MS)
    probe = page.evaluate("window.__probe")
    fetched = [(r.url.removeprefix(url), len(r.response().body())) for r in list(finished)]
    return {
        "bytes_before_first_result": sum(size for _, size in fetched),
        "search_bytes": sum(size for _, size in fetched[before_search:]),
        "ms_to_first_result": round(probe["shown"] - probe["typed"], 1),
        "results": page.locator(".md-search-result__meta").inner_text(),
        "first_result": page.locator(".md-search-result__item h1").first.inner_text(),
        "fetched_search_index": any("search_index.json" in u for u, _ in fetched),
        "page_requests": fetched[:before_search],
        "search_requests": fetched[before_search:],
    }


def main() -> None:
    """Command line: measure one query against a built site and print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site folder (with search/)")
    parser.add_argument("query")
    args = parser.parse_args()
    figures = measure_site_search(args.site, args.query)
    print(json.dumps({k: v for k, v in figures.items() if not k.endswith("_requests")}, indent=2))


if __name__ == "__main__":
    main()
