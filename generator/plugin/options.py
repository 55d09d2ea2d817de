"""The plugin's options as MkDocs declares them, made from `generator.config.Settings`.

Each option is declared once, in `Settings` (type, default, one-line doc). This module turns
that declaration into a MkDocs config class (`c.Type`, `c.ListOfItems`, `c.Optional`), so MkDocs'
own validators check the options whether `mkdocs build` or `insights` reads them; only their
messages are put in words a note's author reads ("expected a whole number >= 0").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c

from generator import config
from generator.config import OptionProblem, Settings, SettingsError, check_settings, parse_date


class Checked(c.BaseConfigOption[Any]):
    """A MkDocs option that says what it expected in words, and refuses a bool for a number."""

    def __init__(self, inner: c.BaseConfigOption[Any], expected: str, whole: bool = False):
        super().__init__()
        self.inner, self.expected, self.whole = inner, expected, whole
        self.default = inner.default

    def run_validation(self, value: object) -> Any:
        if isinstance(value, bool) and self.expected != "true or false":
            raise c.ValidationError(f"expected {self.expected}")
        if self.whole and isinstance(value, int) and value < 0:
            raise c.ValidationError(f"expected {self.expected}")
        try:
            return self.inner.validate(value)
        except c.ValidationError:
            raise c.ValidationError(f"expected {self.expected}") from None


class AsOf(c.BaseConfigOption[dt.date | None]):
    """`as_of`: a YYYY-MM-DD day, or nothing."""

    def run_validation(self, value: object) -> dt.date | None:
        if value in (None, ""):
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            raise c.ValidationError(str(exc)) from None


def _option(field: dataclasses.Field[Any]) -> c.BaseConfigOption[Any]:
    default = field.default
    if field.name == "as_of":
        return AsOf()
    if isinstance(default, tuple):
        return Checked(c.ListOfItems(c.Type(str), default=list(default)), "a list of text")
    if isinstance(default, bool):
        return Checked(c.Type(bool, default=default), "true or false")
    if isinstance(default, int):
        return Checked(c.Type(int, default=default), "a whole number >= 0", whole=True)
    if isinstance(default, float):
        return Checked(c.Type((int, float), default=default), "a number")
    return Checked(c.Type(str, default=default), "text")


InsightsConfig: Any = type(
    "InsightsConfig",
    (base.Config,),
    {
        "__doc__": "Options of the `insights` plugin; `generator.config.Settings` documents each.",
        **{f.name: _option(f) for f in dataclasses.fields(Settings)},
    },
)


def settings_from_options(raw: Mapping[str, Any] | None) -> Settings:
    """Validate the plugin's options (from mkdocs.yml) into Settings, collecting every error."""
    options = {k: v for k, v in (raw or {}).items() if k != "enabled"}
    schema = dict(InsightsConfig._schema)
    values: dict[str, Any] = {}
    problems: list[OptionProblem] = []
    for key, value in options.items():
        if key not in schema:
            message = f"insights: unknown option '{key}'"
            problems.append(OptionProblem(key, message, code="unknown-option"))
            continue
        try:
            values[key] = _validated(key, schema[key], value)
        except c.ValidationError as exc:
            problems.append(OptionProblem(key, f"insights: option '{key}': {exc}"))
    if problems:
        raise SettingsError("\n".join(p.message for p in problems), tuple(problems))
    return settings_from_config({k: values.get(k, o.default) for k, o in schema.items()})


def _validated(key: str, option: c.BaseConfigOption[Any], value: object) -> Any:
    """One option through its MkDocs validator. Given but empty (as `!ENV` reads where tags are
    skipped) is not the same as left out, so it is refused rather than taken as the default."""
    if value is None and isinstance(option, Checked):
        raise c.ValidationError(f"expected {option.expected}")
    return option.validate(value)


def settings_from_config(checked: Mapping[str, Any]) -> Settings:
    """Settings from options MkDocs has validated; SettingsError if they make no sense together."""
    settings = Settings(
        **{f.name: _value(f, checked[f.name]) for f in dataclasses.fields(Settings)}
    )
    problems = check_settings(settings)
    if problems:
        raise SettingsError("\n".join(p.message for p in problems), tuple(problems))
    return settings


def _value(field: dataclasses.Field[Any], value: Any) -> Any:
    """A validated value as Settings types it: lists as tuples, numbers as floats."""
    if isinstance(field.default, tuple):
        return tuple(value)
    if isinstance(field.default, float):
        return float(value)
    return value


def read_settings(config_file: Path) -> Settings:
    """The `insights` plugin's options from mkdocs.yml, validated (defaults if it has none)."""
    return config.read_settings(config_file, settings_from_options)
