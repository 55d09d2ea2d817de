"""Browser tests find the machine's Chromium by any of its usual names, or $CHROMIUM; without
one, a developer's run skips and CI's fails, each saying how to install one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import require_chromium


def program(folder: Path, name: str) -> Path:
    """An executable file called `name` in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.mark.parametrize("name", ["chromium", "chromium-browser", "google-chrome"])
def test_each_usual_name_on_the_path_is_found(tmp_path: Path, name: str) -> None:
    found = program(tmp_path / "bin", name)
    assert require_chromium({"PATH": str(tmp_path / "bin")}) == str(found)


def test_the_first_usual_name_wins(tmp_path: Path) -> None:
    program(tmp_path / "a", "google-chrome")
    chromium = program(tmp_path / "b", "chromium")
    path = f"{tmp_path / 'a'}:{tmp_path / 'b'}"
    assert require_chromium({"PATH": path}) == str(chromium)


def test_chromium_names_a_path_or_a_program(tmp_path: Path) -> None:
    chrome = program(tmp_path / "opt", "chrome")
    assert require_chromium({"PATH": "", "CHROMIUM": str(chrome)}) == str(chrome)
    program(tmp_path / "bin", "chromium")
    env = {"PATH": str(tmp_path / "opt"), "CHROMIUM": "chrome"}
    assert require_chromium(env) == str(chrome)


def test_a_chromium_that_is_not_there_is_not_replaced_by_another(tmp_path: Path) -> None:
    program(tmp_path / "bin", "chromium")
    env = {"PATH": str(tmp_path / "bin"), "CHROMIUM": str(tmp_path / "nope")}
    with pytest.raises(pytest.skip.Exception, match=r"CHROMIUM=.*nope is not a program"):
        require_chromium(env)


def test_without_a_browser_a_developer_run_skips_saying_how_to_install_one(
    tmp_path: Path,
) -> None:
    with pytest.raises(pytest.skip.Exception) as caught:
        require_chromium({"PATH": str(tmp_path)})
    message = str(caught.value)
    assert "no chromium, chromium-browser or google-chrome on the PATH" in message
    assert "apt-get install chromium" in message and "set CHROMIUM" in message


def test_without_a_browser_ci_fails_saying_how_to_install_one(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium"):
        require_chromium({"PATH": str(tmp_path), "CI": "true"})
