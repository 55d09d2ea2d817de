"""Helpers for browser tests: serve a built site on 127.0.0.1 and drive the machine's Chromium
($CHROMIUM, else chromium, chromium-browser or google-chrome on the PATH)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

# One static server, and one way to find the browser, for tests and benchmarks.
from benchmarks.sitesearch import find_chromium, no_chromium, serve

__all__ = ["chromium", "require_chromium", "screenshot", "serve", "tab"]

SCREENSHOTS = Path(__file__).parent / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium(environ: Mapping[str, str] = os.environ) -> str:
    """The browser to drive. Without one, a developer's run skips and CI's (CI=true) fails,
    each saying how to install one."""
    found = find_chromium(environ)
    if found is not None:
        return found
    if environ.get("CI") == "true":
        pytest.fail(no_chromium(environ), pytrace=False)
    pytest.skip(no_chromium(environ))


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page: Any, name: str) -> None:
    """Save a full-page screenshot under tests/screenshots/ for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@contextmanager
def tab(browser: Any, viewport: dict[str, int]) -> Iterator[Any]:
    """A new page that records console errors, uncaught exceptions and dialogs in `.errors`."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("dialog", lambda d: (page.errors.append("dialog: " + d.message), d.dismiss()))
    try:
        yield page
    finally:
        context.close()
