"""The decisions' pages: one per decision, and the listing of them all, filterable by status
and area. Like every page, they are Markdown from templates; the context is the site's."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from generator.model import Area, DecisionSummary
from generator.notes import body as notebody
from generator.site import render
from generator.site.context import Page, PageMaker, SiteContext, fitted_body, make_page
from generator.site.urls import FIXED


def decision_plan(ctx: SiteContext) -> dict[str, PageMaker]:
    """The listing, and a page for each decision at its path under the notes folder."""
    plan: dict[str, PageMaker] = {FIXED["decisions"]: partial(decisions_page, ctx)}
    for decision in ctx.decisions:
        if decision.id in ctx.decided:
            plan[ctx.src_of[decision.id]] = partial(decision_page, ctx, ctx.decided[decision.id])
    return plan


def decisions_page(ctx: SiteContext) -> Page:
    """Every decision, newest first, with its status, area, owner and evidence strength."""
    listed = [ctx.decided[d.id] for d in ctx.decisions if d.id in ctx.decided]
    used = {s.decision.status for s in listed}
    statuses = [s for s in ctx.settings.decision_statuses if s in used]
    statuses += sorted(used - set(statuses))
    areas = {s.decision.area for s in listed}
    return make_page(
        ctx,
        FIXED["decisions"],
        "decisions.md.j2",
        decisions=listed,
        statuses=[(s, sum(d.decision.status == s for d in listed)) for s in statuses],
        areas=[a for a in ctx.wiki.areas if a.slug in areas],
    )


def decision_page(ctx: SiteContext, summary: DecisionSummary) -> Page:
    """One decision: its status, owner, date and area, its flags, why we decided it, and the
    insights it cites with their date, source and customers."""
    decision = summary.decision
    body = notebody.for_markdown(fitted_body(decision))
    page = make_page(
        ctx,
        ctx.src_of[decision.id],
        "decision.md.j2",
        summary=summary,
        decision=decision,
        area=ctx.areas.get(decision.area, Area(decision.area, decision.area)),
        evidence=[ctx.by_id[i] for i in decision.evidence if i in ctx.by_id],
        body=render.trusted(body),
        git=ctx.history.get(decision.path),
    )
    return replace(page, untrusted=notebody.may_hold_html(body))
