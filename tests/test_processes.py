"""How many cores a process may use: its CPU affinity, not the machine's core count."""

from __future__ import annotations

import os

import pytest

from generator import processes


def test_usable_cores_follow_the_cpu_affinity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3}, raising=False)
    assert processes.usable_cores() == 1


def test_without_an_affinity_every_core_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert processes.usable_cores() == 1
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert processes.usable_cores() == 8


def test_no_fork_from_a_second_thread() -> None:
    import threading

    seen: list[bool] = []
    worker = threading.Thread(target=lambda: seen.append(processes.can_fork()))
    worker.start()
    worker.join()
    assert seen == [False]
    assert processes.can_fork() is hasattr(os, "fork")


def test_a_forked_task_gives_its_result_from_the_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(processes, "usable_cores", lambda: 2)
    parent = os.getpid()
    task = processes.Forked(lambda: (os.getpid(), [1, 2, 3]))
    pid, value = task.result()
    assert value == [1, 2, 3]
    assert pid != parent or not hasattr(os, "fork")


def test_a_forked_task_that_fails_in_the_child_runs_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(processes, "usable_cores", lambda: 2)
    parent = os.getpid()

    def only_here() -> int:
        if os.getpid() != parent:
            os._exit(9)  # a child killed, say by the out-of-memory killer
        return 42

    assert processes.Forked(only_here).result() == 42


def test_on_one_core_the_task_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(processes, "usable_cores", lambda: 1)
    task = processes.Forked(os.getpid)
    assert task.pid == 0 and task.result() == os.getpid()


def test_fingerprints_shared_with_a_child_are_those_made_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    from pathlib import Path

    from benchmarks import synth
    from generator.notes.project import open_project
    from generator.plugin.options import settings_from_options
    from generator.site import compile as site
    from generator.site import fingerprint

    assert isinstance(tmp_path, Path)
    synth.write_wiki(tmp_path, 80)
    project = open_project(tmp_path / "mkdocs.yml", settings_from_options)
    built = site.compile_site(project.root, project.settings, None)
    alone = fingerprint._fingerprints(
        built.context, fingerprint.site_digest(built.context), list(built.plan.items())
    )
    monkeypatch.setattr(fingerprint, "PARALLEL_FROM", 1)
    monkeypatch.setattr(processes, "usable_cores", lambda: 2)
    assert fingerprint.page_fingerprints(built.context, built.plan) == alone
    assert len(alone) > 80  # insight, listing and index pages
