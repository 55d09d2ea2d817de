"""New notes and new wikis: the text of a fresh note, and the files of `insights init`.

Pure functions: the CLI supplies the date, the author and the registry, and writes the files.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.config import Settings
from generator.model import Area, Problem
from generator.notes.fields import SLUG, did_you_mean, slugify
from generator.yamlfile import dump

SLUG_LENGTH = 60

# Section headings, each with a one-line prompt, for the body of a new note of each source.
OUTLINES: dict[str, tuple[tuple[str, str], ...]] = {
    "interview": (
        ("Context", "Who we spoke to (by role, not by name), and why."),
        ("What we heard", "The one finding, in a few sentences, with the evidence."),
        ("Quotes", "Their words, verbatim, as blockquotes (lines starting with '>')."),
        ("So what", "What it means for the product, and what we might do."),
    ),
    "usability-test": (
        ("Setup", "The task, the prototype or build, and who took part (by role)."),
        ("What we observed", "Where people struggled or succeeded: how many, and how."),
        ("Quotes", "What they said while trying, as blockquotes."),
        ("So what", "What to change, and how sure we are."),
    ),
    "survey": (
        ("The survey", "Who was asked, how many answered, and the question that matters here."),
        ("Results", "The numbers behind the finding."),
        ("Verbatims", "Free-text answers that show it, as blockquotes."),
        ("So what", "What it means, and what the survey cannot tell us."),
    ),
    "support-ticket": (
        ("What happened", "The problem customers ran into, in their terms."),
        ("Volume", "How many tickets, over what period, against the usual."),
        ("Quotes", "From the tickets, as blockquotes, without contact details."),
        ("Workaround", "What support does today, and what it costs."),
        ("So what", "What would make these tickets go away."),
    ),
    "sales-call": (
        ("The deal", "The prospect's situation and stage (by handle, no contact details)."),
        ("What we heard", "The need, objection or competitor that came up."),
        ("Quotes", "Their words, as blockquotes."),
        ("So what", "What it means for the deal and for the product."),
    ),
    "customer-success": (
        ("The account", "Who they are, and how they use the product."),
        ("What we heard", "The finding, and how it showed up."),
        ("Quotes", "Their words, as blockquotes."),
        ("Risk", "Renewal, expansion or churn risk, if any."),
        ("So what", "What we should do about it."),
    ),
    "analytics": (
        ("The question", "What we wanted to know, and why."),
        ("What the data shows", "The numbers, the period and the query or dashboard."),
        ("Caveats", "What the data cannot tell us, and how we might be wrong."),
        ("So what", "What it means for the product."),
    ),
    "field-visit": (
        ("Where and who", "The site, the team we watched (by role), and how long."),
        ("What we observed", "What people actually did, workarounds included."),
        ("Quotes", "What they said, as blockquotes."),
        ("So what", "What it means for the product."),
    ),
    "community": (
        ("Where", "The forum, thread or event, and how many people joined in."),
        ("What people are saying", "The finding, and how widely it is shared."),
        ("Quotes", "Representative posts, as blockquotes, without personal details."),
        ("So what", "What it means for the product."),
    ),
}
DECISION_OUTLINE = (
    ("Why", "Why we decided this: what customers told us (cite those insights in `evidence:`)."),
    ("What we expect to change for customers", "What should change for them, and how we will "
     "know it did."),
)  # fmt: skip
GENERIC_OUTLINE = (
    ("Context", "Where this came from, and who it concerns (by handle, no contact details)."),
    ("What we learned", "The one finding, in a few sentences."),
    ("Evidence", "What backs it up: numbers, observations or quotes as blockquotes."),
    ("So what", "What it means for the product."),
)


class ScaffoldError(ValueError):
    """An option of a new note is wrong: the message says which, and how to fix it."""


@dataclass(frozen=True)
class NewNote:
    """What `insights new` is asked to write."""

    title: str
    area: str
    source: str
    day: dt.date
    customers: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    team: str | None = None
    author: str | None = None


def validate(note: NewNote, settings: Settings, areas: Sequence[Area], as_of: dt.date) -> None:
    """Raise ScaffoldError for the first option that would make an invalid note."""
    if not note.title.strip() or "\n" in note.title:
        raise ScaffoldError("the title must be one line of text")
    _choice("area", note.area, [a.slug for a in areas], "insights/areas.yml")
    _choice("source", note.source, settings.sources, "the plugin's 'sources' option")
    if note.day > as_of:
        raise ScaffoldError(f"--date {note.day} is after today ({as_of}); "
                            "use the day the signal was heard")  # fmt: skip
    for option, values in (("--customer", note.customers), ("--tag", note.tags)):
        for value in values:
            if not SLUG.match(value):
                raise ScaffoldError(f"{option} '{value}' is not a lowercase slug "
                                    f"(a-z, 0-9 and '-'); write '{slugify(value)}'")  # fmt: skip


def _choice(option: str, value: str, choices: Sequence[str], where: str) -> None:
    if value in choices:
        return
    hint = did_you_mean(value, choices) or f" (choose one of: {', '.join(choices)})"
    raise ScaffoldError(f"--{option} '{value}' is not a known {option}{hint}; "
                        f"new ones are added in {where}")  # fmt: skip


def note_path(note: NewNote, settings: Settings) -> str:
    """`<notes_dir>/<area>/<date>-<slug>.md`, relative to the folder holding mkdocs.yml."""
    return f"{settings.notes_dir}/{note.area}/{note_id(note)}.md"


def note_id(note: NewNote | NewDecision) -> str:
    """The new note's id: its date and a slug of its title, cut at a word boundary."""
    slug = slugify(note.title)
    if len(slug) > SLUG_LENGTH:
        slug = slug[: SLUG_LENGTH + 1].rsplit("-", 1)[0]
    return f"{note.day.isoformat()}-{slug}"


