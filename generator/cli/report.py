"""How problems are reported: one `path:line:col` line each, or the JSON contract; and how
long work shows its progress."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Sequence

from generator.model import Problem
from generator.progress import Progress


def progress(label: str, total: int) -> Progress:
    """A progress line on stderr when it is a terminal outside CI; silent otherwise."""
    return Progress.on_terminal(label, total, os.environ)


def text_report(problems: Sequence[Problem], checked: int) -> str:
    """One problem a line, then a summary line."""
    lines = [p.format() for p in problems]
    lines.append(summary_line(problems, checked))
    return "\n".join(lines) + "\n"


def summary_line(problems: Sequence[Problem], checked: int) -> str:
    """'Checked 98 notes: 2 errors, 1 warning.'"""
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    return (
        f"Checked {_plural(checked, 'note')}: "
        f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}."
    )


def json_report(problems: Sequence[Problem], checked: int) -> str:
    """{"checked", "errors", "warnings", "problems": [...]}, as documented in the README."""
    errors = sum(p.severity == "error" for p in problems)
    data = {
        "checked": checked,
        "errors": errors,
        "warnings": len(problems) - errors,
        "problems": [dataclasses.asdict(p) for p in problems],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
