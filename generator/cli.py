"""The `insights` command: a thin layer over the library. The only module that imports click.

Exit codes: 0 success, 1 problems in notes, 2 misuse or a broken configuration.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from generator import report
from generator.notes import find_note_files, front_matter_schema
from generator.project import Project, load_project_wiki, open_project, relative_paths, select
from generator.settings import SettingsError, parse_date, resolve_as_of


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
        return open_project(config_file)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="insight-wiki")
def main() -> None:
    """Insight Wiki: customer insight notes in git, compiled into a searchable wiki.

    Run a command with --help for its options. Commands find the wiki's mkdocs.yml in the
    current folder or above, or take --config.
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@as_of_option
@config_option
def check(
    paths: tuple[Path, ...], fmt: str, as_of: dt.date | None, config_file: Path | None
) -> None:
    """Check notes: all of them, or PATHS (files or folders) against the whole wiki.

    Prints one problem a line as path:line:col: severity code: message. Exits 1 when any
    checked note has an error (warnings alone exit 0), and 2 when the config is broken.
    """
    project = load_project(config_file)
    with config_errors():
        day = resolve_as_of(as_of, project.settings)
        wanted = relative_paths(project, paths)
        files = find_note_files(project.root, project.settings)
        wiki = load_project_wiki(project, day, files)
    problems = sorted(select(wiki.problems, wanted))
    checked = len(select(files, wanted)) if wanted else len(files)
    render = report.json_report if fmt == "json" else report.text_report
    click.echo(render(problems, checked), nl=False)
    if any(p.severity == "error" for p in problems):
        sys.exit(1)


@main.command()
@config_option
def schema(config_file: Path | None) -> None:
    """Print a JSON Schema of a note's front matter, for editors.

    Save it (insights schema > .cache/note.schema.json) and start a note's front matter
    with '# yaml-language-server: $schema=../../.cache/note.schema.json'.
    """
    project = load_project(config_file)
    from generator.areas import load_areas

    areas, problems = load_areas(project.root, project.settings)
    if problems:
        raise ConfigProblem("\n".join(p.format() for p in problems))
    click.echo(json.dumps(front_matter_schema(project.settings, areas), indent=2))


@main.command()
@as_of_option
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the site. [default: mkdocs.yml's site_dir, usually site/]",
)
@click.option("--strict", is_flag=True, help="Fail on any MkDocs warning, e.g. a broken link.")
@config_option
def build(
    as_of: dt.date | None, site_dir: Path | None, strict: bool, config_file: Path | None
) -> None:
    """Check every note, then build the wiki into a static site.

    Refuses to publish if any note has errors: it prints the same report as 'insights check'
    and exits 1, leaving the previous site untouched. The same notes and --as-of give a
    byte-identical site.
    """
    from generator.plugin import BuildFailed, build_site

    project, day = _checked_project(config_file, as_of)
    try:
        build_site(project.config_file, day, site_dir, strict)
    except BuildFailed as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
@as_of_option
@click.option(
    "--dev-addr",
    metavar="HOST:PORT",
    help="Address to serve on. [default: mkdocs.yml's dev_addr, 127.0.0.1:8000]",
)
@config_option
def serve(as_of: dt.date | None, dev_addr: str | None, config_file: Path | None) -> None:
    """Build the wiki and serve it locally, rebuilding when a note changes."""
    from generator.plugin import BuildFailed, serve_site

    project, day = _checked_project(config_file, as_of)
    try:
        serve_site(project.config_file, day, dev_addr)
    except BuildFailed as exc:
        raise click.ClickException(str(exc)) from None


def _checked_project(config_file: Path | None, as_of: dt.date | None) -> tuple[Project, dt.date]:
    """Open the wiki and check every note; on errors print the check report and exit 1."""
    project = load_project(config_file)
    with config_errors():
        day = resolve_as_of(as_of, project.settings)
        files = find_note_files(project.root, project.settings)
        wiki = load_project_wiki(project, day, files)
    if wiki.errors:
        click.echo(report.text_report(wiki.problems, len(files)), err=True, nl=False)
        click.echo("Nothing was published: fix the errors above and build again.", err=True)
        sys.exit(1)
    return project, day