def note_text(note: NewNote, settings: Settings) -> str:
    """The whole note: front matter, then an outline that fits its source."""
    fields: dict[str, object] = {
        "title": note.title.strip(),
        "date": note.day,
        "area": note.area,
        "source": note.source,
        "customers": list(note.customers),
        "tags": list(note.tags),
    }
    if note.team:
        fields["team"] = note.team
    if note.author:
        fields["author"] = note.author
    fields["confidence"] = settings.default_confidence
    return f"---\n{dump(fields)}---\n{outline(note.source)}"


def outline(source: str) -> str:
    """The body outline for a source: a heading and an italic prompt per section."""
    return _sections(OUTLINES.get(source, GENERIC_OUTLINE))


def _sections(sections: Sequence[tuple[str, str]]) -> str:
    return "\n".join(f"## {heading}\n\n_{prompt}_\n" for heading, prompt in sections)


# --- Decisions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NewDecision:
    """What `insights new --decision` is asked to write."""

    title: str
    area: str
    status: str
    day: dt.date
    owner: str | None = None
    evidence: tuple[str, ...] = ()


def validate_decision(
    decision: NewDecision,
    settings: Settings,
    areas: Sequence[Area],
    as_of: dt.date,
    insights: Collection[str],
    decided: Collection[str] = (),
) -> None:
    """Raise ScaffoldError for the first option that would make an invalid decision;
    `insights` and `decided` are the ids of the wiki's insight notes and decisions."""
    if not decision.title.strip() or "\n" in decision.title:
        raise ScaffoldError("the title must be one line of text")
    _choice("area", decision.area, [a.slug for a in areas], "insights/areas.yml")
    _choice("status", decision.status, settings.decision_statuses,
            "the plugin's 'decision_statuses' option")  # fmt: skip
    if decision.day > as_of:
        raise ScaffoldError(f"--date {decision.day} is after today ({as_of}); "
                            "use the day it was decided")  # fmt: skip
    for cited in decision.evidence:
        if cited in decided:
            raise ScaffoldError(f"--evidence '{cited}' is a decision, not an insight; cite "
                                "the insight notes behind it")  # fmt: skip
        if cited not in insights:
            raise ScaffoldError(f"--evidence '{cited}' names no insight"
                                f"{did_you_mean(cited, insights)}; give the file name of an "
                                "insight note, without .md")  # fmt: skip


