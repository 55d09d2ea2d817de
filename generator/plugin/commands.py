"""Run MkDocs on the wiki, as `mkdocs build` and `mkdocs serve` would, for the `insights`
command: the plugin's `as_of` and SOURCE_DATE_EPOCH set for the run, errors as BuildFailed."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from generator.config import epoch_of
from generator.model import Wiki
from generator.plugin.plugin import InsightsPlugin


def build_site(
    config_file: Path,
    as_of: dt.date,
    site_dir: Path | None,
    strict: bool,
    checked: Wiki | None = None,
) -> None:
    """Run a MkDocs build of the wiki, as `mkdocs build` would; raises BuildFailed.

    `as_of` overrides the plugin's own option. `checked` is the wiki the caller has just
    loaded and checked as of that day, so the build need not read every note a second time.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    _log_like_mkdocs()
    options: dict[str, Any] = {"strict": strict}
    if site_dir is not None:
        options["site_dir"] = str(site_dir)
    try:
        with source_date_epoch(as_of):
            config = load_config(str(config_file), **options)
            plugin = config.plugins.get("insights")
            if isinstance(plugin, InsightsPlugin):
                plugin.config["as_of"] = as_of
                plugin.checked = checked
            build(config)
    except (Abort, ConfigurationError, PluginError) as exc:
        raise BuildFailed(str(exc) or "the build failed; see the messages above") from None


def serve_site(config_file: Path, as_of: dt.date, dev_addr: str | None) -> None:
    """Build the wiki and serve it with live reload, as `mkdocs serve` would, remaking only
    what an edit changes (live.py).

    The configuration is loaded again for each full rebuild, so `as_of` goes in as the
    plugin's own option, among the plugins as mkdocs.yml lists them.
    """
    from mkdocs.exceptions import Abort, ConfigurationError

    from generator.plugin.live import serve

    _log_like_mkdocs()
    options: dict[str, Any] = {"dev_addr": dev_addr} if dev_addr else {}
    try:
        options["plugins"] = _plugins_with_as_of(config_file, as_of)
        with source_date_epoch(as_of):
            serve(config_file, options)
    except (Abort, ConfigurationError, PluginError) as exc:
        raise BuildFailed(str(exc)) from None


def _plugins_with_as_of(config_file: Path, as_of: dt.date) -> list[Any]:
    """mkdocs.yml's `plugins`, read as MkDocs reads it, with the insights plugin's `as_of` set."""
    from mkdocs.utils.yaml import yaml_load

    with config_file.open("rb") as fd:
        raw = yaml_load(fd) or {}
    plugins = raw.get("plugins", ["search"]) if isinstance(raw, dict) else ["search"]
    if isinstance(plugins, dict):
        pairs = list(plugins.items())
    else:
        pairs = [(e, None) if isinstance(e, str) else next(iter(e.items())) for e in plugins]
    if "insights" not in (name for name, _ in pairs):
        raise BuildFailed("mkdocs.yml does not use the 'insights' plugin; add it under plugins:")
    return _Fresh(
        {name: {**(options or {}), "as_of": as_of}} if name == "insights" else {name: options or {}}
        for name, options in pairs
    )


class _Fresh(list[Any]):
    """A list that hands out copies of its items: MkDocs empties each plugin entry as it reads
    it, and `serve` reads the same list again for every rebuild."""

    def __iter__(self) -> Iterator[Any]:
        return (copy.deepcopy(item) for item in super().__iter__())


@contextlib.contextmanager
def source_date_epoch(as_of: dt.date) -> Iterator[None]:
    """SOURCE_DATE_EPOCH at `as_of` while MkDocs runs (its dates in the sitemap and the
    copyright read it), and as it was before afterwards."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch_of(as_of))
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


class BuildFailed(Exception):
    """MkDocs stopped; the message says why."""


def _log_like_mkdocs() -> None:
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
