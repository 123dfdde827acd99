"""`edflows load aggregates PATH`: the figures the sources state (`npd-releases/aggregates.csv`).

Each row (what is counted, the value as written, the period, the source's address, a verbatim
quote) becomes a FIGURE CLAIM on the flow it is about, or on a dataset for counts about the
register as a whole; `loaders/curated/figures.yaml` says which, gives each claim its id and says
which claims a later source corrects. A corrected claim stays, marked superseded, beside its
correction. The figures are kept on the flow apart from its other claims (`figure_claims_json`,
`figures_json`), so loading the base map or a register again leaves them in place; loading this
file again replaces them.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pydantic import Field, ValidationError

from graph.model import Claim, ClaimError, Figure, Record, SourceRecord, check_claims, figures_of
from loaders.base_map import curated_path, read_base
from loaders.common import LoadError, LoadPlan, LoadReport, fingerprint, read_table, require_columns
from loaders.releases import KIND_BY_HOST
from loaders.yamlfile import build, line_of, read_yaml

COLUMNS = ["what", "count", "period", "source_url", "quote"]
_PART = re.compile(r"^(?P<value>(?:~|up to )?[\d][\d,.]*\+?(?: million)?)(?: (?P<label>.+))?$")


class FigureTarget(Record):
    """Where one aggregates row belongs (figures.yaml)."""

    what: str
    period: str | None = None
    flow: str | None = Field(default=None, pattern=r"^flow:\S+$")
    actor: str | None = None
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@-]*$")
    corrects: list[str] = Field(default_factory=list)


def plan_aggregates(
    path: Path, flow_ids: set[str], mapping_path: Path | None = None
) -> tuple[LoadPlan, LoadReport]:
    """The figure claims of every row, by flow (which must be in the graph) and by dataset."""
    mapping_path = mapping_path or curated_path("figures.yaml")
    default_actor, targets, target_lines = _read_mapping(mapping_path)
    header, rows = read_table(path)
    require_columns(path, header, COLUMNS)
    base = read_base()
    by_url = {s.url: s for s in base.sources if s.url}
    plan = LoadPlan(origin=f"aggregates:{path.name}", replace_flows=False)
    plan.fingerprint = fingerprint(path.read_bytes(), mapping_path.read_bytes())
    report = LoadReport("aggregates", str(path))
    sources: dict[str, SourceRecord] = {}
    on_flows: dict[str, list[Claim]] = defaultdict(list)
    on_actors: dict[str, list[Claim]] = defaultdict(list)
    lines: dict[tuple[str, str], int] = {}
    for row in rows:
        report.rows_read += 1
        what, count, period = row.get("what"), row.get("count"), row.get("period")
        url, quote = row.get("source_url"), row.get("quote")
        for column, value in (("what", what), ("count", count)):
            if not value:
                raise LoadError(path, f"no {column}.", line=row.line, column=column)
        if not period:
            raise LoadError(
                path,
                f"the figure {what!r} has no period.",
                line=row.line,
                column="period",
                hint="Give the period the count covers (e.g. 2015-07 to 2016-09).",
            )
        if not url:
            raise LoadError(
                path,
                f"the figure {what!r} has no source.",
                line=row.line,
                column="source_url",
                hint="Give the address of the document that states it.",
            )
        source = by_url.get(url) or _source(path, row.line, url)
        if url not in by_url:
            sources.setdefault(source.id, source)
        target = targets.get((what, period)) or targets.get((what, None))
        try:
            claim = Claim(
                id=target.id if target else f"row-{row.line}",
                source=source.id,
                locator=f"{path.name} line {row.line}",
                quote=quote or None,
                figures=_figures(what, count, period),
                corrects=target.corrects if target else [],
                register_row=f"{path.name} line {row.line}",
            )
        except ValidationError as exc:
            err = exc.errors()[0]
            raise LoadError(path, f"bad figure: {err['msg']}.", line=row.line) from None
        if target and target.flow:
            on_flows[target.flow].append(claim)
            lines[(target.flow, target.id)] = target_lines[(what, target.period)]
        else:
            on_actors[(target.actor if target and target.actor else default_actor)].append(claim)
    missing = sorted(set(on_flows) - flow_ids)
    if missing:
        raise LoadError(
            mapping_path,
            f"figures for flow(s) not in the graph: {', '.join(missing)}.",
            hint="Load the base map (and the register) first: `edflows load base`.",
        )
    flow_rows = [_row(mapping_path, fid, claims, lines) for fid, claims in on_flows.items()]
    actor_rows = [_row(mapping_path, aid, claims, lines) for aid, claims in on_actors.items()]
    plan.sources = list(sources.values())
    plan.extra_writes = [
        ("clear_flow_figures", {"ids": [r["id"] for r in flow_rows]}),
        ("set_flow_figures", {"rows": flow_rows}),
        ("set_actor_figures", {"rows": actor_rows}),
    ]
    figures = sum(len(c.figures) for cs in [*on_flows.values(), *on_actors.values()] for c in cs)
    report.written["figures"] = figures
    report.notes.append(
        f"{figures} figure(s) from {report.rows_read} row(s): on {len(on_flows)} flow(s) and "
        f"{len(on_actors)} dataset(s); "
        f"{sum(len(c.corrects) for cs in on_flows.values() for c in cs)} claim(s) superseded"
    )
    return plan, report


def _read_mapping(
    path: Path,
) -> tuple[str, dict[tuple[str, str | None], FigureTarget], dict[tuple[str, str | None], int]]:
    raw = read_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("figures"), list):
        raise LoadError(path, "expected `default_actor:` and a `figures:` list.")
    targets: dict[tuple[str, str | None], FigureTarget] = {}
    lines: dict[tuple[str, str | None], int] = {}
    for entry in raw["figures"]:
        target = build(path, FigureTarget, entry, "figure")
        if (target.flow is None) == (target.actor is None):
            raise LoadError(
                path, f"figure {target.id!r}: give a flow or an actor.", line=line_of(entry)
            )
        targets[(target.what, target.period)] = target
        lines[(target.what, target.period)] = line_of(entry) or 0
    return str(raw.get("default_actor") or "dataset:npd"), targets, lines


def _figures(what: str, count: str, period: str) -> list[Figure]:
    """One figure per part of the value ("33 requests; 16 shared; 62 pupils" is three)."""
    parts = [p.strip() for p in count.split(";") if p.strip()]
    out = []
    for part in parts:
        match = _PART.match(part)
        label = match.group("label") if match and len(parts) > 1 else None
        value = match.group("value") if match and label else part
        number = None
        if re.fullmatch(r"\d[\d,]*", value):
            number = float(value.replace(",", ""))
        out.append(
            Figure(
                what=f"{what}: {label}" if label else what,
                value=value,
                number=number,
                period=period,
            )
        )
    return out


def _row(
    path: Path, owner: str, claims: list[Claim], lines: dict[tuple[str, str], int]
) -> dict[str, Any]:
    try:
        check_claims(claims)
    except ClaimError as exc:
        claim = claims[int(exc.loc[1])]
        raise LoadError(
            path, f"{owner}: {exc}.", line=lines.get((owner, str(claim.id))), column="corrects"
        ) from None
    superseded = {t: str(c.id) for c in claims for t in c.corrects}
    return {
        "id": owner,
        "claims_json": json.dumps(
            [c.model_dump(exclude_none=True) for c in claims], sort_keys=True, ensure_ascii=False
        ),
        "figures_json": json.dumps(
            figures_of(claims, superseded), sort_keys=True, ensure_ascii=False
        ),
    }


def _source(path: Path, line: int, url: str) -> SourceRecord:
    host = urlparse(url).netloc.removeprefix("www.")
    try:
        return SourceRecord(
            # its own id: a register's row for the same page keeps its title (sources are
            # written whole, and this file gives no title)
            id="agg-" + fingerprint(url.encode())[:12],
            title=f"page at {host or url} (cited by aggregates.csv)",
            url=url,
            kind=KIND_BY_HOST.get(host, "news"),
        )
    except ValidationError:
        raise LoadError(
            path, f"{url!r} is not a web address.", line=line, column="source_url"
        ) from None
