"""The typed, documented options of the `insights` plugin, shared by the CLI and the MkDocs adapter.

Each option is a dataclass field with a type, a default and a one-line `doc`. The MkDocs
adapter declares the same options (a test keeps the two in step), and the CLI reads them
from the `plugins: - insights:` entry of `mkdocs.yml` with `read_settings`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from generator.contacts import contact_pattern_problem

DEFAULT_SOURCES = (
    "interview",
    "usability-test",
    "survey",
    "support-ticket",
    "sales-call",
    "customer-success",
    "analytics",
    "field-visit",
    "community",
    "other",
)
DEFAULT_CONFIDENCE = ("low", "medium", "high")
DEFAULT_STATUSES = ("proposed", "planned", "building", "shipped", "dropped")
DEFAULT_OPEN = ("proposed", "planned", "building")


def _opt(default: Any, doc: str) -> Any:
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class Settings:
    """Options of the `insights` plugin in `mkdocs.yml`."""

    notes_dir: str = _opt("insights", "Folder of the notes, relative to mkdocs.yml.")
    areas_file: str = _opt("insights/areas.yml", "The area registry, relative to mkdocs.yml.")
    tags_file: str = _opt(
        "insights/tags.yml", "The tag vocabulary (optional), relative to mkdocs.yml."
    )
    sources: tuple[str, ...] = _opt(DEFAULT_SOURCES, "Allowed values of a note's `source`.")
    confidence_levels: tuple[str, ...] = _opt(
        DEFAULT_CONFIDENCE, "Allowed values of `confidence`, lowest first."
    )
    default_confidence: str = _opt("medium", "Confidence of a note that gives none.")
    as_of: dt.date | None = _opt(
        None, "Pin 'today' for summaries and checks (else SOURCE_DATE_EPOCH, else today)."
    )
    window_days: int = _opt(90, "Length in days of the summary window W (and of P before it).")
    dark_days: int = _opt(45, "An area with no note in this many days is going dark.")
    trend_min: int = _opt(3, "Notes a theme needs in W (or P) to be emerging, rising or fading.")
    rising_factor: float = _opt(2.0, "A theme is rising when W >= this factor times P.")
    echo_min_notes: int = _opt(6, "W notes naming customers an area needs before echo checks.")
    echo_top_customers: int = _opt(3, "How many most-heard customers the echo check looks at.")
    echo_share: float = _opt(0.75, "Share of notes with customers the top customers must reach.")
    contact_limit: int = _opt(4, "A customer in more W notes than this is over-contacted.")
    cross_area_min: int = _opt(2, "Areas a tag needs in W to be a cross-area theme.")
    finding_similarity: float = _opt(
        0.15, "Mean similarity (0-1) at which window notes are grouped into one finding."
    )
    brief_findings: int = _opt(10, "Findings the planning brief opens with.")
    unattributed_share: float = _opt(
        0.5, "An area is unattributed when at least this share of W notes names no customer."
    )
    decision_statuses: tuple[str, ...] = _opt(
        DEFAULT_STATUSES, "Allowed values of a decision's `status`."
    )
    open_statuses: tuple[str, ...] = _opt(
        DEFAULT_OPEN, "Statuses of an open decision: the evidence flags watch these."
    )
    shipped_statuses: tuple[str, ...] = _opt(
        ("shipped",), "Statuses of a done decision: like open ones, it acts on what it cites."
    )
    unaddressed_customers: int = _opt(
        3, "Distinct W customers at which a finding no open or shipped decision cites is flagged."
    )
    duplicate_threshold: float = _opt(
        0.6, "Similarity (0-1) at which `insights check` warns of a near-duplicate."
    )
    max_note_bytes: int = _opt(1_000_000, "Larger note files are refused.")
    cache_dir: str = _opt(
        ".cache/insights",
        "Where the search index and the build cache live (git-ignore it; CI may keep it).",
    )
    build_cache: bool = _opt(
        True,
        "Reuse parsed notes and built pages from cache_dir: a build after one edit redoes "
        "only what changed, and the site is byte-identical to a clean build's.",
    )
    page_size: int = _opt(100, "Insights per listing page before it is paginated.")
    feed_size: int = _opt(
        50, "Insights in each Atom feed (the site's, each area's and each tag's)."
    )
    chart_weeks: int = _opt(26, "Weeks in an area's notes-per-week chart.")
    site_url: str = _opt(
        "", "Public URL used for feed and digest links (else mkdocs.yml's site_url)."
    )
    git_history: bool = _opt(True, "Show 'added by' and 'last edited by' from git history.")
    workers: int = _opt(0, "Processes that build pages: 0 is one per core, 1 builds in one.")
    speedups: bool = _opt(
        True,
        "Build faster, the same site: one Markdown instance per process, theme partials made "
        "once, page workers; false builds each page as MkDocs alone would.",
    )
    allowed_contacts: tuple[str, ...] = _opt(
        (), "Addresses (or `*@domain`) published on purpose, not flagged as personal data."
    )


def option_docs() -> dict[str, tuple[str, Any, str]]:
    """Each option's name mapped to (type, default, doc), for the README and the plugin."""
    return {
        f.name: (str(f.type), f.default, f.metadata["doc"]) for f in dataclasses.fields(Settings)
    }


