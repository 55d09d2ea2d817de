"""`insights tags`: every tag with its counts, name and aliases, and likely duplicates."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from generator.cli.options import as_of_option, config_errors, config_option, load_project
from generator.config import resolve_as_of
from generator.notes.project import load_project_wiki


@click.command()
@as_of_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Text to read, or JSON for scripts.",
)
@config_option
def tags(as_of: dt.date | None, fmt: str, config_file: Path | None) -> None:
    """List every tag: its notes in the last 90 days (W) and in all, its name, description
    and aliases from insights/tags.yml, and tags that likely mean the same.

    Likely duplicates are alike by name (on-boarding and onboarding, export and exports, a
    typo, sso and sso-setup) or on mostly the same notes; fold one into the other by listing
    it under 'aliases:'. Exits 1 when the tag vocabulary has errors (they go to stderr).
    """
    from generator.signals.tags import report_json, report_text, tag_report

    project = load_project(config_file)
    with config_errors():
        day = resolve_as_of(as_of, project.settings)
        wiki = load_project_wiki(project, day)
    settings = project.settings
    report = tag_report(wiki, day, settings.window_days, settings.tags_file)
    click.echo((report_json if fmt == "json" else report_text)(report), nl=False)
    broken = [p for p in wiki.errors if p.path == settings.tags_file]
    for problem in broken:
        click.echo(problem.format(), err=True)
    if broken:
        sys.exit(1)
