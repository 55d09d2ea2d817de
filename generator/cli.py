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

from generator.model import Wiki
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
    from generator import report
    from generator.notes import find_note_files
    from generator.similar import duplicate_problems

    project = load_project(config_file)
    with config_errors():
        day = resolve_as_of(as_of, project.settings)
        wanted = relative_paths(project, paths)
        files = find_note_files(project.root, project.settings)
        wiki = load_project_wiki(project, day, files)

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
    from generator.areas import load_areas
    from generator.notes import front_matter_schema

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
    from generator.plugin import BuildFailed, serve_site

    project, day, _ = _checked_project(config_file, as_of)
    try:
        serve_site(project.config_file, day, dev_addr)
    except BuildFailed as exc:
        raise click.ClickException(str(exc)) from None


def _checked_project(
    config_file: Path | None, as_of: dt.date | None
) -> tuple[Project, dt.date, Wiki]:
    """Open the wiki and check every note; on errors print the check report and exit 1."""
    from generator import report
    from generator.notes import find_note_files

    project = load_project(config_file)
    with config_errors():
        day = resolve_as_of(as_of, project.settings)
        files = find_note_files(project.root, project.settings)
        wiki = load_project_wiki(project, day, files)
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
    from generator.summary import summarize, summary_to_json
    from generator.summary_report import summary_markdown

    project = load_project(config_file)
    with config_errors():
        day = resolve_as_of(as_of, project.settings)
        wiki = load_project_wiki(project, day)
    wanted = _known_areas(areas, [a.slug for a in wiki.areas], project.settings.areas_file)
    broken = len({p.path for p in wiki.errors})
    if broken:
        notes_have = "1 note has" if broken == 1 else f"{broken} notes have"
        click.echo(f"warning: {notes_have} errors and are left out; run insights check", err=True)
    try:
        company = summarize(wiki.notes, wiki.areas, day, project.settings, days)
    except ValueError as exc:
        raise ConfigProblem(str(exc)) from None
    chosen = [s for s in company.areas if not wanted or s.area.slug in wanted]
    if fmt == "json":
        data = summary_to_json(company)
        data["areas"] = [a for a in data["areas"] if not wanted or a["area"] in wanted]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(
            summary_markdown(
                company, chosen, wiki.notes, brief=not wanted, top=project.settings.brief_findings
            ),
            nl=False,
        )


def _known_areas(given: tuple[str, ...], slugs: list[str], registry: str) -> set[str]:
    """The AREA arguments, or exit 2 naming the first unknown one and the closest slug."""
    import difflib

    for slug in given:
        if slug not in slugs:
            close = difflib.get_close_matches(slug, slugs, n=1, cutoff=0.6)
            hint = (
                f" (did you mean '{close[0]}'?)" if close else f"; choose from: {', '.join(slugs)}"
            )
            raise ConfigProblem(f"'{slug}' is not an area{hint}; areas are in {registry}")
    return set(given)


