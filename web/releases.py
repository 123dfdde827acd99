"""The release explorer: NPD releases as a filterable table and a chart by year and tier,
drawn as inline SVG (bars stacked by tier), with the same counts as a table for screen readers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from graph.explore import Release, ReleasePage
from web import style

CHART_WIDTH = 760
CHART_HEIGHT = 240
_MARGIN_LEFT, _MARGIN_BOTTOM, _MARGIN_TOP = 40, 30, 10
TIERS = list(style.TIER_COLOURS)


@dataclass
class Chart:
    """Stacked bars (year x tier) ready for the SVG template."""

    width: int
    height: int
    bars: list[dict[str, Any]]
    labels: list[dict[str, Any]]
    ticks: list[dict[str, Any]]
    table: list[dict[str, Any]]
    legend: list[dict[str, str]]


@dataclass
class ReleasesView:
    """The filtered page, the choices for each filter, and the chart."""

    page: ReleasePage
    choices: dict[str, list[str]]
    chart: Chart


def build_releases(page: ReleasePage, everything: ReleasePage) -> ReleasesView:
    """`page`: the releases matching the filters; `everything`: the unfiltered counts."""
    years = [y for y in everything.by_year if y != "undated"]
    choices = {
        "recipient_type": sorted(everything.by_recipient_type),
        "tier": [t.removeprefix("tier ") for t in everything.by_tier if t[-1].isdigit()],
        "year": sorted(years, reverse=True),
        "outcome": sorted(everything.by_outcome),
    }
    return ReleasesView(page=page, choices=choices, chart=chart(page.releases))


def chart(releases: list[Release]) -> Chart:
    """Bars per year, stacked by NPD tier; undated releases get their own bar at the end."""
    counts: Counter[tuple[str, str]] = Counter(
        (str(r.year) if r.year else "undated", f"tier {r.tier}" if r.tier else "tier not stated")
        for r in releases
    )
    years = sorted({y for y, _ in counts}, key=lambda y: (y == "undated", y))
    totals = {y: sum(counts[(y, t)] for t in TIERS) for y in years}
    peak = max(totals.values(), default=1)
    plot_w = CHART_WIDTH - _MARGIN_LEFT - 10
    plot_h = CHART_HEIGHT - _MARGIN_BOTTOM - _MARGIN_TOP
    step = plot_w / max(1, len(years))
    bar_w = max(4.0, step * 0.7)
    bars, labels, table = [], [], []
    for i, year in enumerate(years):
        x = _MARGIN_LEFT + i * step + (step - bar_w) / 2
        y = float(_MARGIN_TOP + plot_h)
        for tier in TIERS:
            n = counts[(year, tier)]
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            bars.append(
                {
                    "x": round(x, 1),
                    "y": round(y, 1),
                    "w": round(bar_w, 1),
                    "h": round(h, 1),
                    "colour": style.TIER_COLOURS[tier],
                    "title": f"{year}, {tier}: {n} release(s)",
                }
            )
        if len(years) <= 25 or i % 2 == 0:
            labels.append({"x": round(x + bar_w / 2, 1), "text": year})
        table.append({"year": year, "total": totals[year], **{t: counts[(year, t)] for t in TIERS}})
    ticks = [
        {"y": round(_MARGIN_TOP + plot_h - plot_h * v / peak, 1), "value": v}
        for v in sorted({0, peak // 2, peak})
    ]
    legend = [{"label": t, "colour": c} for t, c in style.TIER_COLOURS.items()]
    return Chart(CHART_WIDTH, CHART_HEIGHT, bars, labels, ticks, table, legend)
