"""`insights search`: the notes that match a query and filters, best first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from generator.cli.options import (
    DATE,
    as_of_option,
    config_errors,
    config_option,
    load_project,
)
from generator.config import resolve_as_of


class SinceType(click.ParamType):
    """A YYYY-MM-DD date, or Nd for the last N days (resolved against --as-of)."""

    name = "DATE|Nd"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        from generator.search.query import parse_since

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


@click.command()
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
    from generator.cli import report
    from generator.model import SearchFilters
    from generator.search.index import IndexBusy
    from generator.search.query import parse_since, search_project
    from generator.search.searcher import QueryError

    project = load_project(config_file)
    with config_errors():
        day = resolve_as_of(as_of, project.settings)
        start = parse_since(since, day) if since else None
        filters = SearchFilters(areas, tags, sources, customers, teams, start, until)
        try:
            found = search_project(project, day, query, filters, limit, report.progress)
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
    from generator.search.query import hits_json, no_match

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
