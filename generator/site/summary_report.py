"""`insights summary` as Markdown: the pages' own templates, with links a terminal can show.

Notes link to their files in the repository (`insights/billing/x.md`), areas to their
heading further down the report, and tags, customers, teams and sources to `#kind-key`
anchors, so the report reads well in a terminal and renders in a pull request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence


from generator.site import chart
from generator.site import render
from generator.site.render import Markup
from generator.model import AreaSummary, CompanySummary, Note

Url = Callable[..., Markup]


def report_url(notes: Sequence[Note], company: CompanySummary) -> Url:
    """A `url(kind, key)` for the report: repository paths for notes, anchors for the rest."""
    paths = {n.id: n.path for n in notes}
    paths.update((s.decision.id, s.decision.path) for s in company.decisions)
    names = {s.area.slug: s.area.name for s in company.areas}

    def url(kind: str, key: str = "", page: int = 1) -> Markup:
        if kind in ("note", "decision"):
            return render.link(paths.get(key, key))
        if kind == "decisions":
            return render.link("#" + heading_anchor("Decisions and their evidence"))
        if kind == "area":
            return render.link("#" + heading_anchor(names.get(key, key)))
        if kind in ("brief", "home"):
            return render.link(
                "#"
                + heading_anchor(f"Planning brief: what we learned in the last {company.days} days")
            )
        return render.link(f"#{kind}-{key}")

    return url


def heading_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: 'Reporting & Analytics' -> 'reporting--analytics'."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def summary_markdown(
    company: CompanySummary,
    areas: Sequence[AreaSummary],
    notes: Sequence[Note],
    brief: bool,
    top: int,
    overrides: str | None = None,
) -> str:
    """The brief (if asked for, with its `top` findings) and each area's summary, as Markdown."""
    return render.render(
        "summary.md.j2",
        overrides,
        "gfm",
        company=company,
        top=top,
        areas=areas,
        brief=brief,
        charts={a.area.slug: chart.text_chart(a, overrides) for a in areas},
        as_of=company.as_of,
        start=company.start,
        url=report_url(notes, company),
    )


def summary_report(
    company: CompanySummary, notes: Sequence[Note], wanted: set[str], fmt: str, top: int
) -> str:
    """`insights summary`'s output: the areas `wanted` (all, and the brief, when empty) as
    GitHub-flavoured Markdown, or the JSON contract."""
    from generator.signals.summary_json import summary_to_json

    if fmt == "json":
        data = summary_to_json(company)
        data["areas"] = [a for a in data["areas"] if not wanted or a["area"] in wanted]
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    chosen = [s for s in company.areas if not wanted or s.area.slug in wanted]
    return summary_markdown(company, chosen, notes, brief=not wanted, top=top)
