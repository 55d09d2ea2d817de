"""Safe YAML with positions: the only module that imports PyYAML.

Notes are untrusted, so we compose YAML into nodes (which carry where they start) and convert
them ourselves. Aliases are refused (an alias bomb is a few lines of YAML), so are tags other
than YAML's plain types (`!!python/...` must never reach a constructor), deep nesting, and
duplicate keys, which PyYAML would silently collapse.
"""

from __future__ import annotations

import bisect
import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

_CORE = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_SEQ = _CORE + "seq"
_MAP = _CORE + "map"
MAX_DEPTH = 32  # a note needs 2 levels; deeper YAML would only exhaust the stack


@dataclass(frozen=True)
class YamlError(Exception):
    """A YAML problem at a 0-based line and column of the parsed text."""

    code: str
    message: str
    line: int
    column: int


@dataclass(frozen=True)
class Located:
    """A converted YAML value and where it starts (0-based line and column).

    `text` is a scalar exactly as written, so `title: 1:30` stays '1:30' although YAML 1.1
    reads it as the number 90. `items` locates each item of a sequence, and `key` where a
    mapping entry's key starts.
    """

    value: Any
    line: int
    column: int
    text: str | None = None
    items: tuple[Located, ...] = ()
    key: tuple[int, int] | None = None


class _Lines:
    """Turns a character offset into (line, column), counting only '\\n' as a line break.

    PyYAML also breaks lines at U+0085, U+2028 and U+2029; editors and our body scan do not.
    """

    def __init__(self, text: str) -> None:
        self.starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def at(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, index) - 1
        return line, index - self.starts[line]


_UNREADABLE = "the YAML cannot be read here; check the quotes and escapes (\\x, \\u) on this line"
_NO_ALIASES = "YAML aliases (*name) are not allowed in notes; write the value out in full"
_NOT_TEXT_KEY = "this key is a list or mapping; a field name is plain text, like 'tags:'"


class _Failed(Exception):
    """A YAML problem at a character offset, before it is turned into a line and column."""

    def __init__(self, code: str, message: str, index: int) -> None:
        super().__init__(message)
        self.code, self.message, self.index = code, message, index


class _SafeComposer(yaml.SafeLoader):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise _mark_error(self.peek_event().start_mark, "yaml-alias", _NO_ALIASES)
        if self.depth >= MAX_DEPTH:
            raise _mark_error(self.peek_event().start_mark, "yaml-syntax", (
                f"the YAML is nested more than {MAX_DEPTH} levels deep; "
                "a note's fields are text, dates and lists of text"))  # fmt: skip
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def load_located_mapping(text: str) -> dict[str, Located] | Located | None:
    """Parse one YAML document; a mapping becomes {key: Located}, anything else one Located.

    Raises YamlError for syntax errors, aliases, unsafe tags, deep nesting and duplicate keys,
    located by 0-based line and column in `text`.
    """
    lines = _Lines(text)
    try:
        node = _compose(text)
    except _Failed as failed:
        raise YamlError(failed.code, failed.message, *lines.at(failed.index)) from None
    if node is None:
        return None
    converter = _Converter(lines)
    if node.tag == _MAP:
        return {
            key: converter.entry(key_node, value) for key, key_node, value in converter.pairs(node)
        }
    return converter.located(node)


def _compose(text: str) -> Any:
    """The node tree of one document, or _Failed at the offending character.

    libyaml composes ten times faster than PyYAML's Python composer, so plain front matter
    takes that path; anything unusual (anchors, deep nesting, an error) is composed again by
    the checked Python composer, which says exactly where the problem is.
    """
    if _FAST and len(text) < 16_384 and not _NODE_PROPERTY.search(text):
        node: Any = _RETRY
        with contextlib.suppress(Exception):  # any error: the checked path reports it exactly
            node = yaml.compose(text, Loader=yaml.CSafeLoader)
        if node is None or (node is not _RETRY and _plain_tree(node)):
            return node
    return _compose_checked(text)