def decision_path(decision: NewDecision, settings: Settings) -> str:
    """`<notes_dir>/decisions/<date>-<slug>.md`, relative to the folder holding mkdocs.yml."""
    return f"{settings.notes_dir}/decisions/{note_id(decision)}.md"


def decision_text(decision: NewDecision) -> str:
    """The whole decision: front matter, then an outline of why and what should change."""
    fields: dict[str, object] = {
        "kind": "decision",
        "title": decision.title.strip(),
        "date": decision.day,
        "area": decision.area,
        "status": decision.status,
    }
    if decision.owner:
        fields["owner"] = decision.owner
    fields["evidence"] = list(dict.fromkeys(decision.evidence))
    return f"---\n{dump(fields)}---\n{_sections(DECISION_OUTLINE)}"


def wiki_files(today: dt.date) -> dict[str, str]:
    """The files of a new wiki, by path, with today's date filled into names and text."""
    values = {"date": today.isoformat()}
    files = {}
    for rel, resource in _walk(Path(__file__).with_name("scaffold"), ""):
        path = string.Template(rel).safe_substitute(values)
        text = string.Template(resource.read_text(encoding="utf-8")).safe_substitute(values)
        files[".gitignore" if path == "gitignore" else path] = text
    return files


def _walk(folder: Path, prefix: str) -> Iterator[tuple[str, Path]]:
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if item.name.startswith(("__", ".")):
            continue
        if item.is_dir():
            yield from _walk(item, f"{prefix}{item.name}/")
        else:
            yield f"{prefix}{item.name}", item


def prepare_note(
    root: Path, settings: Settings, areas: Sequence[Area], note: NewNote, as_of: dt.date
) -> tuple[str, str, list[Problem]]:
    """A new note's path (relative to the wiki), its text, and what `insights check` would say
    of it; ScaffoldError if the options are wrong or a note with its id exists already."""
    from generator.notes.files import find_note_files
    from generator.notes.load import parse_note
    from generator.notes.tags import load_vocabulary, with_vocabulary

    validate(note, settings, areas, as_of)
    rel = note_path(note, settings)
    taken = {f.id: f.path for f in find_note_files(root, settings)}
    if note_id(note) in taken:
        raise ScaffoldError(f"{taken[note_id(note)]} already exists (note ids are unique); "
                            "choose another title or date")  # fmt: skip
    text = note_text(note, settings)
    parsed = parse_note(rel, text.encode(), settings, tuple(areas), as_of)
    _, found = with_vocabulary(parsed, load_vocabulary(root, settings)[0])  # tag warnings
    return rel, text, found


def first_status(settings: Settings) -> str:
    """The status a new decision gets unless told: proposed, if the wiki has that status."""
    statuses = settings.decision_statuses
    return "proposed" if "proposed" in statuses else statuses[0]


def prepare_decision(
    root: Path, settings: Settings, areas: Sequence[Area], decision: NewDecision, as_of: dt.date
) -> tuple[str, str, list[Problem]]:
    """A new decision's path (relative to the wiki), its text, and what `insights check` would
    say of it; ScaffoldError if the options are wrong, an id in `evidence` names no insight, or
    a note with its id exists already."""
    from generator.notes.files import find_note_files
    from generator.notes.load import load_wiki, parse_note

    files = find_note_files(root, settings)
    decided: set[str] = set()
    if decision.evidence:  # only then is every note read
        wiki = load_wiki(root, settings, tuple(areas), as_of, files)
        decided = {d.id for d in wiki.decisions}
    insights = {f.id for f in files} - decided
    validate_decision(decision, settings, areas, as_of, insights, decided)
    rel = decision_path(decision, settings)
    taken = {f.id: f.path for f in files}
    if note_id(decision) in taken:
        raise ScaffoldError(f"{taken[note_id(decision)]} already exists (note ids are unique); "
                            "choose another title or date")  # fmt: skip
    text = decision_text(decision)
    _, found = parse_note(rel, text.encode(), settings, tuple(areas), as_of)
    return rel, text, found
