"""`insights new` and `insights init`: a note or a wiki to start from."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from generator.cli.options import (
    DATE,
    ConfigProblem,
    config_errors,
    config_option,
    load_project,
)
from generator.config import resolve_as_of


@click.command("new")
@click.argument("title", required=False)
@click.option("--area", help="The area's slug, a key of insights/areas.yml.")
@click.option("--source", help="How it was heard: interview, survey, support-ticket, ...")
@click.option("--customer", "customers", multiple=True, help="A customer handle; repeatable.")
@click.option("--tag", "tags", multiple=True, help="A theme, as a lowercase slug; repeatable.")
@click.option("--date", "day", type=DATE, help="The day it was heard or decided. [default: today]")
@click.option("--team", help="The team that heard it.")
@click.option("--decision", is_flag=True, help="Write a decision (kind: decision), not an insight.")
@click.option("--status", help="A decision's status, e.g. proposed, planned, building, shipped, "
              "dropped. [default: proposed]")  # fmt: skip
@click.option("--owner", help="Who owns a decision. [default: git config user.name]")
@click.option("--evidence", multiple=True, help="An insight's id behind a decision; repeatable.")
@click.option("--edit", is_flag=True, help="Open the new note in $EDITOR.")
@config_option
def new(
    title: str | None,
    area: str | None,
    source: str | None,
    customers: tuple[str, ...],
    tags: tuple[str, ...],
    day: dt.date | None,
    team: str | None,
    decision: bool,
    status: str | None,
    owner: str | None,
    evidence: tuple[str, ...],
    edit: bool,
    config_file: Path | None,
) -> None:
    """Create a note: front matter filled in, and an outline that fits its source.

    Writes <notes folder>/<area>/<date>-<title as a slug>.md, with the author from
    'git config user.name'. With --decision it writes a decision instead, to
    <notes folder>/decisions/<date>-<title as a slug>.md, citing the insights given with
    --evidence. In a terminal it asks for a missing title, area or source; elsewhere they
    must be given. It never overwrites a file.
    """
    from generator.notes import scaffold
    from generator.notes.areas import load_areas
    from generator.notes.gitrepo import user_name

    project = load_project(config_file)
    settings = project.settings
    with config_errors():
        today = resolve_as_of(None, settings)
    areas, problems = load_areas(project.root, settings)
    if problems:
        raise ConfigProblem("\n".join(p.format() for p in problems))
    slugs = [a.slug for a in areas]
    try:
        if decision:
            _only_for("insight notes, not decisions", source=source, customer=customers, tag=tags,
                      team=team)  # fmt: skip
            title, area, _ = _ask_missing(title, area, None, slugs, ())
            status = status or scaffold.first_status(settings)
            owner = owner or user_name(project.root)
            made = scaffold.NewDecision(title, area, status, day or today, owner, evidence)
            with config_errors():
                rel, text, found = scaffold.prepare_decision(
                    project.root, settings, areas, made, today
                )
        else:
            _only_for("decisions: add --decision", status=status, owner=owner, evidence=evidence)
            title, area, source = _ask_missing(title, area, source, slugs, settings.sources)
            note = scaffold.NewNote(title, area, source, day or today, customers, tags, team,
                                    user_name(project.root))  # fmt: skip
            rel, text, found = scaffold.prepare_note(project.root, settings, areas, note, today)
    except scaffold.ScaffoldError as exc:
        raise click.UsageError(str(exc)) from None
    if any(p.severity == "error" for p in found):
        raise click.ClickException("\n".join(p.format() for p in found))
    _write_new(project.root / rel, text)
    click.echo(f"Created {rel}")
    for problem in found:  # warnings only, such as a tag that is an alias
        click.echo(problem.format(), err=True)
    if edit:
        click.edit(filename=str(project.root / rel))


def _only_for(which: str, **given: object) -> None:
    """Refuse options that the kind of note being written has no use for."""
    used = [f"--{name}" for name, value in given.items() if value]
    if used:
        verb = "is" if len(used) == 1 else "are"
        raise click.UsageError(f"{', '.join(used)} {verb} for {which}")


def _interactive() -> bool:
    """Whether someone at a terminal can answer prompts."""
    return sys.stdin.isatty()


def _ask_missing(
    title: str | None,
    area: str | None,
    source: str | None,
    areas: list[str],
    sources: tuple[str, ...],
) -> tuple[str, str, str]:
    """Prompt for a missing title, area or source (if `sources` are offered: a decision has
    none) in a terminal; elsewhere, fail saying which."""
    asked = (("TITLE", title), ("--area", area), *((("--source", source),) if sources else ()))
    missing = [name for name, v in asked if not v]
    if missing and not _interactive():
        raise click.UsageError(f"missing {', '.join(missing)} (areas: {', '.join(areas)}); "
                               "give them on the command line, as there is no terminal to "
                               "ask in")  # fmt: skip
    if not title:
        title = click.prompt("Title (the finding, as a sentence)")
    if not area:
        area = click.prompt("Area", type=click.Choice(areas))
    if not source and sources:
        default = "interview" if "interview" in sources else None
        source = click.prompt("Source", type=click.Choice(sources), default=default)
    return str(title), str(area), str(source or "")


def _write_new(path: Path, text: str) -> None:
    """Write a new file, never replacing one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as out:
            out.write(text)
    except FileExistsError:
        raise click.UsageError(f"{path} already exists; it was left as it is") from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror}") from None


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Start a new wiki in DIRECTORY: mkdocs.yml, an area registry, a tag vocabulary, an
    example note and a README.

    Refuses a folder that already has a mkdocs.yml; other files already there are kept.
    """
    from generator.config import Settings
    from generator.notes.scaffold import wiki_files

    if (directory / "mkdocs.yml").exists():
        raise click.UsageError(f"{directory / 'mkdocs.yml'} already exists: this is a wiki already")
    with config_errors():
        today = resolve_as_of(None, Settings())
    for rel, text in wiki_files(today).items():
        target = directory / rel
        if target.exists():
            click.echo(f"Kept the existing {rel}")
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(f"cannot write {target}: {exc.strerror}") from None
    click.echo(f"Created a wiki in {directory}. Next, there: list your areas in "
               "insights/areas.yml, then run 'insights new' and 'insights serve'.")  # fmt: skip
