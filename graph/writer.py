"""Writes a validated load plan into Neo4j in ONE transaction: all of it lands, or none of it.

Nodes first (sources, items, actors), relationships after (item links, actor links, flows), in
batches with `UNWIND $rows`. Every id a record refers to must exist in the plan or already in
the graph, and every record must name sources that exist: otherwise nothing is written.

Each load also writes ONE audit entry, in the same transaction (one extra write per load, not
per row): who loaded what (the loader, or the token of an API upload), a summary of before and
after (flows of this input before; records written, nodes and relationships created, flows
removed, read from the counters Neo4j already returns) and the file with its checksum. A school
map is small, so its entry carries the map's rows before and after in full.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from neo4j import ManagedTransaction, ResultSummary

from graph import audit
from graph.audit import Actor
from graph.db import Database
from graph.identifiers import ACTOR_LINK_TYPES, ITEM_LINK_TYPES, check_label, check_rel_type
from graph.loadplan import LoadPlan, LoadReport, MissingReferences
from graph.model import (
    ActorRecord,
    FlowRecord,
    ItemRecord,
    SourceRecord,
    disputes_of,
    first_day,
    last_day,
)
from graph.queries import query
from graph.terms import content_key, shared_values, split, terms_id

BATCH = 5000
Progress = Callable[[str, int, int], None]


class Counters:
    """Nodes and relationships created and deleted by a load (from Neo4j's own counters)."""

    def __init__(self) -> None:
        self.nodes_created = 0
        self.relationships_created = 0
        self.relationships_deleted = 0

    def add(self, summary: ResultSummary) -> None:
        self.nodes_created += summary.counters.nodes_created
        self.relationships_created += summary.counters.relationships_created
        self.relationships_deleted += summary.counters.relationships_deleted


def write_plan(
    db: Database,
    plan: LoadPlan,
    report: LoadReport,
    progress: Progress | None = None,
    actor: Actor | None = None,
    action: str = "load",
) -> str:
    """Write `plan` atomically, with its audit entry, and fill in `report`'s written counts.

    `actor` is who loads (default `loader:<name>`); returns the audit entry's id."""
    db.apply_schema()
    progress = progress or _no_progress
    actor = actor or Actor.loader(report.loader)
    item_links = [link for link in plan.links if link[0] in ITEM_LINK_TYPES]
    actor_links = [link for link in plan.links if link[0] in ACTOR_LINK_TYPES]
    unknown = {link[0] for link in plan.links} - ITEM_LINK_TYPES - ACTOR_LINK_TYPES
    if unknown:
        raise ValueError(f"unknown link types {sorted(unknown)}")

    written = {
        "sources": len({s.id for s in plan.sources}),
        "actors": len({a.id for a in plan.actors}),
        "data items": len({i.id for i in plan.items}),
        "flows": len({f.id for f in plan.flows} | {r["id"] for r in plan.flow_rows}),
        "links": len(set(plan.links)),
    }
    load_id = f"{plan.origin}#{plan.fingerprint}"

    def work(tx: ManagedTransaction) -> str:
        counters, flow_counters = Counters(), Counters()
        check_references(tx, plan)
        before = _before(tx, plan)
        sources = [_source_row(s) for s in plan.sources]
        _batched(tx, "merge_sources", sources, "sources", progress, counters)
        _batched(tx, "merge_items", [_item_row(i) for i in plan.items], "items", progress, counters)
        _batched(
            tx, "merge_actors", [_actor_row(a) for a in plan.actors], "actors", progress, counters
        )
        stubs = [_actor_row(a) for a in plan.stubs]
        _batched(tx, "merge_actor_stubs", stubs, "referenced actors", progress, counters)
        _links(
            tx, "merge_item_links", item_links, ITEM_LINK_TYPES, "item links", progress, counters
        )
        _links(tx, "merge_actor_links", actor_links, ACTOR_LINK_TYPES, "links", progress, counters)
        rows = [flow_row(f, plan.flow_origins.get(f.id, plan.origin)) for f in plan.flows]
        flow_rows, retirements = _keep_retirements(tx, plan, rows + plan.flow_rows)
        origins = {plan.origin, *plan.flow_origins.values()}
        origins |= {r["props"]["origin"] for r in flow_rows}
        lean = lean_rows(flow_rows, plan.flow_shared)
        unchanged = write_lean(tx, lean, load_id, sorted(origins), progress, flow_counters)
        report.unchanged = unchanged == len(lean.rows) and bool(lean.rows)
        if plan.replace_flows:
            result = tx.run(
                query("delete_stale_flows"), origins=sorted(origins), load_id=load_id
            ).single()
            report.removed_flows = int(result["removed"]) if result else 0
        if plan.replace_flows or lean.terms:
            tx.run(query("delete_orphan_terms")).consume()
        for name, params in plan.extra_writes:
            tx.run(query(name), params).consume()
        tx.run(
            query("record_load"),
            id=load_id,
            props={"origin": plan.origin, "fingerprint": plan.fingerprint, "path": report.path},
        ).consume()
        after: dict[str, Any] = {
            "written": {k: v for k, v in written.items() if v},
            "created": {
                "nodes": counters.nodes_created,
                "links": counters.relationships_created,
                "flows": flow_counters.relationships_created,
            },
            "flows_updated": written["flows"] - flow_counters.relationships_created,
            "flows_removed": report.removed_flows,
            "file": report.path,
            "checksum": plan.fingerprint,
        }
        if plan.audit_rows is not None:
            after["rows"] = plan.audit_rows
        if retirements["kept_retired"] or retirements["reinstated"]:
            after.update(retirements)
        return audit.record(
            tx,
            actor,
            action,
            plan.urn or plan.origin,
            before,
            after,
            urn=plan.urn,
            load_id=load_id,
            summary=audit.MAP_SUMMARY if plan.audit_rows is not None else audit.BULK_SUMMARY,
        )

    entry_id = db.write_tx(work)
    report.written.update(written)
    for key in [k for k, v in report.written.items() if v == 0]:
        del report.written[key]
    if plan.report_kinds is not None:
        for key in [k for k in report.written if k not in plan.report_kinds]:
            del report.written[key]
    return entry_id


@dataclass
class LeanRows:
    """Flow rows with their terms taken out (graph/terms.py): `rows` carry the key of their
    terms and a hash of their content; `shared` the properties many rows have in common, less
    their terms; `terms` each distinct terms once, by key."""

    rows: list[dict[str, Any]]
    shared: dict[str, dict[str, Any]]
    terms: dict[str, dict[str, Any]] = field(default_factory=dict)


def lean_rows(rows: list[dict[str, Any]], shared: dict[str, dict[str, Any]]) -> LeanRows:
    """Take each row's terms out into one terms node per distinct content, and hash each row:
    the terms key and the row hash are pure functions of what the row writes."""
    out = LeanRows(rows=[], shared={"": {}})
    split_shared: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    keys_of: dict[str, str] = {}
    common = shared_values(row["props"] for row in rows)  # claims many flows carry alike
    for key, props in shared.items():
        own, terms = split(props)
        split_shared[key] = (own, terms)
        out.shared[key] = own
    for row in rows:
        shared_key = row.get("shared", "")
        shared_own, shared_terms = split_shared.get(shared_key, ({}, {}))
        own, terms = split(row["props"], common)
        if not terms:  # the usual bulk row: its terms are the shared ones
            if shared_key not in keys_of:
                keys_of[shared_key] = terms_id(shared_terms) if shared_terms else ""
            terms_key = keys_of[shared_key]
            all_terms = shared_terms
        else:
            all_terms = {**shared_terms, **terms}
            terms_key = terms_id(all_terms)
        if terms_key and terms_key not in out.terms:
            out.terms[terms_key] = all_terms
        if terms_key:
            own["terms"] = terms_key
        own["row_hash"] = content_key(
            {
                "from": row["source_actor"],
                "to": row["target_actor"],
                "shared": shared_own,
                "own": own,
            }
        )
        out.rows.append({**row, "props": own, "shared": shared_key})
    return out


def write_lean(
    tx: ManagedTransaction,
    lean: LeanRows,
    load_id: str,
    origins: list[str],
    progress: Progress | None = None,
    counters: Counters | None = None,
) -> int:
    """Write the terms nodes and the flows; a flow whose stored hash equals its row's is not
    written again (only its load id is brought up to date when it differs). Returns how many
    rows were already in the graph exactly as written."""
    progress = progress or _no_progress
    counters = counters or Counters()
    terms = [{"key": k, "props": v} for k, v in lean.terms.items()]
    _batched(tx, "merge_terms", terms, "terms", progress)
    stored = {
        r["id"]: (r["row_hash"], r["load_id"])
        for r in tx.run(query("flow_hashes"), origins=origins)
    }
    writes: list[dict[str, Any]] = []
    touch: list[str] = []
    unchanged = 0
    for row in lean.rows:
        known = stored.get(row["id"])
        if known is None or known[0] != row["props"]["row_hash"]:
            writes.append(row)
            continue
        unchanged += 1
        if known[1] != load_id:
            touch.append(row["id"])
    text = query("merge_flows")
    for start in range(0, len(writes), BATCH):
        batch = writes[start : start + BATCH]
        keys = {r.get("shared", "") for r in batch}
        shared = {k: lean.shared.get(k, {}) for k in keys}
        counters.add(tx.run(text, rows=batch, shared=shared, load_id=load_id).consume())
        progress("flows", min(start + BATCH, len(writes)), len(writes))
    for start in range(0, len(touch), BATCH):
        ids = touch[start : start + BATCH]
        tx.run(query("touch_flows"), ids=ids, load_id=load_id).consume()
    return unchanged


def console_progress(stage: str, done: int, total: int) -> None:
    """A one-line progress display on stderr, for loads of more than one batch."""
    if total <= BATCH:
        return
    end = "\n" if done >= total else ""
    print(f"\r  writing {stage}: {done}/{total}", end=end, file=sys.stderr, flush=True)


# -- helpers ----------------------------------------------------------------------------------


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def _before(tx: ManagedTransaction, plan: LoadPlan) -> dict[str, Any]:
    """The audit's "before": how many flows this input had (one indexed count), and for a
    school map the rows of its previous version."""
    row = tx.run(query("count_origin_flows"), origin=plan.origin).single()
    before: dict[str, Any] = {"flows_of_this_input": int(row["flows"]) if row else 0}
    if plan.urn and plan.audit_rows is not None:
        previous = tx.run(query("latest_map_rows"), urn=plan.urn).single()
        before["rows"] = json.loads(previous["rows_json"]) if previous else None
        before["map_version"] = previous["version"] if previous else None
    return before


def _keep_retirements(
    tx: ManagedTransaction, plan: LoadPlan, rows: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """Rows that write a retired flow again carry its retirement over (merge_flows replaces a
    flow's properties), unless the plan reinstates that flow on purpose. Also returns which
    flows stayed retired and which were reinstated, for the audit entry."""
    origins = sorted(
        {plan.origin, *plan.flow_origins.values()} | {r["props"]["origin"] for r in rows}
    )
    retired = {r["id"]: r["kept"] for r in tx.run(query("retired_flows_of"), origins=origins)}
    kept: list[str] = []
    reinstated: list[str] = []
    if not retired:
        return rows, {"kept_retired": kept, "reinstated": reinstated}
    out = []
    for row in rows:
        keep = retired.get(row["id"])
        if keep is None:
            out.append(row)
        elif row["id"] in plan.reinstate:
            reinstated.append(row["id"])
            out.append(row)
        else:
            kept.append(row["id"])
            props = {**row["props"], **{k: v for k, v in keep.items() if v is not None}}
            out.append({**row, "props": props})
    return out, {"kept_retired": sorted(kept), "reinstated": sorted(reinstated)}


def _batched(
    tx: ManagedTransaction,
    name: str,
    rows: list[dict[str, Any]],
    stage: str,
    progress: Progress,
    counters: Counters | None = None,
    **params: Any,
) -> None:
    text = query(name)
    for start in range(0, len(rows), BATCH):
        summary = tx.run(text, rows=rows[start : start + BATCH], **params).consume()
        if counters is not None:
            counters.add(summary)
        progress(stage, min(start + BATCH, len(rows)), len(rows))


def _links(
    tx: ManagedTransaction,
    name: str,
    links: list[tuple[str, str, str]],
    allowed: frozenset[str],
    stage: str,
    progress: Progress,
    counters: Counters,
) -> None:
    """Write links one type at a time; the type enters the query text only from `allowed`."""
    for rel_type in sorted({t for t, _, _ in links}):
        text = query(name).replace("REL_TYPE", check_rel_type(rel_type, allowed))
        rows = [{"from": a, "to": b} for t, a, b in links if t == rel_type]
        for start in range(0, len(rows), BATCH):
            counters.add(tx.run(text, rows=rows[start : start + BATCH]).consume())
            progress(f"{stage} ({rel_type})", min(start + BATCH, len(rows)), len(rows))


def check_references(tx: ManagedTransaction, plan: LoadPlan) -> None:
    in_plan_actors = {a.id for a in plan.actors} | {a.id for a in plan.stubs}
    wanted_actors = {f.source_actor for f in plan.flows} | {f.target_actor for f in plan.flows}
    wanted_actors |= {end for t, a, b in plan.links if t in ACTOR_LINK_TYPES for end in (a, b)}
    wanted_actors |= {r[end] for r in plan.flow_rows for end in ("source_actor", "target_actor")}
    _missing(tx, "missing_actors", wanted_actors - in_plan_actors, "actor")

    in_plan_sources = {s.id for s in plan.sources}
    wanted_sources: set[str] = set()
    for actor in [*plan.actors, *plan.stubs]:
        wanted_sources.update(actor.source_ids)
    for item in plan.items:
        wanted_sources.update(item.source_ids)
    for flow in plan.flows:
        wanted_sources.update(flow.source_ids)
    for row in plan.flow_rows:
        wanted_sources.update(row["props"].get("source_ids", []))
    _missing(tx, "missing_sources", wanted_sources - in_plan_sources, "source")

    in_plan_items = {i.id for i in plan.items}
    wanted_items = {item for f in plan.flows for item in f.items}
    wanted_items |= {i for f in plan.flows for c in f.claims for i in c.items}
    wanted_items |= {i for props in plan.flow_shared.values() for i in props.get("items", [])}
    wanted_items |= {end for t, a, b in plan.links if t in ITEM_LINK_TYPES for end in (a, b)}
    _missing(tx, "missing_items", wanted_items - in_plan_items, "data item")


def _missing(tx: ManagedTransaction, name: str, ids: set[str], kind: str) -> None:
    if not ids:
        return
    record = tx.run(query(name), ids=sorted(ids)).single()
    missing = record["missing"] if record else []
    if missing:
        shown = ", ".join(missing[:8]) + (" ..." if len(missing) > 8 else "")
        hint = {
            "actor": "Load the file that defines them first (e.g. `edflows load base`).",
            "source": "Every fact needs a source that is defined in the input or the graph.",
            "data item": "Load the catalogue first (`edflows load npd-catalogue`).",
        }[kind]
        raise MissingReferences(f"{len(missing)} unknown {kind} id(s): {shown}. {hint}")


def _clean(props: dict[str, Any]) -> dict[str, Any]:
    """Neo4j properties: no nulls, no empty lists, no nested maps."""
    out: dict[str, Any] = {}
    for key, value in props.items():
        if value is None or value == []:
            continue
        if isinstance(value, dict):
            value = json.dumps(value, sort_keys=True, ensure_ascii=False)
        out[key] = value
    return out


def _evidence_json(evidence: list[Any]) -> list[str]:
    return [json.dumps(e.model_dump(exclude_none=True), sort_keys=True) for e in evidence]


def _source_row(source: SourceRecord) -> dict[str, Any]:
    return {"id": source.id, "props": _clean(source.model_dump(mode="json"))}


def _item_row(item: ItemRecord) -> dict[str, Any]:
    props = item.model_dump(mode="json", exclude={"evidence"})
    props["parent"] = item.parent
    props["source_ids"] = item.source_ids
    props["evidence"] = _evidence_json(item.evidence)
    props["aliases_text"] = " ".join(item.aliases)
    return {"id": item.id, "props": _clean(props)}


def _actor_row(actor: ActorRecord) -> dict[str, Any]:
    props: dict[str, Any] = {
        "name": actor.name,
        "kind": actor.kind,
        "org_type": actor.org_type,
        "aliases": actor.aliases,
        "aliases_text": " ".join(actor.aliases),
        "layer": actor.layer,
        **actor.props,
    }
    return {
        "id": actor.id,
        "kind": check_label(actor.kind),  # becomes a label through $(row.kind)
        "props": {k: v for k, v in _clean(props).items()},
        "source_ids": actor.source_ids,
        "evidence": _evidence_json(actor.evidence),
    }


def flow_row(flow: FlowRecord, origin: str) -> dict[str, Any]:
    """The row merge_flows.cypher writes for `flow` (loaders may build copies of it: see
    LoadPlan.flow_rows)."""
    props = flow.model_dump(
        mode="json", exclude={"claims", "timeline", "props", "source_actor", "target_actor"}
    )
    props.update(flow.props)
    if flow.timeline:
        props["timeline_json"] = json.dumps(
            [e.model_dump(exclude_none=True) for e in flow.timeline], ensure_ascii=False
        )
    if flow.disputed_items:
        props["disputes_json"] = json.dumps(
            disputes_of(flow.claims, flow.disputed_items), sort_keys=True, ensure_ascii=False
        )
    own_figures = flow.figures()
    if own_figures:
        props["own_figures_json"] = json.dumps(own_figures, sort_keys=True, ensure_ascii=False)
    rows = sorted(
        {c.register_row for c in flow.claims if c.register_row}
        | set(flow.props.get("register_rows") or [])  # type: ignore[arg-type]
    )
    if rows:
        props["register_rows"] = rows
    props["origin"] = origin
    props["source_ids"] = flow.source_ids
    props["claims_json"] = json.dumps(
        [c.model_dump(exclude_none=True) for c in flow.claims], sort_keys=True, ensure_ascii=False
    )
    props["valid_from_day"] = first_day(flow.valid_from) if flow.valid_from else None
    props["valid_to_day"] = last_day(flow.valid_to) if flow.valid_to else None
    props["in_effect"] = flow.props.get("outcome") not in {"refused", "requested", "withdrawn"}
    return {
        "id": flow.id,
        "source_actor": flow.source_actor,
        "target_actor": flow.target_actor,
        "props": _clean(props),
        "shared": "",
    }
