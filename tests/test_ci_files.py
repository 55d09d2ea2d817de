"""The workflow templates and pre-commit hooks: valid, pinned, least-privileged, linted."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.site.review_report import MARKER
from generator.yamlfile import load_config_file

REPO = Path(__file__).parent.parent
WORKFLOWS = REPO / ".github" / "workflows"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(?:/[\w.-]+)*@(v\d+\.\d+\.\d+|[0-9a-f]{40})$")


def load(path: Path) -> Any:
    return load_config_file(path.read_text(encoding="utf-8"))


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


@pytest.fixture(params=["insights-pr.yml", "publish.yml", "digest.yml"])
def workflow(request: pytest.FixtureRequest) -> dict[str, Any]:
    data = load(WORKFLOWS / request.param)
    assert isinstance(data, dict)
    return data


def test_actions_are_pinned_to_exact_versions(workflow: dict[str, Any]) -> None:
    used = [step["uses"] for step in steps(workflow) if "uses" in step]
    assert used
    assert [u for u in used if not PINNED.match(u)] == []


def test_every_checkout_fetches_full_history(workflow: dict[str, Any]) -> None:
    checkouts = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts
    assert all(s["with"]["fetch-depth"] == 0 for s in checkouts)


def test_permissions_are_granted_per_job(workflow: dict[str, Any]) -> None:
    assert workflow["permissions"] == {}
    for job in workflow["jobs"].values():
        assert "permissions" in job


def test_pull_request_workflow() -> None:
    data = load(WORKFLOWS / "insights-pr.yml")
    trigger = data.get("on", data.get(True))  # YAML 1.1 reads the key `on` as true
    assert trigger["pull_request"]["paths"][0] == "insights/**"
    jobs = data["jobs"]
    assert jobs["review"]["permissions"] == {"contents": "read"}
    assert jobs["comment"]["permissions"] == {"pull-requests": "write"}
    assert jobs["build"]["permissions"] == {"contents": "read"}
    runs = [s.get("run", "") for s in steps(data)]
    assert any("--format github" in r for r in runs)
    assert any("--format markdown" in r for r in runs)
    assert any(r.startswith("insights build --strict") for r in runs)
    script = next(
        s["with"]["script"] for s in jobs["comment"]["steps"] if "script" in s.get("with", {})
    )
    assert f'"{MARKER}"' in script
    assert "updateComment" in script and "createComment" in script


def test_publish_workflow() -> None:
    data = load(WORKFLOWS / "publish.yml")
    trigger = data.get("on", data.get(True))
    assert trigger["push"]["branches"] == ["main"]
    jobs = data["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    used = {s["uses"].split("@")[0] for s in steps(data) if "uses" in s}
    assert {"actions/configure-pages", "actions/upload-pages-artifact",
            "actions/deploy-pages"} <= used  # fmt: skip
    cache = next(
        s for s in jobs["build"]["steps"] if s.get("uses", "").startswith("actions/cache@")
    )
    assert cache["with"]["path"] == ".cache/insights"
    prefix = "insights-${{ hashFiles('constraints.txt', 'mkdocs.yml') }}-"
    assert cache["with"]["key"] == prefix + "${{ github.sha }}"
    assert cache["with"]["restore-keys"] == prefix
    names = [s.get("uses", s.get("run", "")) for s in jobs["build"]["steps"]]
    assert names.index(cache["uses"]) < next(
        i for i, n in enumerate(names) if n.startswith("insights build")
    )  # restored before the build


def test_digest_workflow() -> None:
    data = load(WORKFLOWS / "digest.yml")
    trigger = data.get("on", data.get(True))
    assert [entry["cron"] for entry in trigger["schedule"]] == ["0 7 * * 1"]
    assert "workflow_dispatch" in trigger
    job = data["jobs"]["post"]
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    runs = [s.get("run", "") for s in job["steps"]]
    assert any(r.startswith("insights digest --days 7 --format markdown > digest.md") for r in runs)
    assert any(r.startswith("gh issue create") and "--body-file digest.md" in r for r in runs)
    webhook = next(s for s in job["steps"] if "WEBHOOK_URL" in s.get("env", {}))
    assert webhook["env"]["WEBHOOK_URL"] == "${{ secrets.DIGEST_WEBHOOK_URL }}"


def actionlint() -> str:
    """The actionlint binary of this environment; CI must have it (it is a test dependency)."""
    here = str(Path(sys.executable).parent)  # the venv's own, pinned in constraints.txt
    found = shutil.which("actionlint", path=here) or shutil.which("actionlint")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("actionlint is missing: install the test extras (make install)")
        pytest.skip("actionlint is not installed; `make install` brings it")
    return found


def test_workflows_pass_actionlint() -> None:
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    done = subprocess.run([actionlint(), "-color=false", *files], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_does_catch_mistakes(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.nope.nope }}\n      - uses: actions/checkout\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [actionlint(), "-color=false", str(broken)], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "broken.yml" in done.stdout


def test_pre_commit_hook_manifest() -> None:
    (hook,) = load(REPO / ".pre-commit-hooks.yaml")
    assert hook["id"] == "insights-check"
    assert hook["entry"] == "insights check"
    assert hook["language"] == "python"
    pattern = re.compile(hook["files"])
    assert pattern.search("insights/billing/2026-06-01-a.md")
    assert not pattern.search("README.md")
    assert not pattern.search("insights/areas.yml")


def test_the_project_uses_its_own_hook() -> None:
    config = load(REPO / ".pre-commit-config.yaml")
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert hooks["insights-check"]["entry"].endswith("insights check")
    manifest = load(REPO / ".pre-commit-hooks.yaml")[0]
    assert hooks["insights-check"]["files"] == manifest["files"]
