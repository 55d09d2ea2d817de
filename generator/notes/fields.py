"""The front-matter fields of a note: what each must hold, checked value by value, and the
JSON Schema editors get from the same definitions."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from generator.config import Settings, parse_date
from generator.model import Area, Problem, Severity
from generator.notes import scan
from generator.yamlfile import Located, shorten

REQUIRED = ("title", "date", "area", "source")
LIST_FIELDS = ("customers", "tags", "related")
TEXT_FIELDS = ("team", "author", "confidence")
KNOWN_KEYS = (*REQUIRED, *LIST_FIELDS, *TEXT_FIELDS, "kind")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
FRONT_MATTER_LINE = 2  # the file line of the front matter's first line


class Collector:
    """The problems of one file, in file lines and columns (1-based)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(self, line: int, col: int, code: str, msg: str, sev: Severity = "error") -> None:
        """A problem at a line and column of the file."""
        self.problems.append(Problem(self.path, line, col, sev, code, msg))

    def at(self, loc: Located, code: str, msg: str, sev: Severity = "error") -> None:
        """A problem with a front-matter value (its position is 0-based in the front matter)."""
        self.add(loc.line + FRONT_MATTER_LINE, loc.column + 1, code, msg, sev)

    def at_key(self, loc: Located, code: str, msg: str, sev: Severity = "error") -> None:
        """A problem with a front-matter key, such as an unknown one."""
        line, column = loc.key or (loc.line, loc.column)
        self.add(line + FRONT_MATTER_LINE, column + 1, code, msg, sev)

    @property
    def failed(self) -> bool:
        """Whether any problem is an error."""
        return self.failed_since(0)

    def failed_since(self, count: int) -> bool:
        """Whether any problem after the first `count` is an error."""
        return any(p.severity == "error" for p in self.problems[count:])


class FieldChecker:
    """Checks each front-matter field, collecting problems and the position of each value.

    Positions are `(field, line, column)` in the file; list items of `related` are recorded
    as `related[0]`, `related[1]`, ... so that `check_related` can point at the item.
    A subclass checks another kind of file by its own `required` and `known` fields.
    """

    required: tuple[str, ...] = REQUIRED
    known: tuple[str, ...] = KNOWN_KEYS
    date_hint = "use the day the signal was heard"

    def __init__(
        self, out: Collector, settings: Settings, areas: tuple[Area, ...], as_of: dt.date
    ) -> None:
        self.out = out
        self.settings = settings
        self.areas = areas
        self.as_of = as_of
        self.positions: list[tuple[str, int, int]] = []

    def check(self, fields: dict[str, Located]) -> dict[str, Any]:
        """The checked value of each known field, for Note(**values); a field with an error
        (even one such as personal data in the title, whose value is kept) is left out."""
        values = self.defaults()
        for key in self.required:
            if key not in fields:
                self.out.add(1, 1, "missing-field", f"required field '{key}' is missing; "
                             f"add a line '{key}: ...' to the front matter")  # fmt: skip
        for key, loc in fields.items():
            self.record(key, loc)
            if key not in self.known:
                self.out.at_key(loc, "unknown-key", _unknown_key(key, self.known), "warning")
                continue
            before = len(self.out.problems)
            value = getattr(self, "check_" + key)(loc)
            if value is not None and not self.out.failed_since(before):
                values[key] = value
        self.check_retired(values, fields)
        return values

    def defaults(self) -> dict[str, Any]:
        """The values of the optional fields a file leaves out."""
        return {"confidence": self.settings.default_confidence}

    def check_retired(self, values: dict[str, Any], fields: dict[str, Located]) -> None:
        """Warn of a note dated in the window whose area is retired."""
        area = next((a for a in self.areas if a.slug == values.get("area")), None)
        day = values.get("date")
        recent = self.as_of - dt.timedelta(days=self.settings.window_days)
        if area is not None and area.retired and day is not None and day > recent:
            self.out.at(fields["area"], "retired-area", f"area '{area.slug}' is retired; "
                        "file the note under the area that owns this now, or set its "
                        "status back to active in the registry", "warning")  # fmt: skip

    def record(self, name: str, loc: Located) -> None:
        self.positions.append((name, loc.line + FRONT_MATTER_LINE, loc.column + 1))

    def text(self, loc: Located, key: str) -> str | None:
        """The value as written, or None with a problem (or silently, if optional and empty)."""
        if isinstance(loc.value, list | dict):
            self.out.at(loc, "wrong-type", f"'{key}' must be text, not {kind(loc.value)}; "
                        f"write {key}: ... on one line")  # fmt: skip
            return None
        text = "" if loc.value is None else (loc.text or "").strip()
        if not text and key in self.required:
            self.out.at(loc, "empty-field", f"'{key}' is empty; give it a value")
        return text or None

    def check_title(self, loc: Located) -> str | None:
        title = self.text(loc, "title")
        if title and scan.personal_data(title, self.settings.allowed_contacts):
            self.out.at(loc, "personal-data", "the title contains an e-mail address or phone "
                        "number; name the customer by handle in 'customers:' instead")  # fmt: skip
        return title

    def check_date(self, loc: Located) -> dt.date | None:
        text = self.text(loc, "date")
        if text is None:
            return None
        try:
            day = parse_date(text)
        except ValueError:
            self.out.at(loc, "bad-date", _bad_date(text))
            return None
        if day > self.as_of:
            self.out.at(loc, "future-date", f"date {day} is after the as-of date {self.as_of}; "
                        f"{self.date_hint}")  # fmt: skip
            return None
        return day

    def check_area(self, loc: Located) -> str | None:
        slugs = tuple(a.slug for a in self.areas)
        return self.choice(loc, "area", slugs, self.settings.areas_file)

    def check_source(self, loc: Located) -> str | None:
        return self.choice(loc, "source", self.settings.sources, "the plugin's 'sources' option")

    def check_confidence(self, loc: Located) -> str | None:
        levels = self.settings.confidence_levels
        return self.choice(loc, "confidence", levels, "the plugin's 'confidence_levels' option")

    def choice(self, loc: Located, key: str, choices: tuple[str, ...], where: str) -> str | None:
        text = self.text(loc, key)
        if text is None or text in choices:
            return text
        hint = did_you_mean(text, choices) or f" (choose one of: {', '.join(choices)})"
        self.out.at(loc, f"unknown-{key}", f"'{shorten(text)}' is not a known {key}{hint}; "
                    f"new ones go in {where}")  # fmt: skip
        return None

    def check_kind(self, loc: Located) -> None:
        """Nothing to keep: the kind was read first, to choose the checker (see kind_of)."""
        return None

    def check_team(self, loc: Located) -> str | None:
        return self.text(loc, "team")

    def check_author(self, loc: Located) -> str | None:
        return self.text(loc, "author")

    def check_customers(self, loc: Located) -> tuple[str, ...] | None:
        return self.slugs(loc, "customers", SLUG)

    def check_tags(self, loc: Located) -> tuple[str, ...] | None:
        return self.slugs(loc, "tags", SLUG)

    def check_related(self, loc: Located) -> tuple[str, ...] | None:
        return self.slugs(loc, "related", ID)

    def slugs(self, loc: Located, key: str, pattern: re.Pattern[str]) -> tuple[str, ...] | None:
        """A list of slugs, each problem located at its item; duplicates are dropped."""
        if loc.value is None:
            return ()
        if not isinstance(loc.value, list):
            example = f"[{shorten(loc.text)}]" if loc.text else "[a, b]"
            self.out.at(loc, "wrong-type", f"'{key}' must be a list; write {key}: {example}")
            return None
        texts = [self.slug(item, key, pattern) for item in loc.items]
        good = [text for text in texts if text is not None]
        if len(good) < len(texts):
            return None
        unique: dict[str, Located] = {}
        for text, item in zip(good, loc.items, strict=True):
            unique.setdefault(text, item)
        for index, item in enumerate(unique.values()):
            self.record(f"{key}[{index}]", item)
        return tuple(unique)

    def slug(self, item: Located, key: str, pattern: re.Pattern[str]) -> str | None:
        if isinstance(item.value, list | dict):
            self.out.at(item, "wrong-type", f"each item of '{key}' must be text, "
                        f"not {kind(item.value)}")  # fmt: skip
            return None
        if item.value is None or not item.text:
            self.out.at(item, "empty-field", f"'{key}' has an empty item; remove it")
            return None
        if not pattern.match(item.text):
            self.out.at(item, "bad-slug", f"'{shorten(item.text)}' in '{key}' is not a lowercase "
                        f"slug (a-z, 0-9 and '-'); write '{slugify(item.text)}'")  # fmt: skip
            return None
        return item.text


