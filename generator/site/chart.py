"""The notes-per-week chart: bar geometry as plain data, drawn by the `chart.svg.j2` template.

The SVG is sized by its viewBox and scales to the width of its container; its colours come
from the theme through CSS classes (`generator/site/assets/summary.css`), so it follows the light
and dark palettes, and it needs no JavaScript.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass


from generator.site import render
from generator.site.render import Markup
from generator.model import AreaSummary

WIDTH, HEIGHT = 400, 140  # the viewBox, in user units
LEFT, RIGHT, TOP, BOTTOM = 22, 18, 10, 22  # room for the count and date labels
BAR_SHARE = 0.7  # of each week's slot; the rest is the gap between bars
DATE_LABELS = 4  # about this many dates along the axis
SPARKS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class Bar:
    """One week's bar, in viewBox units."""

    x: float
    y: float
    width: float
    height: float
    start: dt.date
    end: dt.date
    count: int


@dataclass(frozen=True)
class Label:
    """A date under the axis, centred on a bar."""

    x: float
    text: str


@dataclass(frozen=True)
class BarChart:
    """Everything the SVG template needs: sizes, bars, labels and the totals it describes."""

    width: int
    height: int
    left: float
    right: float
    top: float
    baseline: float
    peak: int
    total: int
    first: dt.date | None
    last: dt.date | None
    bars: tuple[Bar, ...]
    labels: tuple[Label, ...]


def bar_chart(weekly: Sequence[tuple[dt.date, int]]) -> BarChart:
    """The geometry of a bar chart of (first day of week, count) pairs, oldest first."""
    peak = max((count for _, count in weekly), default=0)
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(weekly), 1)
    bars = tuple(
        _bar(i, start, count, slot, plot_height, max(peak, 1))
        for i, (start, count) in enumerate(weekly)
    )
    return BarChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        baseline=HEIGHT - BOTTOM,
        peak=peak,
        total=sum(count for _, count in weekly),
        first=weekly[0][0] if weekly else None,
        last=weekly[-1][0] + dt.timedelta(days=6) if weekly else None,
        bars=bars,
        labels=_labels(bars),
    )


def _bar(index: int, start: dt.date, count: int, slot: float, plot: float, scale: int) -> Bar:
    height = round(plot * count / scale, 2)
    return Bar(
        x=round(LEFT + index * slot + slot * (1 - BAR_SHARE) / 2, 2),
        y=round(HEIGHT - BOTTOM - height, 2),
        width=round(slot * BAR_SHARE, 2),
        height=height,
        start=start,
        end=start + dt.timedelta(days=6),
        count=count,
    )


def _labels(bars: Sequence[Bar]) -> tuple[Label, ...]:
    """A date under every few bars, counted back from the newest so today's week has one."""
    step = max(1, math.ceil(len(bars) / DATE_LABELS))
    picked = [bar for i, bar in enumerate(bars) if (len(bars) - 1 - i) % step == 0]
    return tuple(Label(round(b.x + b.width / 2, 2), f"{b.start.day} {b.start:%b}") for b in picked)


def chart_svg(summary: AreaSummary, overrides: str | None = None) -> Markup:
    """An area's notes-per-week chart as inline SVG, ready to place in its page."""
    chart = bar_chart(summary.weekly)
    svg = render.render("chart.svg.j2", overrides, chart=chart, area=summary.area)
    return render.trusted(svg.strip())


def sparkline(weekly: Sequence[tuple[dt.date, int]]) -> str:
    """The weekly counts as a line of block characters, for a terminal."""
    peak = max((count for _, count in weekly), default=0)
    top = len(SPARKS) - 1
    return "".join(SPARKS[math.ceil(top * count / peak) if peak else 0] for _, count in weekly)


def text_chart(summary: AreaSummary, overrides: str | None = None) -> Markup:
    """An area's notes-per-week chart as one line of text, for `insights summary`."""
    chart = bar_chart(summary.weekly)
    text = render.render("chart.txt.j2", overrides, chart=chart, spark=sparkline(summary.weekly))
    return render.trusted(text.strip())
