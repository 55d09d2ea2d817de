"""`insights digest`: what is new, ready to post (a thin layer over signals/digest.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from generator.cli.options import (
    ConfigProblem,
    as_of_option,
    config_errors,
    config_option,
    known_areas,
    load_project,
)
from generator.config import resolve_as_of
from generator.notes.project import load_project_wiki


@click.command()
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=7,
    show_default=True,
    help="Length of the period in days, ending on the as-of day (7: it and the 6 before).",
)
@click.option(
    "--area",
    "areas",
    multiple=True,
    metavar="SLUG",
    help="Only this area (repeat for more). [default: every area]",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json", "html"]),
    default="markdown",
    show_default=True,
    help="markdown: for GitHub and chat; html: an e-mail body; json: for scripts.",
)
@as_of_option
@config_option
def digest(
    days: int, areas: tuple[str, ...], fmt: str, as_of: dt.date | None, config_file: Path | None
) -> None:
    """What is new, ready to post: the insights of the last --days days by area, the findings
    and themes that are new or grew, and the flags raised or cleared since the period before.

    Links go to the published wiki (the site_url of mkdocs.yml or of the plugin); without
    one they are relative to the wiki's root, and a warning says so. Notes with errors are
    left out, with a warning (run insights check).
    """
    from generator.signals.digest import make_digest
    from generator.site.digest_report import digest_report

    project = load_project(config_file)
    settings = project.settings
    with config_errors():
        day = resolve_as_of(as_of, settings)
        wiki = load_project_wiki(project, day)
    wanted = known_areas(areas, [a.slug for a in wiki.areas], settings.areas_file)
    broken = len({p.path for p in wiki.errors})
    if broken:
        notes_have = "1 note has" if broken == 1 else f"{broken} notes have"
        click.echo(f"warning: {notes_have} errors and are left out; run insights check", err=True)
    if not settings.site_url:
        click.echo(
            "warning: site_url is not set in mkdocs.yml, so links are relative to the wiki's "
            "root; set it to link the published wiki",
            err=True,
        )
    try:
        result = make_digest(wiki.notes, wiki.areas, day, days, settings, wiki.decisions, wanted)
    except ValueError as exc:
        raise ConfigProblem(str(exc)) from None
    click.echo(digest_report(result, list(wiki.notes), settings, fmt), nl=False)
