"""Work a build does once instead of once per page: the rest of the MkDocs adapter.

At 10,000 notes a build makes 12,800 pages, and MkDocs and the theme redo some work on every
one that comes out the same on many: a Markdown instance with every extension, the
navigation of a page outside it, the header. Each speed-up here leaves the site byte for byte
the same (tests/test_workers.py checks each against the work done afresh).
"""

from __future__ import annotations

from typing import Any

import markdown
from mkdocs.structure import pages as mkdocs_pages
from mkdocs.utils import get_relative_url, normalize_url


class OneMarkdown:
    """What MkDocs' pages module sees as `markdown` during a build: its `Markdown()` returns
    one instance, reset, for every page converted with the same extensions.

    MkDocs makes a new Markdown instance for every page (`Page.render`), building every
    extension again: about 0.15 ms a page, 2 CPU-seconds at 10,000 notes. Python-Markdown
    supports converting many documents with one instance, reset in between; MkDocs' own
    per-page processors register again on each page under the same names, replacing the
    previous page's. Everything else is the real `markdown` module.
    """

    def __init__(self) -> None:
        self.options: dict[str, Any] | None = None
        self.instance: markdown.Markdown | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(markdown, name)

    def Markdown(self, **options: Any) -> markdown.Markdown:  # the name MkDocs calls
        """The instance made for these options, reset; a new one for other options."""
        if self.instance is None or options != self.options:
            self.options, self.instance = options, markdown.Markdown(**options)
        else:
            self.instance.reset()
        return self.instance

    @classmethod
    def install(cls) -> None:
        """Stand in for `markdown` in MkDocs' pages module, with no instance yet."""
        mkdocs_pages.markdown = cls()

    @staticmethod
    def uninstall() -> None:
        """Give MkDocs' pages module the real `markdown` back."""
        mkdocs_pages.markdown = markdown


def nav_key(context: dict[str, Any]) -> tuple[str, ...] | None:
    """What the navigation's HTML depends on, for a page outside it: its relative links.

    (For a page in the navigation it also marks the page active: no key, rendered afresh.)
    """
    page, nav = context.get("page"), context.get("nav")
    if page is None or nav is None or page in nav.pages:
        return None
    links = (get_relative_url(item.url, page.url) for item in nav.pages)
    return (str(context.get("base_url")), *links)


def header_key(context: dict[str, Any]) -> tuple[str, ...] | None:
    """What theme/partials/insights-header.html depends on, for a page: the page's links to
    the home page, the logo and each alternate language (as the `url` filter writes them).

    (With sticky navigation tabs it also shows which tab is the page's: no key, rendered
    afresh.)
    """
    page, config, nav = context.get("page"), context.get("config"), context.get("nav")
    if page is None or config is None:
        return None
    features = config.theme.get("features") or ()
    if "navigation.tabs.sticky" in features and "navigation.tabs" in features:
        return None
    extra = config.extra or {}
    homepage = nav.homepage if nav is not None else None
    base = str(context.get("base_url"))
    targets = [extra.get("homepage") or (homepage.url if homepage is not None else "")]
    targets += [config.theme.get("logo") or ""]
    alternates = extra.get("alternate") or ()
    targets += [str(alt.get("link", "")) for alt in alternates if isinstance(alt, dict)]
    return (base, *(normalize_url(str(t), page=page, base=base) for t in targets))