def _bad_date(text: str) -> str:
    if re.match(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]", text):
        return f"date '{shorten(text)}' has a time; write the day only, as YYYY-MM-DD"
    what = "a real date" if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) else "a date"
    return f"date '{shorten(text)}' is not {what}; write YYYY-MM-DD, the day the signal was heard"


def _unknown_key(key: str, known: tuple[str, ...]) -> str:
    hint = did_you_mean(key, known)
    return f"unknown field '{shorten(key)}' is ignored{hint}"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """ " (did you mean 'billing'?)" for the closest choice, or "" if none is close."""
    close = difflib.get_close_matches(word.lower()[:100], list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def slugify(text: str) -> str:
    """A lowercase a-z0-9 slug of any text ('Acme Corp.' -> 'acme-corp')."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def kind(value: Any) -> str:
    """What a YAML value is, in words: 'a list', 'a number', 'text' ..."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "a number" if isinstance(value, int | float) else "text"


def insight_schema(settings: Settings, areas: tuple[Area, ...]) -> dict[str, Any]:
    """A JSON Schema of an insight note's front matter, from the definitions the checker uses."""
    slug = {"type": "string", "pattern": SLUG.pattern}
    text = {"type": "string", "minLength": 1}
    described = {
        "title": {**text, "description": "The finding, as a sentence."},
        "date": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$",
                 "description": "The day the signal was heard (YYYY-MM-DD)."},
        "area": {"enum": [a.slug for a in areas], "description": "A key of the area registry."},
        "source": {"enum": list(settings.sources), "description": "How the signal was heard."},
        "customers": {"type": "array", "items": slug, "uniqueItems": True,
                      "description": "Account or participant handles, never contact details."},
        "tags": {"type": "array", "items": slug, "uniqueItems": True,
                 "description": "Themes, as lowercase slugs."},
        "team": {**text, "description": "The team that heard it."},
        "author": {**text, "description": "Who wrote the note."},
        "confidence": {"enum": list(settings.confidence_levels),
                       "default": settings.default_confidence},
        "related": {"type": "array", "items": {"type": "string", "pattern": ID.pattern},
                    "description": "Ids (file names without .md) of other notes."},
        "kind": {"enum": ["insight"], "description": "Leave it out: an insight is the default."},
    }  # fmt: skip
    return {
        "title": "Insight note",
        "type": "object",
        "required": list(REQUIRED),
        "properties": {key: described[key] for key in KNOWN_KEYS},
    }
