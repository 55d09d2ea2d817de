"""The tag vocabulary, `insights/tags.yml` (optional): each tag's name, description and aliases.

An alias folds into its tag when the notes are loaded, so every count, page and index after
that sees only the canonical tag; the note keeps a warning at the alias it wrote. With a
vocabulary, a tag that is neither listed nor an alias gets a warning with the closest tag.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator.config import Settings
from generator.model import Decision, Note, Problem, Tag
from generator.notes.fields import SLUG, did_you_mean, kind, slugify
from generator.yamlfile import Located, YamlError, load_located_mapping, locate, shorten

TAG_KEYS = ("name", "description", "aliases")
_FORMAT = "map each tag slug to {name: ..., description: ..., aliases: [other-slug, ...]}"


@dataclass(frozen=True)
class Vocabulary:
    """The listed tags, and where each alias folds to; empty (governing nothing) without a file."""

    path: str = ""
    tags: tuple[Tag, ...] = ()
    folds: dict[str, str] = field(default_factory=dict)  # alias -> its tag

    def canonical(self, slug: str) -> str:
        """The tag a slug counts under: its tag if it is an alias, else itself."""
        return self.folds.get(slug, slug)

    def problems_of(self, note: Note) -> list[Problem]:
        """A warning at each alias the note writes and, with a vocabulary, each unknown tag."""
        listed = {t.slug for t in self.tags}
        problems = []
        for index, tag in enumerate(note.tags):
            line, column = note.position(f"tags[{index}]")
            if tag in self.folds:
                msg = f"'{tag}' is an alias of '{self.folds[tag]}'; write '{self.folds[tag]}'"
                problems.append(Problem(note.path, line, column, "warning", "tag-alias", msg))
            elif listed and tag not in listed:
                problems.append(Problem(note.path, line, column, "warning", "unknown-tag",
                                        self._unknown(tag)))  # fmt: skip
        return problems

    def _unknown(self, tag: str) -> str:
        close = did_you_mean(tag, [*(t.slug for t in self.tags), *self.folds])
        for alias, slug in self.folds.items():
            close = close.replace(f"'{alias}'", f"'{slug}'")
        return f"'{tag}' is not a tag of {self.path}{close}; use a listed tag, or add it there"

    def fold(self, note: Note) -> Note:
        """The note with each alias replaced by its tag (once), its positions following."""
        if not any(tag in self.folds for tag in note.tags):
            return note
        where = {f"tags[{i}]": self.canonical(t) for i, t in enumerate(note.tags)}
        tags = tuple(dict.fromkeys(self.canonical(t) for t in note.tags))
        moved, taken = [], set()
        for name, line, column in note.positions:
            if name in where:
                if where[name] in taken:
                    continue
                taken.add(where[name])
                name = f"tags[{tags.index(where[name])}]"
            moved.append((name, line, column))
        return replace(note, tags=tags, positions=tuple(moved))


Parsed = tuple[Note | Decision | None, list[Problem]]


def with_vocabulary(parsed: Parsed, vocabulary: Vocabulary) -> Parsed:
    """A parsed file with its note's aliases folded, and warnings at what the note wrote."""
    note, problems = parsed
    if not isinstance(note, Note) or not (vocabulary.tags or vocabulary.folds):
        return parsed
    return vocabulary.fold(note), [*problems, *vocabulary.problems_of(note)]


