"""Safe YAML with positions: the only module that imports PyYAML.

Notes are untrusted, so we compose YAML into nodes (which carry line and column) and convert
them ourselves. Aliases are refused (an alias bomb is a few lines of YAML), so are tags other
than YAML's plain types (`!!python/...` must never reach a constructor), and so are duplicate
keys, which PyYAML would silently collapse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

_PLAIN_TAGS = {
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp")
}
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


@dataclass(frozen=True)
class YamlError(Exception):
    """A YAML problem at a 0-based line and column of the parsed text."""

    code: str
    message: str
    line: int
    column: int


@dataclass(frozen=True)
class Located:
    """A converted YAML value and where it starts (0-based line and column)."""

    value: Any
    line: int
    column: int


class _NoAliasLoader(yaml.SafeLoader):
    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise YamlError(
                "yaml-alias",
                "YAML aliases (*name) are not allowed in notes; write the value out",
                mark.line,
                mark.column,
            )
        return super().compose_node(parent, index)


def load_located_mapping(text: str) -> dict[str, Located] | Located | None:
    """Parse one YAML document; a mapping becomes {key: Located}, anything else one Located.

    Raises YamlError for syntax errors, aliases, unsafe tags and duplicate keys.
    """
    try:
        node = yaml.compose(text, Loader=_NoAliasLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line, mark.column) if mark else (0, 0)
        raise YamlError("yaml-syntax", _describe(exc), line, col) from None
    except yaml.YAMLError as exc:
        raise YamlError("yaml-syntax", str(exc).splitlines()[0], 0, 0) from None
    except RecursionError:
        raise YamlError("yaml-syntax", "the YAML is nested too deeply", 0, 0) from None
    if node is None:
        return None
    if node.tag == _MAP:
        return {
            str(key): Located(_convert(value), value.start_mark.line, value.start_mark.column)
            for key, value in _pairs(node)
        }
    return Located(_convert(node), node.start_mark.line, node.start_mark.column)


def key_positions(text: str) -> dict[str, tuple[int, int]]:
    """0-based (line, column) of each top-level key of a YAML mapping already known to load."""
    node = yaml.compose(text, Loader=_NoAliasLoader)
    if node is None or node.tag != _MAP:
        return {}
    return {str(k.value): (k.start_mark.line, k.start_mark.column) for k, _ in node.value}


def _describe(exc: yaml.MarkedYAMLError) -> str:
    parts = [exc.context or "", exc.problem or ""]
    text = "; ".join(p for p in parts if p)
    return f"YAML syntax: {text}" if text else "YAML syntax error"


def _pairs(node: Any) -> list[tuple[Any, Any]]:
    seen: set[str] = set()
    pairs = []
    for key, value in node.value:
        _check_tag(key)
        if not isinstance(key, yaml.ScalarNode):
            raise _error_at(key, "wrong-type", "a key must be plain text")
        if key.value in seen:
            raise _error_at(key, "duplicate-key", f"'{key.value}' is given twice; keep one")
        seen.add(key.value)
        pairs.append((key.value, value))
    return pairs


def _convert(node: Any) -> Any:
    _check_tag(node)
    if node.tag == _SEQ:
        return [_convert(item) for item in node.value]
    if node.tag == _MAP:
        return {key: _convert(value) for key, value in _pairs(node)}
    if node.tag.endswith(":timestamp") or node.tag.endswith(":str"):
        return node.value
    return yaml.constructor.SafeConstructor().construct_object(node)


def _check_tag(node: Any) -> None:
    if node.tag in _PLAIN_TAGS or node.tag in (_SEQ, _MAP):
        return
    raise _error_at(
        node,
        "yaml-tag",
        f"YAML tag '{node.tag}' is not allowed; notes hold plain text, lists and dates only",
    )


def _error_at(node: Any, code: str, message: str) -> YamlError:
    return YamlError(code, message, node.start_mark.line, node.start_mark.column)


class _LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose `!!python/name:` and `!ENV` tags we skip rather than run."""


_LenientLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def load_config_file(text: str) -> Any:
    """Parse mkdocs.yml leniently: unknown tags become None and are never executed."""
    return yaml.load(text, Loader=_LenientLoader)


def dump(data: Any) -> str:
    """YAML for front matter we write: block style, keys in the given order."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None)
