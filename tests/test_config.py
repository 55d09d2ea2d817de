"""Typed, documented configuration: the plugin, the settings and the README agree."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from generator.cli.commands import main
from generator.config import Settings, SettingsError, option_docs
from generator.plugin.options import InsightsConfig, settings_from_options

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_plugin_config_declares_every_setting_with_the_same_default() -> None:
    plugin = InsightsConfig()
    plugin.load_dict({})
    errors, warnings = plugin.validate()
    assert errors == [] and warnings == []
    declared = {k: v for k, v in plugin.items()}
    settings = settings_from_options(declared)
    assert settings == Settings()
    assert set(declared) == set(option_docs())


def test_readme_option_table_matches_the_code() -> None:
    rows = dict(re.findall(r"^\| `(\w+)` \| [^|]+ \| `([^`]*)` \|", README, re.MULTILINE))
    assert set(rows) == set(option_docs()), "README option table is out of date"
    for name, (_, default, _) in option_docs().items():
        if isinstance(default, tuple):
            assert rows[name].startswith(default[0]) if default else rows[name] == "", name
        elif isinstance(default, bool):
            assert rows[name] == str(default).lower(), name
        else:
            assert rows[name] == ("none" if default is None else str(default)), name


def _commands() -> list[tuple[str, click.Command]]:
    assert isinstance(main, click.Group)
    return sorted(main.commands.items())


@pytest.mark.parametrize(("name", "command"), _commands())
def test_readme_documents_every_command_and_option(name: str, command: click.Command) -> None:
    assert f"insights {name}" in README, f"README does not document 'insights {name}'"
    for param in command.params:
        for flag in getattr(param, "opts", []):
            if flag.startswith("--") and flag != "--help":
                assert flag in README, f"README does not document {flag} of insights {name}"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"windw_days": 3}, "unknown option 'windw_days'"),
        ({"window_days": "ninety"}, "option 'window_days': expected a whole number"),
        ({"sources": "interview"}, "option 'sources': expected a list of text"),
        ({"as_of": "30/06/2026"}, "option 'as_of': '30/06/2026' is not a date"),
        ({"git_history": "yes"}, "option 'git_history': expected true or false"),
    ],
)
def test_bad_settings_name_the_option(raw: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        settings_from_options(raw)
