"""`insights review` as a pull-request comment (Markdown), JSON for tools, and GitHub workflow
annotations."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from generator.model import Problem
from generator.signals.review import NoteChange, Review, Shown
from generator.site import render

MARKER = "<!-- insights-review -->"


def to_markdown(review: Review) -> str:
    """One pull-request comment, found again by its hidden marker."""
    return render.render("review.md.j2", review=review, marker=render.trusted(MARKER))


def to_json(review: Review) -> str:
    """The review for other tools."""
    data = {
        "base": review.base,
        "head": review.head,
        "as_of": review.as_of.isoformat(),
        "window_days": review.days,
        "counts": review.counts,
        "errors": review.errors,
        "warnings": review.warnings,
        "notes": [_change_json(c) for c in review.changes],
        "problems": [_problem_json(p) for p in review.problems],
        "duplicates": [vars(d) for d in review.duplicates],
        "context": list(review.context),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _change_json(change: NoteChange) -> dict[str, Any]:
    shown = change.shown or Shown()
    data: dict[str, Any] = {
        "change": change.kind,
        "path": change.path,
        "old_path": change.old_path,
        "valid": change.note is not None,
        "title": shown.title,
        "area": shown.area,
        "date": shown.date.isoformat() if shown.date else None,
    }
    if not shown.decision:
        return {**data, "source": shown.source, "customers": list(shown.customers)}
    strength = change.strength
    return {
        **data,
        "kind": "decision",
        "status": shown.status,
        "owner": shown.owner,
        "evidence": list(shown.evidence),
        "strength": strength.line if strength else None,
    }


def _problem_json(problem: Problem) -> dict[str, Any]:
    return dataclasses.asdict(problem)


def to_github(review: Review, prefix: str = "") -> str:
    """GitHub workflow commands: an annotation per problem and near-duplicate, notices for context.

    `prefix` is the wiki's folder inside the repository, since GitHub locates files from the top.
    """
    lines = [_annotation(p.severity, prefix + p.path, p.line, p.column, p.code, p.message)
             for p in review.problems]  # fmt: skip
    for dup in review.duplicates:
        message = (f"reads like {dup.other} ({dup.other_title}), similarity {dup.similarity:.2f}; "
                   "merge them, or link them with 'related:'")  # fmt: skip
        path = prefix + dup.path
        lines.append(_annotation("warning", path, dup.line, dup.column, "near-duplicate", message))
    lines.extend(f"::notice title=Insight review::{escape_data(text)}" for text in review.context)
    lines.append(summary_line(review))
    return "\n".join(lines) + "\n"


def _annotation(level: str, path: str, line: int, column: int, title: str, message: str) -> str:
    props = f"file={escape_property(path)},line={line},col={column},title={escape_property(title)}"
    return f"::{level} {props}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub's runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: data escapes, plus ':' and ','."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def summary_line(review: Review) -> str:
    """'Insight review: 1 added, 2 changed; 1 error, 0 warnings.'"""
    counts = (
        ", ".join(f"{n} {kind}" for kind, n in review.counts.items() if n) or "no notes changed"
    )
    return (f"Insight review: {counts}; {render.plural(review.errors, 'error')}, "
            f"{render.plural(review.warnings, 'warning')}.")  # fmt: skip
