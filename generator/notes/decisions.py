"""Decisions: product decisions filed with the notes (`kind: decision`), and the insights each
one cites in `evidence:`.

A decision's fields are checked as strictly as a note's (`DecisionChecker`); what it cites can
only be checked once every file is parsed (`check_evidence`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from generator.config import Settings
from generator.model import Area, Decision, Problem
from generator.notes.fields import ID, Collector, FieldChecker, did_you_mean, insight_schema, kind
from generator.yamlfile import Located, shorten

INSIGHT, DECISION = "insight", "decision"
KINDS = (INSIGHT, DECISION)
DECISION_REQUIRED = ("kind", "title", "date", "area", "status")
DECISION_KEYS = (*DECISION_REQUIRED, "owner", "evidence")


def kind_of(fields: dict[str, Located], out: Collector) -> str | None:
    """What the file is: 'insight' (no `kind`, or `kind: insight`) or 'decision'; None, with
    the problem collected, for any other kind."""
    loc = fields.get("kind")
    if loc is None:
        return INSIGHT
    if isinstance(loc.value, list | dict):
        out.at(loc, "wrong-type", f"'kind' must be text, not {kind(loc.value)}; write "
               "kind: decision, or leave it out for an insight")  # fmt: skip
        return None
    text = "" if loc.value is None else (loc.text or "").strip()
    if text in KINDS:
        return text
    what = f"'{shorten(text)}' is not a kind" if text else "'kind' is empty"
    out.at(loc, "unknown-kind", f"{what}{did_you_mean(text, KINDS) if text else ''}; the "
           "kinds are insight (the default: leave kind out) and decision")  # fmt: skip
    return None


class DecisionChecker(FieldChecker):
    """Checks a decision's front matter: the note's checks for what the two share (title, date,
    area), and its own for status, owner and evidence."""

    required = DECISION_REQUIRED
    known = DECISION_KEYS
    date_hint = "use the day it was decided"

    def defaults(self) -> dict[str, Any]:
        """A decision has no optional field with a default."""
        return {}

    def check_status(self, loc: Located) -> str | None:
        statuses = self.settings.decision_statuses
        return self.choice(loc, "status", statuses, "the plugin's 'decision_statuses' option")

    def check_owner(self, loc: Located) -> str | None:
        return self.text(loc, "owner")

    def check_evidence(self, loc: Located) -> tuple[str, ...] | None:
        """Insight ids, each once; a repeat is an error at the repeat."""
        ids = self.slugs(loc, "evidence", ID)
        seen: set[str] = set()
        for item in loc.items if ids is not None else ():
            if item.text in seen:
                self.out.at(item, "duplicate-evidence", f"'{shorten(item.text)}' is cited "
                            "twice in 'evidence'; remove the repeat")  # fmt: skip
            seen.add(item.text or "")
        return ids


def check_evidence(
    decisions: Iterable[Decision], insights: Collection[str], decided: Collection[str]
) -> list[Problem]:
    """Each id a decision cites must name an insight note: not a decision, and not nothing.

    `insights` and `decided` are the ids of the wiki's insight notes and of its decisions.
    """
    problems = []
    for decision in decisions:
        for index, cited in enumerate(decision.evidence):
            line, column = decision.position(f"evidence[{index}]")
            if cited in decided:
                code, message = "evidence-is-decision", (
                    f"'{cited}' is a decision, not an insight; cite the insight notes "
                    "behind it instead")  # fmt: skip
            elif cited not in insights:
                code, message = "unknown-evidence", (
                    f"evidence '{cited}' names no insight{did_you_mean(cited, insights)}; "
                    "use the file name of an insight note, without .md")  # fmt: skip
            else:
                continue
            problems.append(Problem(decision.path, line, column, "error", code, message))
    return problems


def decision_schema(settings: Settings, areas: tuple[Area, ...]) -> dict[str, Any]:
    """A JSON Schema of a decision's front matter, from the definitions the checker uses."""
    text = {"type": "string", "minLength": 1}
    described = {
        "kind": {"const": DECISION},
        "title": {**text, "description": "What we decided, as a sentence."},
        "date": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$",
                 "description": "The day it was decided (YYYY-MM-DD)."},
        "area": {"enum": [a.slug for a in areas], "description": "A key of the area registry."},
        "status": {"enum": list(settings.decision_statuses),
                   "description": "Where the decision stands."},
        "owner": {**text, "description": "Who answers for it."},
        "evidence": {"type": "array", "uniqueItems": True,
                     "items": {"type": "string", "pattern": ID.pattern},
                     "description": "Ids (file names without .md) of the insights behind it."},
    }  # fmt: skip
    return {
        "title": "Decision",
        "type": "object",
        "required": list(DECISION_REQUIRED),
        "properties": {key: described[key] for key in DECISION_KEYS},
    }


def front_matter_schema(settings: Settings, areas: tuple[Area, ...]) -> dict[str, Any]:
    """A JSON Schema of the front matter of both kinds: a decision (`kind: decision`), else an
    insight note."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Insight note or decision front matter",
        "type": "object",
        "if": {"properties": {"kind": {"const": DECISION}}, "required": ["kind"]},
        "then": decision_schema(settings, areas),
        "else": insight_schema(settings, areas),
    }