_FAST = getattr(yaml, "__with_libyaml__", False)
_NODE_PROPERTY = re.compile(r"(?:^|[\s\[{,:?-])[!&*]")  # tags, anchors, aliases
_RETRY = object()


def _plain_tree(root: Any) -> bool:
    """True if no node is reached twice (an alias) and nesting stays within MAX_DEPTH."""
    seen: set[int] = set()
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen or depth > MAX_DEPTH:
            return False
        seen.add(id(node))
        if node.tag == _SEQ:
            stack.extend((item, depth + 1) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend((part, depth + 1) for pair in node.value for part in pair)
    return True


def _compose_checked(text: str) -> Any:
    """The checked Python composer: refuses aliases and deep nesting where they appear."""
    loader = None
    try:
        loader = _SafeComposer(text)  # the reader refuses control characters here
        return loader.get_single_node()
    except _Failed:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = _where(exc)
        raise _Failed("yaml-syntax", _describe(exc, text), mark.index if mark else 0) from None
    except yaml.reader.ReaderError as exc:
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        message = f"the control character #x{code:04x} is not allowed in YAML; delete it"
        raise _Failed("yaml-syntax", message, exc.position) from None
    except yaml.YAMLError as exc:
        raise _Failed("yaml-syntax", f"YAML syntax: {exc}".splitlines()[0], 0) from None
    except RecursionError:  # MAX_DEPTH should stop it first; never let it escape
        raise _Failed("yaml-syntax", "the YAML is nested too deeply", 0) from None
    except Exception:  # PyYAML's own bugs, e.g. ValueError for the escape "\U00110000"
        index = loader.get_mark().index if loader is not None else 0
        raise _Failed("yaml-syntax", _UNREADABLE, index) from None
    finally:
        if loader is not None:
            loader.dispose()


_HINTS = {
    "mapping values are not allowed here": "a value contains ': '; put the whole value in quotes",
    "could not find expected ':'": "write one 'key: value' per line",
    "found character '\\t' that cannot start any token": "indent with spaces, not tabs",
    "expected <block end>, but found": "check the indentation of this line",
}


def _where(exc: yaml.MarkedYAMLError) -> Any:
    """Where an unclosed quote or bracket opened, else where PyYAML gave up."""
    if _unclosed(exc.problem) and exc.context_mark:
        return exc.context_mark
    return exc.problem_mark or exc.context_mark


def _unclosed(problem: str | None) -> bool:
    return any(end in (problem or "") for end in ("end of stream", "<stream end>"))


def _describe(exc: yaml.MarkedYAMLError, text: str) -> str:
    problem = exc.problem or exc.context or "this is not valid YAML"
    hint = next((h for key, h in _HINTS.items() if key in problem), "")
    if _unclosed(problem):
        hint = "a quote or bracket opened here is never closed"
    mark = exc.problem_mark
    line = text[: mark.index].rpartition("\n")[2] if mark else ""
    if hint.startswith("a value contains") and line[:1] in (" ", "\t"):
        hint = "this line is indented: start a field at the beginning of its line"
    elif hint.startswith("a value contains") and len(line) > 1024:
        hint = "a field name may be at most 1024 characters long"
    return shorten(problem, 200) + (f"; {hint}" if hint else "")


def _mark_error(mark: Any, code: str, message: str) -> _Failed:
    return _Failed(code, message, mark.index)


class _Converter:
    """Converts nodes to plain values, checking tags and keys, with 0-based positions."""

    def __init__(self, lines: _Lines) -> None:
        self.lines = lines

    def at(self, node: Any) -> tuple[int, int]:
        return self.lines.at(node.start_mark.index)

    def error(self, node: Any, code: str, message: str) -> YamlError:
        return YamlError(code, message, *self.at(node))

    def located(self, node: Any, key: tuple[int, int] | None = None) -> Located:
        value = self.convert(node)
        items = tuple(self.located(item) for item in node.value) if node.tag == _SEQ else ()
        text = node.value if isinstance(node, yaml.ScalarNode) else None
        return Located(value, *self.at(node), text=text, items=items, key=key)

    def entry(self, key_node: Any, value: Any) -> Located:
        return self.located(value, key=self.at(key_node))

    def pairs(self, node: Any) -> list[tuple[str, Any, Any]]:
        seen: set[str] = set()
        pairs = []
        for key, value in node.value:
            self.check_tag(key)
            if not isinstance(key, yaml.ScalarNode):
                raise self.error(key, "wrong-type", _NOT_TEXT_KEY)
            if key.value in seen:
                raise self.error(key, "duplicate-key", (
                    f"'{shorten(key.value)}' is given twice; keep one of them"))  # fmt: skip
            seen.add(key.value)
            pairs.append((key.value, key, value))
        return pairs

    def convert(self, node: Any) -> Any:
        self.check_tag(node)
        if node.tag == _SEQ:
            return [self.convert(item) for item in node.value]
        if node.tag == _MAP:
            return {key: self.convert(value) for key, _, value in self.pairs(node)}
        return _scalar(node)

    def check_tag(self, node: Any) -> None:
        if node.tag in _PLAIN_TAGS or node.tag in (_SEQ, _MAP):
            return
        if node.tag == _CORE + "merge":
            raise self.error(node, "yaml-tag", (
                "YAML merge keys (<<) are not allowed in notes; write the fields out"))  # fmt: skip
        tag = shorten(node.tag.replace(_CORE, "!!"))
        message = f"the YAML tag '{tag}' is not allowed; notes hold plain text, dates and lists"
        raise self.error(node, "yaml-tag", message)


def _scalar(node: Any) -> Any:
    """A scalar as Python: None, bool, int or float where YAML says so, else its text."""
    if node.tag in (_CORE + "str", _CORE + "timestamp"):
        return node.value
    try:
        return yaml.constructor.SafeConstructor().construct_object(node)
    except ValueError:  # e.g. an integer too long to convert: keep it as written
        return node.value


def shorten(text: str, limit: int = 60) -> str:
    """Text safe to quote in a one-line message: printable, and cut to `limit` characters."""
    flat = "".join(c if c.isprintable() else " " for c in text)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class _LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose `!!python/name:` and `!ENV` tags we skip rather than run."""


_LenientLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def load_config_file(text: str) -> Any:
    """Parse mkdocs.yml leniently: unknown tags become None and are never executed."""
    return yaml.load(text, Loader=_LenientLoader)


def locate(text: str, path: Sequence[str | int], at_key: bool = False) -> tuple[int, int] | None:
    """The 1-based (line, column) of the value at `path` in a YAML document, or of its key.

    A text step is a mapping key; in a list, it finds the item that is a mapping with that
    key, as in mkdocs.yml's `plugins: [- insights: {...}]`. A number step is a list index.
    None if the document has no such value (or is not YAML). Tags are never run.
    """
    try:
        node: Any = yaml.compose(text, Loader=_LenientLoader)
    except yaml.YAMLError:
        return None
    key: Any = None
    for step in path:
        node, key = _step(node, step)
        if node is None:
            return None
    mark = (key if at_key and key is not None else node).start_mark
    return mark.line + 1, mark.column + 1


def _step(node: Any, step: str | int) -> tuple[Any, Any]:
    """The (value, key) node one step down from `node`, or (None, None)."""
    if isinstance(node, yaml.SequenceNode):
        if isinstance(step, int):
            return (node.value[step], None) if 0 <= step < len(node.value) else (None, None)
        found = (_step(item, step) for item in node.value if isinstance(item, yaml.MappingNode))
        return next((pair for pair in found if pair[0] is not None), (None, None))
    if isinstance(node, yaml.MappingNode) and isinstance(step, str):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == step:
                return value, key
    return None, None


def dump(data: Any) -> str:
    """YAML for front matter we write: block style, keys in the given order."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None)
