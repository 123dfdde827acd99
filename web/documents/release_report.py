"""The release-chain report as HTML (inline SVG charts, no plotting library, no outside
assets) or Markdown, from the `ReleaseReport` that `graph.release_report` builds. Every chart
comes with its numbers as a table (the chart for the eye, the table for screen readers, copying
and checking): releases by year, tier, recipient type and outcome, and each arrangement's dated
timeline with the sources of each step."""

from __future__ import annotations

import html
from typing import Any

from graph.release_report import ReleaseReport, ReportFigure, Timeline
from graph.results import SourceRef
from web.documents.words import count


def bar_chart(title: str, counts: dict[str, int], width: int = 560) -> str:
    """A horizontal bar chart as an inline SVG element (accessible: a title and a table)."""
    bar_h, gap, label_w = 18, 6, 170
    top = 28
    height = top + len(counts) * (bar_h + gap) + 10
    most = max(counts.values(), default=1) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" '
        f'font-size="12"><title>{html.escape(title)}</title>',
        f'<text x="0" y="16" font-weight="bold">{html.escape(title)}</text>',
    ]
    for n, (label, value) in enumerate(counts.items()):
        y = top + n * (bar_h + gap)
        w = round((width - label_w - 50) * value / most)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">'
            f"{html.escape(str(label).replace('_', ' '))}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="#3b6ea5"/>'
            f'<text x="{label_w + w + 4}" y="{y + 13}">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def year_of(date: str) -> float:
    """A partial date (YYYY, YYYY-MM or YYYY-MM-DD) as a fractional year, for placing it."""
    parts = [int(p) for p in date.split("-")[:3]]
    year, month, day = [*parts, 1, 1][:3]
    return year + (month - 1) / 12 + (day - 1) / 365


def timeline_chart(timeline: Timeline, width: int = 560) -> str:
    """One arrangement's dated steps on a time axis, one row each (inline SVG, with a title;
    `timeline_table` gives the same steps as a table). Undated steps are only in the table."""
    dated = [e for e in timeline.events if e.date]
    title = f"{timeline.from_name} to {timeline.to_name}: timeline"
    row_h, top, left, right = 22, 40, 10, 250
    height = top + max(len(dated), 1) * row_h + 10
    first = min((year_of(str(e.date)) for e in dated), default=0.0)
    last = max((year_of(str(e.date)) for e in dated), default=first + 1)
    start, end = int(first), int(last) + 1
    span = (width - left - right) / max(end - start, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" '
        f'font-size="12"><title>{html.escape(title)}</title>',
        f'<text x="0" y="14" font-weight="bold">{html.escape(title)}</text>',
    ]
    for year in range(start, end + 1):
        x = round(left + (year - start) * span)
        parts.append(
            f'<line x1="{x}" y1="24" x2="{x}" y2="{height - 6}" stroke="#ddd"/>'
            f'<text x="{x}" y="34" text-anchor="middle" fill="#555">{year}</text>'
        )
    for n, e in enumerate(dated):
        x = round(left + (year_of(str(e.date)) - start) * span)
        y = top + n * row_h + 10
        label = f"{e.date} {e.kind.replace('_', ' ')}"
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="5" fill="#3b6ea5"/>'
            f'<text x="{x + 9}" y="{y + 4}">{html.escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def timeline_rows(timeline: Timeline) -> list[list[str]]:
    """The timeline's steps as (date, step, what, sources) rows."""
    return [
        [
            e.date or f"undated ({e.undated_reason or 'no source dates it'})",
            e.kind.replace("_", " "),
            e.text or "",
            ", ".join(e.source_ids) or "no source",
        ]
        for e in timeline.events
    ]


def count_table(title: str, counts: dict[str, int]) -> str:
    """A chart's numbers as an HTML table."""
    e = html.escape
    rows = "".join(f"<tr><td>{e(k)}</td><td>{v}</td></tr>" for k, v in counts.items())
    return (
        f'<table><caption>{e(title)}: the numbers</caption><thead><tr><th scope="col">'
        f'{e(title.removeprefix("Releases by "))}</th><th scope="col">releases</th></tr>'
        f"</thead><tbody>{rows}</tbody></table>"
    )


TIMELINES_TITLE = "Timelines the sources give"


def report_markdown(report: ReleaseReport) -> str:
    lines = ["# NPD releases: who received pupil data, and where it went next", ""]
    lines += [f"{count(report.total, 'release and share')} in the graph.", ""]
    for title, counts in _tables(report):
        lines += [f"## {title}", "", "| | releases |", "|---|---|"]
        lines += [f"| {_md(k)} | {v} |" for k, v in counts.items()] + [""]
    lines += [
        "## Recipients of the most sensitive data (tier 1 or 2, or special category; "
        "releases refused, only requested or withdrawn left out)",
        "",
    ]
    lines += ["| recipient | type | releases | years | tiers | special category items |"]
    lines += ["|---|---|---|---|---|---|"]
    for s in report.sensitive:
        note = " (sources disagree)" if s.conflicts else ""
        lines.append(
            f"| {_md(s.name)}{note} | {s.recipient_type} | {s.releases} | "
            f"{', '.join(map(str, s.years)) or 'undated'} | "
            f"{', '.join(map(str, s.tiers)) or 'not stated'} | "
            f"{_md(', '.join(s.special_items)) or 'none listed'} |"
        )
    lines += ["", FIGURES_TITLE, ""]
    lines += ["| release | what | value | period | source |", "|---|---|---|---|---|"]
    lines += [f"| {' | '.join(_md(x) for x in _figure_cells(f))} |" for f in report.figures]
    lines += ["", f"## {TIMELINES_TITLE}", ""]
    for t in report.timelines:
        lines += [f"### {_md(t.from_name)} to {_md(t.to_name)} ({t.flow_id})", ""]
        lines += ["| date | step | what | sources |", "|---|---|---|---|"]
        lines += [f"| {' | '.join(_md(x) for x in row)} |" for row in timeline_rows(t)] + [""]
    if not report.timelines:
        lines.append("No release in the graph carries a dated timeline.")
    lines += ["", "## Chains beyond the first recipient", ""]
    for c in report.chains:
        lines.append(f"- {_md(_chain(c))}")
    if not report.chains:
        lines.append("The graph holds no flows out of a release recipient.")
    lines += ["", "## Sources", ""]
    lines += [f"- {_md(_source(s))}" for s in report.sources]
    return "\n".join(lines) + "\n"