def load_vocabulary(root: Path, settings: Settings) -> tuple[Vocabulary, list[Problem]]:
    """The vocabulary of `tags_file` and every problem with it; an empty one if there is none."""
    path = settings.tags_file
    try:
        text = (root / path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return Vocabulary(path), []
    except UnicodeDecodeError:
        msg = "the tag vocabulary is not UTF-8; re-save it with UTF-8 encoding"
        return Vocabulary(path), [Problem(path, 1, 1, "error", "bad-tags", msg)]
    except OSError as exc:
        msg = f"cannot read the tag vocabulary ({exc.strerror}); check its permissions"
        return Vocabulary(path), [Problem(path, 1, 1, "error", "bad-tags", msg)]
    return parse_vocabulary(path, text)


def parse_vocabulary(path: str, text: str) -> tuple[Vocabulary, list[Problem]]:
    """Validate tags.yml: a mapping of slug to {name, description, aliases}. Bad entries are
    left out, each with an error at its line; an empty file governs nothing."""
    try:
        entries = load_located_mapping(text)
    except YamlError as err:
        error = Problem(path, err.line + 1, err.column + 1, "error", err.code, err.message)
        return Vocabulary(path), [error]
    if entries is None:
        return Vocabulary(path), []
    if not isinstance(entries, dict):
        msg = f"the tag vocabulary is {kind(entries.value)}; {_FORMAT}"
        return Vocabulary(path), [Problem(path, entries.line + 1, entries.column + 1, "error",
                                          "bad-tags", msg)]  # fmt: skip
    reader = _Reader(path, text, set(entries))
    tags = [tag for slug, loc in entries.items() if (tag := reader.tag(slug, loc)) is not None]
    folds = {alias: tag.slug for tag in tags for alias in tag.aliases}
    return Vocabulary(path, tuple(tags), folds), reader.problems


class _Reader:
    """Reads the entries of tags.yml one by one, collecting a located error for each mistake."""

    def __init__(self, path: str, text: str, slugs: set[str]) -> None:
        self.path, self.text, self.slugs = path, text, slugs
        self.problems: list[Problem] = []
        self.owner: dict[str, str] = {}  # alias -> the tag that listed it first

    def error(self, where: tuple[int, int] | None, msg: str) -> None:
        line, column = where or (1, 1)
        self.problems.append(Problem(self.path, line, column, "error", "bad-tags", msg))

    def at(self, *steps: str | int, key: bool = False) -> tuple[int, int] | None:
        return locate(self.text, steps, at_key=key)

    def tag(self, slug: str, loc: Located) -> Tag | None:
        key = (loc.key[0] + 1, loc.key[1] + 1) if loc.key else (loc.line + 1, loc.column + 1)
        if not SLUG.match(slug):
            self.error(key, f"tag '{shorten(slug)}' is not a lowercase slug (a-z, 0-9 and "
                       f"'-'); write '{slugify(slug)}'")  # fmt: skip
            return None
        value = {} if loc.value is None else loc.value
        if not isinstance(value, dict):  # listed all the same, so its notes are not flagged
            self.error((loc.line + 1, loc.column + 1), f"tag '{slug}' is {kind(value)}, not a "
                       "mapping; write {name: ..., description: ..., aliases: [...]}")  # fmt: skip
            return Tag(slug, slug)
        for name in value:
            if name not in TAG_KEYS:
                hint = did_you_mean(str(name), TAG_KEYS)
                self.error(self.at(slug, name, key=True), f"tag '{slug}': unknown key "
                           f"'{shorten(str(name))}'{hint}; a tag has name, description and "
                           "aliases")  # fmt: skip
        texts = {k: self.text_of(slug, k, value.get(k)) for k in ("name", "description")}
        aliases = self.aliases(slug, value.get("aliases"))
        return Tag(slug, texts["name"] or slug, texts["description"], aliases)

    def text_of(self, slug: str, key: str, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, list | dict | bool):
            self.error(self.at(slug, key), f"tag '{slug}': '{key}' must be text, not "
                       f"{kind(value)}")  # fmt: skip
            return ""
        return str(value).strip()

    def aliases(self, slug: str, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            example = shorten(str(value)) if isinstance(value, str) else "other-slug"
            self.error(self.at(slug, "aliases"), f"tag '{slug}': 'aliases' must be a list; "
                       f"write aliases: [{example}]")  # fmt: skip
            return ()
        kept = [a for i, a in enumerate(value) if self.alias_ok(slug, i, a)]
        return tuple(dict.fromkeys(kept))

    def alias_ok(self, slug: str, index: int, alias: Any) -> bool:
        where = self.at(slug, "aliases", index)
        why = self.alias_problem(slug, alias)
        if why:
            self.error(where, f"tag '{slug}': {why}")
            return False
        self.owner[alias] = slug
        return True

    def alias_problem(self, slug: str, alias: Any) -> str:
        if alias is None or alias == "":
            return "an alias is empty; remove it"
        if not isinstance(alias, str):
            return f"each alias must be a slug, not {kind(alias)}"
        if not SLUG.match(alias):
            return (f"alias '{shorten(alias)}' is not a lowercase slug (a-z, 0-9 and '-'); "
                    f"write '{slugify(alias)}'")  # fmt: skip
        if alias == slug:
            return f"'{alias}' is the tag itself; remove it from its aliases"
        if alias in self.slugs:
            return (f"alias '{alias}' is also a tag; remove one: an alias folds into one tag, "
                    f"so delete the entry '{alias}' to fold it into '{slug}'")  # fmt: skip
        if alias in self.owner:
            other = self.owner[alias]
            if other == slug:
                return f"alias '{alias}' is listed twice; keep one"
            return f"alias '{alias}' is already an alias of '{other}'; keep it under one tag"
        return ""