@main.command("new")
@click.argument("title", required=False)
@click.option("--area", help="The area's slug, a key of insights/areas.yml.")
@click.option("--source", help="How it was heard: interview, survey, support-ticket, ...")
@click.option("--customer", "customers", multiple=True, help="A customer handle; repeatable.")
@click.option("--tag", "tags", multiple=True, help="A theme, as a lowercase slug; repeatable.")
@click.option("--date", "day", type=DATE, help="The day it was heard. [default: today]")
@click.option("--team", help="The team that heard it.")
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
    edit: bool,
    config_file: Path | None,
) -> None:
    """Create a note: front matter filled in, and an outline that fits its source.

    Writes <notes folder>/<area>/<date>-<title as a slug>.md, with the author from
    'git config user.name'. In a terminal it asks for a missing title, area or source;
    elsewhere they must be given. It never overwrites a file.
    """
    from generator import scaffold
    from generator.areas import load_areas
    from generator.gitrepo import user_name
    from generator.notes import find_note_files, parse_note

    project = load_project(config_file)
    settings = project.settings
    with config_errors():
        today = resolve_as_of(None, settings)
    areas, problems = load_areas(project.root, settings)
    if problems:
        raise ConfigProblem("\n".join(p.format() for p in problems))
    slugs = [a.slug for a in areas]
    title, area, source = _ask_missing(title, area, source, slugs, settings.sources)
    note = scaffold.NewNote(title, area, source, day or today, customers, tags, team,
                            user_name(project.root))  # fmt: skip
    try:
        scaffold.validate(note, settings, areas, today)
    except scaffold.ScaffoldError as exc:
        raise click.UsageError(str(exc)) from None
    rel = scaffold.note_path(note, settings)
    taken = {f.id: f.path for f in find_note_files(project.root, settings)}
    if scaffold.note_id(note) in taken:
        raise click.UsageError(f"{taken[scaffold.note_id(note)]} already exists (note ids are "
                               "unique); choose another title or date")  # fmt: skip
    text = scaffold.note_text(note, settings)
    _, found = parse_note(rel, text.encode(), settings, areas, today)
    if any(p.severity == "error" for p in found):
        raise click.ClickException("\n".join(p.format() for p in found))
    _write_new(project.root / rel, text)
    click.echo(f"Created {rel}")
    if edit:
        click.edit(filename=str(project.root / rel))


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
    """Prompt for a missing title, area or source in a terminal; elsewhere, fail saying which."""
    missing = [name for name, v in (("TITLE", title), ("--area", area), ("--source", source))
               if not v]  # fmt: skip
    if missing and not _interactive():
        raise click.UsageError(f"missing {', '.join(missing)} (areas: {', '.join(areas)}); "
                               "give them on the command line, as there is no terminal to "
                               "ask in")  # fmt: skip
    if not title:
        title = click.prompt("Title (the finding, as a sentence)")
    if not area:
        area = click.prompt("Area", type=click.Choice(areas))
    if not source:
        default = "interview" if "interview" in sources else None
        source = click.prompt("Source", type=click.Choice(sources), default=default)
    return str(title), str(area), str(source)


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


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Start a new wiki in DIRECTORY: mkdocs.yml, an area registry, an example note, a README.

    Refuses a folder that already has a mkdocs.yml; other files already there are kept.
    """
    from generator.scaffold import wiki_files
    from generator.settings import Settings

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
    from generator import review as reviewing
    from generator.gitrepo import GitError

    project = load_project(config_file)
    with config_errors():
        day = resolve_as_of(as_of, project.settings)
        try:
            result, repo = reviewing.load_review(project, base, head, day)
        except GitError as exc:
            raise ConfigProblem(str(exc)) from None
    if fmt == "github":
        click.echo(reviewing.to_github(result, repo.prefix), nl=False)
    else:
        render = reviewing.to_json if fmt == "json" else reviewing.to_markdown
        click.echo(render(result), nl=False)
    if result.errors:
        sys.exit(1)


# --- insights search ----------------------------------------------------------------------


class SinceType(click.ParamType):
    """A YYYY-MM-DD date, or Nd for the last N days (resolved against --as-of)."""

    name = "DATE|Nd"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        from generator.search import parse_since

        try:
            parse_since(str(value), dt.date(2000, 1, 1))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        return str(value)


def _many(name: str, what: str, metavar: str = "SLUG") -> Any:
    return click.option(
        f"--{name}", f"{name}s", multiple=True, metavar=metavar,
        help=f"Only notes with this {what} (repeat for any of several).",
    )  # fmt: skip


@main.command()
@click.argument("query")
@_many("area", "area")
@_many("tag", "tag")
@_many("source", "source")
@_many("customer", "customer")
@_many("team", "team", "NAME")
@click.option(
    "--since",
    type=SinceType(),
    metavar="DATE|Nd",
    help="Only notes heard on or after this day, or in the last N days (30d: the as-of day "
    "and 29 before).",
)
@click.option("--until", type=DATE, help="Only notes heard on or before this day.")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True,
              metavar="N", help="Show at most N notes, best first.")  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="text: title, area, date, path and a snippet; json: a list of objects for tools.",
)  # fmt: skip
@as_of_option
@config_option
def search(
    query: str,
    areas: tuple[str, ...],
    tags: tuple[str, ...],
    sources: tuple[str, ...],
    customers: tuple[str, ...],
    teams: tuple[str, ...],
    since: str | None,
    until: dt.date | None,
    limit: int,
    fmt: str,
    as_of: dt.date | None,
    config_file: Path | None,
) -> None:
    """Search the notes: words, "phrases", AND/OR/NOT and fields.

    QUERY uses Whoosh's query language: words (sso setup finds notes with both), "exact
    phrases", OR, NOT, a trailing * (invoic*), and fields: area:billing, tag:sso,
    customer:contoso, source:interview, team:, author:, confidence:high, title:, and
    date:2026-06 or date:[2026-06-01 to]. "*" alone matches every note. Title matches rank
    first. Exits 2 for a query it cannot read.

    The search index lives in cache_dir and is brought up to date first: only notes that
    changed since the last search are indexed again.
    """
    from generator.index import IndexBusy, QueryError
    from generator.model import SearchFilters
    from generator.search import parse_since, search_project

    project = load_project(config_file)
    with config_errors():
        day = resolve_as_of(as_of, project.settings)
        start = parse_since(since, day) if since else None
        filters = SearchFilters(areas, tags, sources, customers, teams, start, until)
        try:
            found = search_project(project, day, query, filters, limit)
        except QueryError as exc:
            raise click.UsageError(str(exc)) from None
        except IndexBusy as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            raise click.ClickException(
                f"cannot use the search index in {exc.filename or project.settings.cache_dir}: "
                f"{exc.strerror}; point cache_dir at a folder you can write to"
            ) from None
    if found.unindexed:
        many = f"{found.unindexed} notes have errors and are"
        notes = "1 note has errors and is" if found.unindexed == 1 else many
        click.echo(f"warning: {notes} left out of the search; run 'insights check'", err=True)
    _print_search(found.result, fmt)


def _print_search(result: Any, fmt: str) -> None:
    from generator.search import hits_json, no_match

    if fmt == "json":
        click.echo(hits_json(result))
        if not result.hits:
            click.echo(no_match(result), err=True)
        return
    for number, hit in enumerate(result.hits):
        click.echo(("\n" if number else "") + click.style(hit.title, bold=True))
        click.echo(f"  {hit.area} · {hit.date.isoformat()} · {hit.path}")
        click.echo("  " + _highlighted(hit.snippet, hit.highlights))
    if not result.hits:
        click.echo(no_match(result))
    elif result.total > len(result.hits):
        click.echo(f"\n({len(result.hits)} of {result.total} matches; use --limit for more)")


def _highlighted(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], click.style(text[start:end], fg="yellow", bold=True)]
        last = end
    return "".join([*out, text[last:]])