def report_html(report: ReleaseReport) -> str:
    e = html.escape
    body = [
        "<h1>NPD releases: who received pupil data, and where it went next</h1>",
        f"<p>{count(report.total, 'release and share')} in the graph.</p>",
    ]
    for title, counts in _tables(report):
        body.append(
            f"<h2>{e(title)}</h2><figure>{bar_chart(title, counts)}</figure>"
            + count_table(title, counts)
        )
    body.append(
        "<h2>Recipients of the most sensitive data (tier 1 or 2, or special category; releases "
        "refused, only requested or withdrawn left out)</h2>"
    )
    rows = "".join(
        f"<tr><td>{e(s.name)}{' (sources disagree)' if s.conflicts else ''}</td>"
        f"<td>{e(s.recipient_type)}</td><td>{s.releases}</td>"
        f"<td>{e(', '.join(map(str, s.years)) or 'undated')}</td>"
        f"<td>{e(', '.join(map(str, s.tiers)) or 'not stated')}</td>"
        f"<td>{e(', '.join(s.special_items) or 'none listed')}</td></tr>"
        for s in report.sensitive
    )
    body.append(
        "<table><tr><th>recipient</th><th>type</th><th>releases</th><th>years</th>"
        f"<th>tiers</th><th>special category items</th></tr>{rows}</table>"
    )
    cells = "".join(
        "<tr>" + "".join(f"<td>{e(x)}</td>" for x in _figure_cells(f)) + "</tr>"
        for f in report.figures
    )
    body.append(
        f"<h2>{e(FIGURES_TITLE.removeprefix('## '))}</h2><table><tr><th>release</th>"
        f"<th>what</th><th>value</th><th>period</th><th>source</th></tr>{cells}</table>"
    )
    body.append(f"<h2>{e(TIMELINES_TITLE)}</h2>")
    for t in report.timelines:
        steps = "".join(
            "<tr>" + "".join(f"<td>{e(x)}</td>" for x in row) + "</tr>" for row in timeline_rows(t)
        )
        body.append(
            f"<h3>{e(t.from_name)} to {e(t.to_name)} <small>({e(t.flow_id)})</small></h3>"
            f"<figure>{timeline_chart(t)}</figure><table><thead><tr><th>date</th><th>step</th>"
            f"<th>what</th><th>sources</th></tr></thead><tbody>{steps}</tbody></table>"
        )
    if not report.timelines:
        body.append("<p>No release in the graph carries a dated timeline.</p>")
    body.append("<h2>Chains beyond the first recipient</h2>")
    chains = "".join(f"<li>{e(_chain(c))}</li>" for c in report.chains)
    body.append(f"<ul>{chains}</ul>" if chains else "<p>The graph holds no such flows.</p>")
    body.append("<h2>Sources</h2><ul>")
    for s in report.sources:
        link = f' <a href="{e(s.url)}">{e(s.url)}</a>' if s.url else ""
        body.append(f"<li>{e(_source(s, url=False))}{link}</li>")
    body.append("</ul>")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>NPD release chains</title><style>body{font-family:system-ui,sans-serif;"
        "max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.2rem .4rem;text-align:left}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


FIGURES_TITLE = "## Figures the sources state (a corrected figure is shown beside its correction)"


def _figure_cells(f: ReportFigure) -> list[str]:
    g = f.figure
    value = g.value + (f" (superseded by {g.superseded_by})" if g.superseded_by else "")
    return [f.recipient or "all releases", g.what, value, g.period, g.source]


def _tables(report: ReleaseReport) -> list[tuple[str, dict[str, int]]]:
    """The counts to chart, keyed by words people read ("local authority", not the id)."""
    return [
        (title, {key.replace("_", " "): n for key, n in counts.items()})
        for title, counts in (
            ("Releases by year", report.by_year),
            ("Releases by tier", report.by_tier),
            ("Releases by recipient type", report.by_recipient_type),
            ("Releases by outcome", report.by_outcome),
        )
    ]


def _chain(c: dict[str, Any]) -> str:
    what = ", ".join(c.get("item_names") or c["items"] or []) or "items not stated"
    kind = (c["kind"] or "flow").replace("_", " ")
    text = f"{c['from_name'] or c['from_id']} -> {c['to_name'] or c['to_id']} ({kind}; {what})"
    if c.get("purpose"):
        text += f": {c['purpose']}"
    if c.get("conflicts"):
        text += f" [sources disagree: {', '.join(c['conflicts'])}]"
    return text


def _source(s: SourceRef, url: bool = True) -> str:
    parts = [s.title or s.id, *[x for x in (s.publisher, s.date) if x]]
    text = ", ".join(parts)
    return f"{text}. {s.url}" if url and s.url else text


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
