"""What every `insights` command shares: its options, the DATE type and how a broken
configuration ends a command (exit 2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from generator.config import SettingsError, parse_date
from generator.notes.project import Project, open_project
from generator.plugin.options import settings_from_options


class ConfigProblem(click.ClickException):
    """A broken configuration or registry: exit 2, like misuse."""

    exit_code = 2


class DateType(click.ParamType):
    """A YYYY-MM-DD date."""

    name = "DATE"

    def convert(self, value: Any, param: Any, ctx: Any) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DATE = DateType()

config_option = click.option(
    "--config",
    "-f",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The wiki's mkdocs.yml. [default: the nearest one here or above]",
)
as_of_option = click.option(
    "--as-of",
    type=DATE,
    help="Treat this day as today. [default: the config's as_of, SOURCE_DATE_EPOCH, or today]",
)


@contextmanager
def config_errors() -> Iterator[None]:
    """Turn configuration errors into a clear message and exit code 2."""
    try:
        yield
    except SettingsError as exc:
        raise ConfigProblem(str(exc)) from None


def load_project(config_file: Path | None) -> Project:
    """Open the wiki or exit 2 with the reason."""
    with config_errors():
        return open_project(config_file, settings_from_options)


def known_areas(given: tuple[str, ...], slugs: list[str], registry: str) -> set[str]:
    """The areas asked for, or exit 2 naming the first unknown one and the closest slug."""
    import difflib

    for slug in given:
        if slug not in slugs:
            close = difflib.get_close_matches(slug, slugs, n=1, cutoff=0.6)
            hint = (
                f" (did you mean '{close[0]}'?)" if close else f"; choose from: {', '.join(slugs)}"
            )
            raise ConfigProblem(f"'{slug}' is not an area{hint}; areas are in {registry}")
    return set(given)
