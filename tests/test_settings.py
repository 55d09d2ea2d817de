"""Settings from mkdocs.yml, 'today' for a run, and the area registry: every mistake is named
with the option or file it is in, and nothing in the config file is ever executed."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from generator.config import (
    Settings,
    SettingsError,
    epoch_of,
    find_config,
    parse_date,
    resolve_as_of,
)
from generator.model import Area
from generator.notes.areas import load_areas, parse_areas
from generator.plugin.options import read_settings, settings_from_options


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2026-10-14", dt.date(2026, 10, 14)),
        (" 2026-10-14 ", dt.date(2026, 10, 14)),
        (dt.date(2026, 10, 14), dt.date(2026, 10, 14)),
        (dt.datetime(2026, 10, 14, 23, 59, tzinfo=dt.UTC), dt.date(2026, 10, 14)),
        ("2024-02-29", dt.date(2024, 2, 29)),
    ],
)
def test_parse_date(value: object, day: dt.date) -> None:
    assert parse_date(value) == day


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-02-30", "'2026-02-30' is not a real date; write YYYY-MM-DD"),
        ("2025-02-29", "'2025-02-29' is not a real date"),
        ("2026-13-01", "'2026-13-01' is not a real date"),
        ("14/10/2026", "'14/10/2026' is not a date; write YYYY-MM-DD"),
        ("2026-1-5", "'2026-1-5' is not a date"),
        ("20261014", "'20261014' is not a date"),
        ("2026-W42-3", "'2026-W42-3' is not a date"),
        ("２０２６-10-14", "is not a real date"),
        ("", "'' is not a date"),
        (20261014, "'20261014' is not a date"),
    ],
)
def test_parse_date_refuses(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_date(value)


def test_defaults() -> None:
    assert settings_from_options(None) == Settings()
    assert settings_from_options({"enabled": False}) == Settings()


def test_options_are_coerced() -> None:
    settings = settings_from_options({
        "as_of": "2026-11-20", "sources": ["interview", "survey"], "rising_factor": 3,
        "window_days": 30, "git_history": False, "notes_dir": "notes",
    })  # fmt: skip
    assert settings.as_of == dt.date(2026, 11, 20)
    assert settings.sources == ("interview", "survey")
    assert settings.rising_factor == 3.0 and isinstance(settings.rising_factor, float)
    assert (settings.window_days, settings.git_history, settings.notes_dir) == (30, False, "notes")
    assert settings_from_options({"as_of": None}).as_of is None
    assert settings_from_options({"as_of": dt.date(2026, 1, 2)}).as_of == dt.date(2026, 1, 2)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"window_days": True}, "option 'window_days': expected a whole number >= 0"),
        ({"window_days": -1}, "option 'window_days': expected a whole number >= 0"),
        ({"window_days": 1.5}, "option 'window_days': expected a whole number >= 0"),
        ({"rising_factor": "2"}, "option 'rising_factor': expected a number"),
        ({"sources": ["interview", 3]}, "option 'sources': expected a list of text"),
        ({"sources": []}, "option 'sources': give at least one value"),
        ({"confidence_levels": []}, "option 'confidence_levels': give at least one value"),
        ({"default_confidence": "extreme"},
         "option 'default_confidence': 'extreme' is not one of confidence_levels "
         "(low, medium, high)"),
        ({"confidence_levels": ["low", "high"]},
         "option 'default_confidence': 'medium' is not one of confidence_levels (low, high)"),
        ({"notes_dir": "/etc"}, "option 'notes_dir': give a path inside the wiki"),
        ({"areas_file": "../areas.yml"}, "option 'areas_file': give a path inside the wiki"),
        ({"notes_dir": 3}, "option 'notes_dir': expected text"),
        ({"as_of": "2026-02-30"}, "option 'as_of': '2026-02-30' is not a real date"),
        ({"decision_statuses": []}, "option 'decision_statuses': give at least one value"),
        ({"open_statuses": ["planned", "later"]},
         "option 'open_statuses': 'later' is not one of decision_statuses (proposed, planned, "
         "building, shipped, dropped)"),
        ({"decision_statuses": ["now", "done"], "open_statuses": ["now"]},
         "option 'shipped_statuses': 'shipped' is not one of decision_statuses (now, done)"),
        ({"shipped_statuses": ["shipped", "building"]},
         "option 'shipped_statuses': 'building' is open too (open_statuses); a decision is "
         "either open or done"),
    ],
)  # fmt: skip
def test_bad_options_name_the_option(raw: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=re.escape("insights: " + message)):
        settings_from_options(raw)


def test_allowed_contacts() -> None:
    raw = {"allowed_contacts": ["support@acme-corp.com", "*@press.acme-corp.com"]}
    settings = settings_from_options(raw)
    assert settings.allowed_contacts == ("support@acme-corp.com", "*@press.acme-corp.com")
    assert Settings().allowed_contacts == ()


@pytest.mark.parametrize(
    "pattern",
    ["support", "support@", "*@", "@acme.com", "*@acme", "a b@acme.com", "*.acme.com",
     "*@*.acme.com", "support@acme.com ", "mailto:support@acme.com", ""],
)  # fmt: skip
def test_a_bad_allowed_contact_is_an_error(pattern: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(
        f"insights: option 'allowed_contacts': '{pattern}' is not an e-mail address or a "
        "'*@domain' pattern; write e.g. 'support@acme.com' or '*@acme.com'")):  # fmt: skip
        settings_from_options({"allowed_contacts": ["ok@acme.com", pattern]})


def test_option_errors_point_at_their_line_in_mkdocs_yml(tmp_path: Path) -> None:
    text = (
        "site_name: x\n"
        "markdown_extensions:\n"
        "  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "plugins:\n"
        "  - search\n"
        "  - insights:\n"
        "      windw_days: 3\n"
        "      allowed_contacts:\n"
        "        - support@acme-corp.com\n"
        "        - support\n"
        "      git_history: 'yes'\n"
    )
    with pytest.raises(SettingsError) as caught:
        read_settings(write(tmp_path, text))
    assert str(caught.value).splitlines() == [
        "mkdocs.yml:8:7: error unknown-option: insights: unknown option 'windw_days'",
        "mkdocs.yml:12:20: error bad-option: insights: option 'git_history': expected true "
        "or false",
    ]
    with pytest.raises(SettingsError) as caught:
        read_settings(write(tmp_path, text.replace("      windw_days: 3\n", "").replace(
            "'yes'", "false")))  # fmt: skip
    assert str(caught.value) == (
        "mkdocs.yml:10:11: error bad-option: insights: option 'allowed_contacts': 'support' is "
        "not an e-mail address or a '*@domain' pattern; write e.g. 'support@acme.com' or "
        "'*@acme.com'"
    )


def test_option_errors_in_a_plugins_mapping_point_at_their_line(tmp_path: Path) -> None:
    text = "plugins:\n  insights:\n    allowed_contacts: [ok@acme.com, nope]\n"
    with pytest.raises(SettingsError, match=r"^mkdocs\.yml:3:37: error bad-option: "):
        read_settings(write(tmp_path, text))


def test_every_bad_option_is_reported_at_once() -> None:
    with pytest.raises(SettingsError) as caught:
        settings_from_options({"windw_days": 3, "window_days": "x", "git_history": "yes"})
    assert str(caught.value).splitlines() == [
        "insights: unknown option 'windw_days'",
        "insights: option 'window_days': expected a whole number >= 0",
        "insights: option 'git_history': expected true or false",
    ]


def write(folder: Path, text: str) -> Path:
    (folder / "mkdocs.yml").write_text(text, encoding="utf-8")
    return folder / "mkdocs.yml"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("site_name: x\n", Settings()),
        ("site_name: x\nplugins:\n  - search\n  - insights\n", Settings()),
        ("plugins:\n  - insights:\n      window_days: 30\n", Settings(window_days=30)),
        ("plugins:\n  insights:\n    window_days: 30\n", Settings(window_days=30)),
        ("plugins:\n  - insights:\n", Settings()),
        ("markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: "
         "!!python/name:material.extensions.emoji.twemoji\n"
         "plugins:\n  - insights:\n      notes_dir: !ENV [NOTES, notes]\n", None),
        ("", Settings()),
        ("- just\n- a list\n", Settings()),
    ],
)  # fmt: skip
def test_read_settings(tmp_path: Path, text: str, expected: Settings | None) -> None:
    if expected is None:  # tags are skipped, never run: !ENV gives None, which is not text
        with pytest.raises(SettingsError, match="option 'notes_dir': expected text"):
            read_settings(write(tmp_path, text))
    else:
        assert read_settings(write(tmp_path, text)) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("site_name: [unclosed\n", "mkdocs.yml: not valid YAML"),
        (
            "plugins:\n  - insights: [a]\n",
            "mkdocs.yml: plugin 'insights' options must be a mapping",
        ),
        ("plugins:\n  - insights:\n      wat: 1\n", "insights: unknown option 'wat'"),
    ],
)
def test_read_settings_refuses(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        read_settings(write(tmp_path, text))


def test_read_settings_of_a_non_utf8_file(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_bytes(b"site_name: caf\xe9\n")
    with pytest.raises(SettingsError, match=r"mkdocs\.yml: cannot read it"):
        read_settings(tmp_path / "mkdocs.yml")


def test_find_config_looks_upwards(tmp_path: Path) -> None:
    write(tmp_path, "site_name: x\n")
    (tmp_path / "insights" / "billing").mkdir(parents=True)
    assert find_config(tmp_path / "insights" / "billing") == tmp_path / "mkdocs.yml"
    (tmp_path / "insights" / "mkdocs.yml").mkdir()  # a folder is not a config file
    assert find_config(tmp_path / "insights") == tmp_path / "mkdocs.yml"


def test_as_of_comes_from_the_flag_then_the_config_then_the_epoch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pinned = Settings(as_of=dt.date(2026, 11, 20))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch_of(dt.date(2026, 1, 2))))
    assert resolve_as_of(dt.date(2026, 5, 5), pinned) == dt.date(2026, 5, 5)
    assert resolve_as_of(None, pinned) == dt.date(2026, 11, 20)
    assert resolve_as_of(None, Settings()) == dt.date(2026, 1, 2)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch_of(dt.date(2026, 1, 2)) + 86_399))
    assert resolve_as_of(None, Settings()) == dt.date(2026, 1, 2)  # UTC, the last second
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert resolve_as_of(None, Settings()) == dt.datetime.now(tz=dt.UTC).date()


@pytest.mark.parametrize("epoch", ["yesterday", "1.5e9", "99999999999999999999"])
def test_a_bad_source_date_epoch_is_a_settings_error(
    monkeypatch: pytest.MonkeyPatch, epoch: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    with pytest.raises(SettingsError, match="SOURCE_DATE_EPOCH="):
        resolve_as_of(None, Settings())


def test_epoch_of_is_utc_midnight() -> None:
    assert epoch_of(dt.date(1970, 1, 2)) == 86_400


# The area registry

GOOD_AREAS = """\
billing:
  name: Billing
  owner: Marcus Lee
  description: Plans, invoices and payment methods.