@dataclass(frozen=True)
class OptionProblem:
    """A mistake in one option: its name, the list item it is in (if one), and what is wrong."""

    key: str
    message: str
    item: int | None = None
    code: str = "bad-option"


class SettingsError(Exception):
    """The configuration is broken: the message names the option and how to fix it."""

    def __init__(self, message: str, options: tuple[OptionProblem, ...] = ()) -> None:
        super().__init__(message)
        self.options = options


def check_settings(settings: Settings) -> list[OptionProblem]:
    """Options that are each well-typed but make no sense, alone or together."""
    problems = [
        OptionProblem(key, f"insights: option '{key}': give at least one value")
        for key in ("sources", "confidence_levels", "decision_statuses")
        if not getattr(settings, key)
    ]
    problems += _status_problems(settings)
    if settings.confidence_levels and settings.default_confidence not in settings.confidence_levels:
        problems.append(OptionProblem("default_confidence", (
            f"insights: option 'default_confidence': '{settings.default_confidence}' is not one "
            f"of confidence_levels ({', '.join(settings.confidence_levels)})")))  # fmt: skip
    for key in ("finding_similarity", "unattributed_share"):
        if not 0 < getattr(settings, key) <= 1:
            problems.append(OptionProblem(key, f"insights: option '{key}': give a number above 0 "
                                          "and at most 1"))  # fmt: skip
    for key in ("notes_dir", "areas_file", "tags_file"):
        path = PurePosixPath(getattr(settings, key))
        if path.is_absolute() or ".." in path.parts:
            problems.append(OptionProblem(key, f"insights: option '{key}': give a path inside "
                                          "the wiki, relative to mkdocs.yml"))  # fmt: skip
    for index, pattern in enumerate(settings.allowed_contacts):
        why = contact_pattern_problem(pattern)
        if why:
            message = f"insights: option 'allowed_contacts': {why}"
            problems.append(OptionProblem("allowed_contacts", message, item=index))
    return problems


def _status_problems(settings: Settings) -> list[OptionProblem]:
    """Open and shipped statuses must be decision statuses, and no status can be both."""
    problems = []
    for key in ("open_statuses", "shipped_statuses"):
        for index, status in enumerate(getattr(settings, key)):
            if status not in settings.decision_statuses:
                known = ", ".join(settings.decision_statuses)
                message = (f"insights: option '{key}': '{status}' is not one of "
                           f"decision_statuses ({known})")  # fmt: skip
                problems.append(OptionProblem(key, message, item=index))
    for index, status in enumerate(settings.shipped_statuses):
        if status in settings.open_statuses:
            message = (f"insights: option 'shipped_statuses': '{status}' is open too "
                       "(open_statuses); a decision is either open or done")  # fmt: skip
            problems.append(OptionProblem("shipped_statuses", message, item=index))
    return problems


