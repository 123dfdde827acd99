"""`edflows load school-maps PATH`: many schools' data maps in one CSV, one row per system.

The columns are a school map's (see `loaders/school_map.py`) plus `urn`. Each school's rows
replace that school's map exactly as `edflows load school-map --urn URN` would (same flow ids,
same origin `school-map:<urn>`, a new map version when its rows change), but the whole file is
one transaction: a bad row anywhere refuses the file and nothing is written. This is the path
for a local authority's or a researcher's compiled inventory, and for the national benchmark.

Speed: rows with the same content (every column but `urn`) are validated and turned into flow
properties once, through the single-school code path; each school then gets a copy with its
own ids, layer, origin and evidence. A national file (26,000 schools x 20 systems) is mostly
such repeats.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.identifiers import is_urn
from graph.known_actors import KnownActors, Remembering
from graph.loadplan import LoadError, LoadPlan, LoadReport
from graph.model import SourceRecord
from graph.writer import flow_row
from loaders.catalogue import curated_catalogue
from loaders.common import Row, fingerprint, read_table, require_columns, slug
from loaders.school_map import (
    COLUMNS,
    REQUIRED,
    SchoolMap,
    add_school_map,
    check_map_rows,
    csv_row_data,
    named_actors,
    parse_row,
)

TEMPLATE_URN = "0"  # the stand-in URN the shared part of a row is built with
PER_FLOW = {"id", "layer", "origin", "urn", "claims_json", "source_ids"}


@dataclass
class _Shape:
    """What every school's copy of one row content shares."""

    system: str
    flows: list[dict[str, Any]]  # flow_row()s built for TEMPLATE_URN
    shared: list[str]  # per flow: its key in LoadPlan.flow_shared
    claim: dict[str, Any]
    source: SourceRecord
    version_json: str
    notes: list[str]


def plan_school_maps(path: Path, actors: KnownActors) -> tuple[LoadPlan, LoadReport]:
    """A plan that replaces the map of every school the file names; `actors` answers which of
    the ids it names are in the graph (one query for the whole file)."""
    header, table = read_table(path)
    require_columns(path, header, ["urn", *REQUIRED])
    columns = [c for c in COLUMNS if c in header]
    catalogue = curated_catalogue()
    plan = LoadPlan(origin=f"school-maps:{path.name}", fingerprint=fingerprint(path.read_bytes()))
    report = LoadReport("school-maps", str(path))
    report.rows_read = len(table)
    actors = Remembering(actors)  # each id asked once for the whole file
    # every id the file may name, asked at once (cells as written; a row's own parse decides)
    actors.among(
        {f"school:{r.get('urn')}" for r in table}
        | {r.get("product") for r in table}
        | {o.strip() for r in table for o in re.split(r"[;,]", r.get("onward")) if o.strip()}
    )
    shapes: dict[tuple[str, ...], _Shape] = {}
    by_urn: dict[str, list[tuple[Row, _Shape]]] = defaultdict(list)
    for row in table:
        urn = row.get("urn")
        if not is_urn(urn):
            raise LoadError(
                path,
                f"{urn!r} is not a URN.",
                line=row.line,
                column="urn",
                hint="Give the school's unique reference number (digits, or 'example').",
            )
        key = tuple(row.get(c) for c in columns)
        shape = shapes.get(key)
        if shape is None:
            shape = shapes[key] = _shape(path, row, catalogue, actors)
            shape.shared = [f"{len(shapes)}:{j}" for j in range(len(shape.flows))]
            for shared_key, flow in zip(shape.shared, shape.flows, strict=True):
                props = {k: v for k, v in flow["props"].items() if k not in PER_FLOW}
                plan.flow_shared[shared_key] = props
        by_urn[urn].append((row, shape))
    if not by_urn:
        raise LoadError(path, "the file has no rows.")
    versions = []
    notes: list[str] = []
    known_actors = actors.among(f"school:{urn}" for urn in by_urn)
    for urn, rows in by_urn.items():
        if f"school:{urn}" not in known_actors:
            raise LoadError(
                path,
                f"no school with URN {urn} in the graph.",
                line=rows[0][0].line,
                column="urn",
                hint="Load the school list first (`edflows load schools ...`).",
            )
        versions.append(_add_school(plan, path, urn, rows))
        notes += [n for _, shape in rows for n in shape.notes]
    plan.extra_writes.append(("record_map_versions", {"maps": versions}))
    report.notes.append(f"{len(by_urn)} schools' maps ({len(shapes)} distinct rows)")
    report.notes += sorted(set(notes))[:5]
    return plan, report


