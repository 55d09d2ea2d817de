"""The `insights` command: a thin layer over the library (cli/ is the only click user).

Exit codes: 0 success, 1 problems in notes, 2 misuse or a broken configuration.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
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
from generator.model import Wiki
from generator.notes.project import Project, load_project_wiki, relative_paths, select
from generator.processes import paused_gc


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
    from generator.cli import report
    from generator.notes.load import find_note_files
    from generator.signals.similar import duplicate_problems

    project = load_project(config_file)
    with config_errors():
        day = resolve_as_of(as_of, project.settings)
        wanted = relative_paths(project, paths)
        files = find_note_files(project.root, project.settings)
        progress = report.progress("Checking notes", len(files))
        wiki = load_project_wiki(project, day, files, tick=progress)
        progress.close()

    checked_notes = {n.path for n in select(wiki.notes, wanted)} if wanted else None
    threshold = project.settings.duplicate_threshold
    duplicates = duplicate_problems(wiki.notes, threshold, checked_notes)
    problems = sorted(select([*wiki.problems, *duplicates], wanted))
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
    from generator.notes.areas import load_areas
    from generator.notes.load import front_matter_schema

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
    from generator.plugin.commands import BuildFailed, build_site

    project, day, wiki = _checked_project(config_file, as_of)
    try:
        build_site(project.config_file, day, site_dir, strict, checked=wiki)
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
    from generator.plugin.commands import BuildFailed, serve_site

    project, day, _ = _checked_project(config_file, as_of)
    try:
        serve_site(project.config_file, day, dev_addr)
    except BuildFailed as exc:
        raise click.ClickException(str(exc)) from None


def _info(message: str) -> None:
    click.echo(f"INFO    -  {message}", err=True)


def _checked_project(
    config_file: Path | None, as_of: dt.date | None
) -> tuple[Project, dt.date, Wiki]:
    """Open the wiki and check every note; on errors print the check report and exit 1."""
    from generator.cli import report
    from generator.notes.load import find_note_files

    project = load_project(config_file)
    with config_errors():
        day = resolve_as_of(as_of, project.settings)
        files = find_note_files(project.root, project.settings)
        progress = report.progress("Checking notes", len(files))
        with paused_gc():  # the notes are kept: collections would find nothing to free
            wiki = load_project_wiki(project, day, files, say=_info, tick=progress)
        progress.close()
    if wiki.errors:
        click.echo(report.text_report(wiki.problems, len(files)), err=True, nl=False)
        click.echo("Nothing was published: fix the errors above and build again.", err=True)
        sys.exit(1)
    return project, day, wiki


@main.command()
@click.argument("areas", nargs=-1, metavar="[AREA]...")
@as_of_option
@click.option(
    "--days",
    type=click.IntRange(min=1),
    help="Length of the window in days, ending on the as-of day. [default: the config's "
    "window_days, 90]",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="Markdown as on the wiki's pages, or JSON for scripts (a stable contract).",
)
@config_option
def summary(
    areas: tuple[str, ...],
    as_of: dt.date | None,
    days: int | None,
    fmt: str,
    config_file: Path | None,
) -> None:
    """What we learned from customers in the last 90 days, and where the signal is failing.

    With no AREA, prints the company planning brief and then every area's summary; with one
    or more AREA slugs (from insights/areas.yml), prints only those areas. Each summary gives
    the counts against the 90 days before, themes and their trends, and the flags: going dark,
    echo chamber, over-contacted customers, cross-area themes. Notes with errors are left out,
    with a warning (run insights check).
    """
    from generator.signals.summary import summarize
    from generator.site.summary_report import summary_report

    project = load_project(config_file)
    with config_errors():
        day = resolve_as_of(as_of, project.settings)
        wiki = load_project_wiki(project, day)
    wanted = known_areas(areas, [a.slug for a in wiki.areas], project.settings.areas_file)
    broken = len({p.path for p in wiki.errors})
    if broken:
        notes_have = "1 note has" if broken == 1 else f"{broken} notes have"
        click.echo(f"warning: {notes_have} errors and are left out; run insights check", err=True)
    try:
        company = summarize(
            wiki.notes, wiki.areas, day, project.settings, days, decisions=wiki.decisions
        )
    except ValueError as exc:
        raise ConfigProblem(str(exc)) from None
    top = project.settings.brief_findings
    click.echo(summary_report(company, wiki.notes, wanted, fmt, top), nl=False)


@main.command()
@click.option("--base", required=True, metavar="REF", help="The revision to compare with.")
@click.option("--head", metavar="REF", help="The revision to review. [default: the work tree]")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json", "github"]),
    default="markdown",
    show_default=True,
    help="markdown: a pull-request comment; github: annotations; json: for tools.",
)
@as_of_option
@config_option
def review(
    base: str, head: str | None, fmt: str, as_of: dt.date | None, config_file: Path | None
) -> None:
    """Review what changed in the notes between two revisions, e.g. in a pull request.

    Lists the notes added, changed, renamed and removed, the problems in them, near-duplicates
    of existing notes, and what they change in the summaries. Exits 1 when a changed note has
    errors, and 2 when a revision cannot be read (in CI, check out with fetch-depth: 0).
    """
    from generator.notes.gitrepo import GitError
    from generator.signals import review as reviewing
    from generator.site import review_report

    project = load_project(config_file)
    with config_errors():
        day = resolve_as_of(as_of, project.settings)
        try:
            result, repo = reviewing.load_review(project, base, head, day)
        except GitError as exc:
            raise ConfigProblem(str(exc)) from None
    if fmt == "github":
        click.echo(review_report.to_github(result, repo.prefix), nl=False)
    else:
        render = review_report.to_json if fmt == "json" else review_report.to_markdown
        click.echo(render(result), nl=False)
    if result.errors:
        sys.exit(1)


def _register() -> None:
    """Commands defined in their own modules join the group."""
    from generator.cli.authoring import init, new
    from generator.cli.digest import digest
    from generator.cli.searching import search
    from generator.cli.tagging import tags

    for command in (new, init, search, tags, digest):
        main.add_command(command)


_register()