def located(error: SettingsError, config_file: Path, text: str | None = None) -> SettingsError:
    """The error with each option problem at its line and column of the config file, as
    `mkdocs.yml:12:9: error bad-option: ...` (where the file says where)."""
    from generator.yamlfile import locate  # the one home of PyYAML

    if not error.options:
        return error
    if text is None:
        try:
            text = config_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return error
    lines = []
    for problem in error.options:
        path: tuple[str | int, ...] = ("plugins", "insights", problem.key)
        path += () if problem.item is None else (problem.item,)
        where = locate(text, path, at_key=problem.code == "unknown-option")
        prefix = (
            f"{config_file.name}:{where[0]}:{where[1]}: error {problem.code}: " if where else ""
        )
        lines.append(prefix + problem.message)
    return SettingsError("\n".join(lines), error.options)


def parse_date(value: Any) -> dt.date:
    """A date from `YYYY-MM-DD` text (or a YAML date); ValueError with a useful message if not."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise ValueError(f"'{text}' is not a date; write YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date; write YYYY-MM-DD") from None


def resolve_as_of(explicit: dt.date | None, settings: Settings) -> dt.date:
    """'Today' for this run: --as-of, else the pinned `as_of`, else SOURCE_DATE_EPOCH, else today.

    The pinned option outranks SOURCE_DATE_EPOCH so that a wiki which pins its date (the sample
    does) keeps it even where reproducible-build tooling sets SOURCE_DATE_EPOCH for everything.
    """
    if explicit is not None:
        return explicit
    if settings.as_of is not None:
        return settings.as_of
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise SettingsError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp in seconds"
            ) from None
    return dt.datetime.now(tz=dt.UTC).date()


def epoch_of(day: dt.date) -> int:
    """The SOURCE_DATE_EPOCH (seconds, UTC midnight) of a day."""
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def find_config(start: Path) -> Path | None:
    """The nearest mkdocs.yml in `start` or a folder above it."""
    for folder in (start, *start.parents):
        candidate = folder / "mkdocs.yml"
        if candidate.is_file():
            return candidate
    return None


Validate = Callable[[dict[str, Any] | None], Settings]


def read_settings(config_file: Path, validate: Validate) -> Settings:
    """The `insights` plugin's options from mkdocs.yml, checked by `validate` (the MkDocs
    adapter's declaration of the options); defaults if the plugin has none."""
    from generator.yamlfile import load_config_file  # the one home of PyYAML

    try:
        text = config_file.read_text(encoding="utf-8")
        raw = load_config_file(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{config_file.name}: cannot read it: {exc}") from None
    except Exception as exc:  # a YAML error: report it, never a traceback
        raise SettingsError(f"{config_file.name}: not valid YAML: {exc}") from None
    settings = _plugin_settings(config_file, text, raw, validate)
    site_url = raw.get("site_url") if isinstance(raw, dict) else None
    if not settings.site_url and isinstance(site_url, str):  # as the plugin does
        settings = dataclasses.replace(settings, site_url=site_url)
    return settings


def _plugin_settings(config_file: Path, text: str, raw: Any, validate: Validate) -> Settings:
    plugins = raw.get("plugins", []) if isinstance(raw, dict) else []
    for entry in plugins if isinstance(plugins, list) else [plugins]:
        if isinstance(entry, dict) and "insights" in entry:
            options = entry["insights"]
            if options is not None and not isinstance(options, dict):
                raise SettingsError(
                    f"{config_file.name}: plugin 'insights' options must be a mapping"
                )
            return _settings_in(config_file, text, options, validate)
    if isinstance(plugins, dict) and "insights" in plugins:
        return _settings_in(config_file, text, plugins["insights"], validate)
    return Settings()


def _settings_in(
    config_file: Path, text: str, options: dict[str, Any] | None, validate: Validate
) -> Settings:
    try:
        return validate(options)
    except SettingsError as exc:
        raise located(exc, config_file, text) from None