def _shape(path: Path, row: Row, catalogue: Any, actors: KnownActors) -> _Shape:
    """Validate one row content and build its flows with the single-school code."""
    map_row = parse_row(path, row.line, csv_row_data(row))
    school_map = SchoolMap(urn=TEMPLATE_URN, rows=[(row.line, map_row)])
    check_map_rows(path, school_map, catalogue)
    scratch = LoadPlan(origin="scratch")
    add_school_map(scratch, school_map, path, actors.among(named_actors(school_map)), actors)
    flows = [flow_row(f, f"school-map:{TEMPLATE_URN}") for f in scratch.flows]
    claim = json.loads(flows[0]["props"]["claims_json"])[0]
    return _Shape(
        system=map_row.system,
        flows=flows,
        shared=[],
        claim=claim,
        source=scratch.sources[0],
        version_json=json.dumps(map_row.model_dump(exclude_none=True), sort_keys=True),
        notes=school_map.notes,
    )


def _add_school(plan: LoadPlan, path: Path, urn: str, rows: list[tuple[Row, _Shape]]) -> Any:
    """Add one school's copies of its rows' flows and sources; return its map version row."""
    seen: dict[str, int] = {}
    sources: dict[str, SourceRecord] = {}
    template_school = f"school:{TEMPLATE_URN}"
    for row, shape in rows:
        system = slug(shape.system)
        if system in seen:
            raise LoadError(
                path,
                f"school {urn} has two rows for the system {shape.system!r} "
                f"(the other is line {seen[system]}).",
                line=row.line,
                column="system",
                hint="Give each system its own name within a school.",
            )
        seen[system] = row.line
        source_id = shape.source.id.replace(f"school-{TEMPLATE_URN}-", f"school-{urn}-", 1)
        if source_id not in sources:
            sources[source_id] = shape.source.model_copy(
                update={
                    "id": source_id,
                    "note": (shape.source.note or "").replace(f"URN {TEMPLATE_URN}", f"URN {urn}"),
                }
            )
        claim = dict(shape.claim, source=source_id, locator=f"{path.name} line {row.line}")
        if isinstance(claim.get("id"), str):  # a claim's id names its school, as its source does
            claim["id"] = claim["id"].replace(f"school-{TEMPLATE_URN}-", f"school-{urn}-", 1)
        claims_json = json.dumps([claim], sort_keys=True, ensure_ascii=False)
        for template, shared_key in zip(shape.flows, shape.shared, strict=True):
            flow_id = template["id"].replace(
                f"flow:school-{TEMPLATE_URN}:", f"flow:school-{urn}:", 1
            )
            props = {
                "id": flow_id,
                "layer": f"school:{urn}",
                "origin": f"school-map:{urn}",
                "urn": urn,
                "claims_json": claims_json,
                "source_ids": [source_id],
            }
            source_actor = template["source_actor"]
            if source_actor == template_school:
                source_actor = f"school:{urn}"
            plan.flow_rows.append(
                {
                    "id": flow_id,
                    "source_actor": source_actor,
                    "target_actor": template["target_actor"],
                    "props": props,
                    "shared": shared_key,
                }
            )
    plan.sources += list(sources.values())
    rows_json = "[" + ", ".join(shape.version_json for _, shape in rows) + "]"
    digest = fingerprint(rows_json.encode())
    return {
        "id": f"school-map:{urn}:{digest}",
        "urn": urn,
        "digest": digest,
        "path": str(path),
        "rows_json": rows_json,
    }
