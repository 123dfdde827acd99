"""The release explorer: NPD releases as a filterable table and a chart by year and tier,
drawn as inline SVG (bars stacked by tier), with the same counts as a table for screen readers;
search words ("tier 1", "identifying", "telegraph 2013") read as filters; and each row's links
(the flow's own record, the routes from the sending dataset to the recipient as of the
release's date, which draw every flow between them, and that dataset's journey).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from graph.explore import Release, ReleasePage
from web import style
from web.documents.words import count
from web.render import query

CHART_WIDTH = 760
CHART_HEIGHT = 240
_MARGIN_LEFT, _MARGIN_BOTTOM, _MARGIN_TOP = 40, 30, 10
TIERS = list(style.TIER_COLOURS)
# words that name a tier: DfE's own names for tiers 1 and 2 (DOMAIN.md, slide 24)
TIER_WORDS = {"identifying": "1", "highly": "1", "identifiable": "2"}
DEFAULT_ITEM = "pupil.contact.postcode"  # covered by tier 1: a release listing no items


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
    tiers = [t.removeprefix("tier ") for t in everything.by_tier if t[-1].isdigit()]
    if "tier not stated" in everything.by_tier:
        tiers.append("none")
    choices = {
        "recipient_type": sorted(everything.by_recipient_type),
        "tier": tiers,
        "year": sorted(years, reverse=True),
        "outcome": sorted(everything.by_outcome),
    }
    return ReleasesView(page=page, choices=choices, chart=chart(page.releases))


@dataclass
class ReleaseWords:
    """What a search text asks of the releases: a tier, a year, and words of a name."""

    tier: str = ""
    year: str = ""
    names: list[str] = field(default_factory=list)


def release_words(text: str) -> ReleaseWords:
    """ "tier 1" or "t1" or "identifying" -> tier 1; "2013" -> the year; the rest must all
    appear in the recipient's name, type, dataset or purpose."""
    out = ReleaseWords()
    words = [w for w in re.split(r"[^\w]+", text.lower()) if w]
    i = 0
    while i < len(words):
        word = words[i]
        if word == "tier" and i + 1 < len(words) and words[i + 1] in {"1", "2", "3", "4"}:
            out.tier, i = words[i + 1], i + 2
            continue
        if re.fullmatch(r"t[1-4]", word):
            out.tier = word[1]
        elif word in TIER_WORDS:
            out.tier = out.tier or TIER_WORDS[word]
        elif re.fullmatch(r"(19|20)\d\d", word):
            out.year = word
        elif word not in {"tier", "and", "data", "the", "of", "to", "in", "sensitive"}:
            out.names.append(word)
        i += 1
    return out


def narrow(page: ReleasePage, tier_not_stated: bool, names: list[str]) -> ReleasePage:
    """Keep the releases with no tier stated (when asked) whose text holds every name word."""
    if not tier_not_stated and not names:
        return page

    def keep(r: Release) -> bool:
        if tier_not_stated and r.tier is not None:
            return False
        text = " ".join(
            x or "" for x in (r.recipient, r.recipient_id, r.recipient_type, r.dataset, r.purpose)
        ).lower()
        return all(w in text for w in names)

    kept = [r for r in page.releases if keep(r)]
    return page.model_copy(update={"releases": kept, "total": len(kept)})


def release_links(r: Release) -> dict[str, str]:
    """The flow's own record; the routes from the sending dataset to the recipient as of the
    release's date (every flow between them, this one included); a journey that reaches the
    recipient through this flow (the page finds its start when it is opened)."""
    item = r.items[0] if r.items else DEFAULT_ITEM
    as_of = r.date if r.date and len(r.date) == 10 else ""
    common = {"item": item, "as_of": as_of}
    return {
        "record": "/record/" + quote(r.id, safe=""),
        "routes": "/routes?" + query(**{"from": r.dataset_id, "to": r.recipient_id}, **common),
        "journey": "/releases/journey/" + quote(r.id, safe=""),
    }


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
                    "title": f"{year}, {tier}: {count(n, 'release')}",
                }
            )
        if len(years) <= 25 or i % 2 == 0:
            labels.append({"x": round(x + bar_w / 2, 1), "text": year})
        table.append({"year": year, "total": totals[year], **{t: counts[(year, t)] for t in TIERS}})
    ticks = [
        {"y": round(_MARGIN_TOP + plot_h - plot_h * v / peak, 1), "value": v}
        for v in sorted({0, peak // 2, peak})
    ]
    present = {t for _, t in counts}
    legend = [{"label": t, "colour": c} for t, c in style.TIER_COLOURS.items() if t in present]
    return Chart(CHART_WIDTH, CHART_HEIGHT, bars, labels, ticks, table, legend)