onboarding: {name: Onboarding, owner: 2024}
"""


def test_parse_areas() -> None:
    areas, problems = parse_areas("insights/areas.yml", GOOD_AREAS.replace("2024", "Priya"))
    assert problems == []
    assert areas == (
        Area("billing", "Billing", "Marcus Lee", "Plans, invoices and payment methods."),
        Area("onboarding", "Onboarding", "Priya"),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD_AREAS, [(5, 13, "bad-registry")]),
        ("", [(1, 1, "bad-registry")]),
        ("- billing\n", [(1, 1, "bad-registry")]),
        ("billing: {name: Billing\n", [(1, 10, "yaml-syntax")]),
        ("billing:\n  name: Billing\nbilling:\n  name: Again\n", [(3, 1, "duplicate-key")]),
        ("Billing Team:\n  name: Billing\n", [(2, 3, "bad-registry")]),
        ("billing:\n", [(1, 9, "bad-registry")]),
        ("billing: Billing\n", [(1, 10, "bad-registry")]),
        ("billing:\n  owner: Marcus\n", [(2, 3, "bad-registry")]),
        ("billing:\n  name: '  '\n", [(2, 3, "bad-registry")]),
        ("x: !!python/object/apply:os.system [ls]\n", [(1, 4, "yaml-tag")]),
        ("a: &a {name: A}\nb: *a\n", [(2, 4, "yaml-alias")]),
    ],
)
def test_parse_areas_refuses(text: str, expected: list[tuple[int, int, str]]) -> None:
    problems = parse_areas("insights/areas.yml", text)[1]
    assert [(p.line, p.column, p.code) for p in problems] == expected
    assert all(p.path == "insights/areas.yml" and p.severity == "error" for p in problems)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Billing Team:\n  name: B\n", "area 'Billing Team' is not a lowercase slug; write "
                                       "'billing-team'"),
        ("billing:\n  owner: M\n", "area 'billing' needs a 'name'"),
        ("billing: {name: [a]}\n", "area 'billing': name, owner and description must be text"),
    ],
)  # fmt: skip
def test_registry_messages(text: str, message: str) -> None:
    assert parse_areas("insights/areas.yml", text)[1][0].message == message


def test_load_areas_from_disk(tmp_path: Path) -> None:
    settings = Settings()
    assert load_areas(tmp_path, settings)[1][0].code == "missing-registry"
    (tmp_path / "insights").mkdir()
    (tmp_path / "insights/areas.yml").write_bytes(b"billing:\n  name: Caf\xe9\n")
    assert load_areas(tmp_path, settings)[1][0].code == "bad-registry"
    (tmp_path / "insights/areas.yml").write_text("billing:\n  name: Billing\n")
    assert load_areas(tmp_path, settings) == ((Area("billing", "Billing"),), [])
