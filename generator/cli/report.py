"""How problems are reported: one `path:line:col` line each, or the JSON contract."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence

from generator.model import Problem


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
