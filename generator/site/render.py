"""Jinja2 for the generated Markdown pages: the only module that imports Jinja2.

Every `{{ value }}` a template prints is escaped twice over: HTML (autoescape) and Markdown
(`finalize`), so a note's title can never become markup, a link or an attribute list. Values
we build ourselves and trust (URLs, rendered SVG) are marked with `trusted()`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import urllib.parse
from collections.abc import Callable, Hashable
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jinja2
from markupsafe import Markup

from generator.notes.scan import without_html

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|])")
_GFM_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>&~])")

# Where a template's output goes: the site's Markdown (escaped for Markdown and HTML),
# GitHub-flavoured Markdown for a terminal or a pull request (escaped for Markdown only, so
# it reads as plain text too), XML (the feeds) or HTML (an e-mail body): the last two escaped
# for markup alone, by autoescaping.
Flavour = Literal["site", "gfm", "xml", "html"]
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

def md_escape(value: Any) -> Any:
    """Backslash-escape Markdown syntax in text from a note; trusted Markup passes through."""
    if isinstance(value, Markup) or value is None:
        return "" if value is None else value
    if isinstance(value, dt.date):
        return human_date(value)
    if isinstance(value, bool | int | float):
        return str(value)
    text = " ".join(str(value).split())  # one line: no headings or lists from a newline
    return _MD_SPECIAL.sub(r"\\\1", text)

def gfm_escape(value: Any) -> Any:
    """Like md_escape, for GitHub: HTML's own characters too, by backslash, not by entity,
    and an invisible word joiner after each '@', so a note never mentions a person or a channel.

    The result is Markup, so that autoescaping (which keeps macros' output whole) adds no
    HTML entity to text that should read as plain text too.
    """
    if (
        isinstance(value, Markup)
        or value is None
        or isinstance(value, dt.date | bool | int | float)
    ):
        return md_escape(value)
    text = _GFM_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))
    return Markup(text.replace("@", "@\u2060"))  # a word joiner: '@channel' notifies nobody

def _gfm_join(values: Any, separator: str = "", attribute: str | None = None) -> Markup:
    """Jinja's `join` for GitHub-flavoured output: each item escaped as gfm_escape does."""
    items = (getattr(v, attribute) if attribute else v for v in values)
    return Markup(separator).join(gfm_escape(item) for item in items)

def html(value: Any) -> Markup:
    """Text for raw HTML in a template: HTML-escaped only (Markdown leaves HTML blocks alone)."""
    if isinstance(value, dt.date):
        value = human_date(value)
    return Markup.escape("" if value is None else value)

def pick(keys: Any, mapping: Any) -> list[Any]:
    """The values of `mapping` at `keys`, in order: `ids|pick(notes)`."""
    return [mapping[key] for key in keys]


def trusted(value: str) -> Markup:
    """Mark text we generated ourselves as safe to print unescaped."""
    return Markup(value)

def link(path: str) -> Markup:
    """A relative URL, percent-encoded so it can sit inside a Markdown link."""
    return Markup(urllib.parse.quote(path, safe="/#.-~"))

def human_date(day: dt.date | None) -> str:
    """'14 Oct 2026': dates for people."""
    if day is None:
        return ""
    return f"{day.day} {day:%b %Y}"

def label(slug: str) -> str:
    """'usability-test' -> 'Usability test': a slug for people."""
    text = slug.replace("-", " ").strip()
    return text[:1].upper() + text[1:]

def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 insight', '3 insights'."""
    return f"{count} {word if count == 1 else (many or word + 's')}"

def signed(value: int) -> str:
    """'+3', '-2', '±0'."""
    return f"+{value}" if value > 0 else ("±0" if value == 0 else str(value))

@cache
def environment(overrides: str | None = None, flavour: Flavour = "site") -> jinja2.Environment:
    """The template environment: a template in `overrides/` wins over the packaged default.

    Site templates escape every printed value for Markdown and HTML; GitHub-flavoured ones
    for Markdown alone; XML templates (the feed) for XML only. Templates see `site`, true
    on the site, to choose between material's markup and plain Markdown.
    """
    loaders: list[jinja2.BaseLoader] = []
    if overrides and Path(overrides).is_dir():
        loaders.append(jinja2.FileSystemLoader(overrides))
    loaders.append(jinja2.PackageLoader("generator.site", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        finalize={"site": md_escape, "gfm": gfm_escape, "xml": xml_text, "html": xml_text}[flavour],
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        human_date=human_date,
        plural=plural,
        label=label,
        signed=signed,
        link=link,
        trusted=trusted,
        html=html,
        md=md_escape,
        without_html=without_html,
        pick=pick,
    )
    if flavour == "gfm":
        env.filters["join"] = _gfm_join
    env.globals["site"] = flavour == "site"
    return env

def xml_text(value: Any) -> Any:
    """A value for XML or HTML: None prints nothing, and characters XML 1.0 forbids (control
    characters, which a note's body may hold) are dropped, so the document stays well-formed.
    Autoescaping then escapes what is left."""
    if value is None:
        return ""
    if isinstance(value, str) and not isinstance(value, Markup):
        return _NOT_XML.sub("", value)
    return value

def render(
    template: str, overrides: str | None = None, flavour: Flavour = "site", **context: Any
) -> str:
    """Render a packaged (or overridden) Markdown template with the given context."""
    return environment(overrides, flavour).get_template(template).render(**context)

def template_module(template: str, overrides: str | None = None, **context: Any) -> Any:
    """A Markdown template's macros, as if imported by a page with this context."""
    return environment(overrides).get_template(template).make_module(context)

def render_xml(template: str, overrides: str | None = None, **context: Any) -> str:
    """Render an XML template (an Atom feed), escaping for XML."""
    return environment(overrides, "xml").get_template(template).render(**context)


def render_html(template: str, overrides: str | None = None, **context: Any) -> str:
    """Render an HTML template (the digest's e-mail body), escaping for HTML."""
    return environment(overrides, "html").get_template(template).render(**context)

def keep_compiled(env: Any, folder: Path) -> None:
    """Keep `env`'s compiled templates in `folder` for the next run: compiling a theme's
    templates costs each build process about half a second. Jinja checks each one's source
    (and the Python version) before using it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return  # an unwritable cache folder: templates are compiled as before
    env.bytecode_cache = _ForgivingCache(str(folder))


class _ForgivingCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates in a folder; a damaged file is compiled again, an unwritable
    folder is not written to."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # truncated or overwritten: compile the template again
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def cached_partial(
    env: Any, source: str, key: Callable[[dict[str, Any]], Hashable | None]
) -> Callable[..., Markup]:
    """A template global rendering `source` with the caller's context, cached by `key(context)`.

    For a theme partial that comes out the same on many pages (a None key renders afresh).
    `env` is the theme's own Jinja environment, so the partial's imports resolve as usual.
    """
    template = env.from_string(source)
    rendered: dict[Hashable, Markup] = {}

    @jinja2.pass_context
    def partial(context: Any) -> Markup:
        variables = context.get_all()
        wanted = key(variables)
        if wanted is not None and wanted in rendered:
            return rendered[wanted]
        html = Markup(template.render(variables))
        if wanted is not None:
            rendered[wanted] = html
        return html

    return partial
