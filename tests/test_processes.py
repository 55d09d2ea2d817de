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
