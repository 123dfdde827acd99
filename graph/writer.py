"""Writes a validated load plan into Neo4j in ONE transaction: all of it lands, or none of it.

Nodes first (sources, items, actors), relationships after (item links, actor links, flows), in
batches with `UNWIND $rows`. Every id a record refers to must exist in the plan or already in
the graph, and every record must name sources that exist: otherwise nothing is written.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from neo4j import ManagedTransaction

from graph.db import Database
from graph.errors import EdflowsError
from graph.identifiers import ACTOR_LINK_TYPES, ITEM_LINK_TYPES, check_label, check_rel_type
from graph.model import ActorRecord, FlowRecord, ItemRecord, SourceRecord, first_day, last_day
from graph.queries import query

if TYPE_CHECKING:
    from loaders.common import LoadPlan, LoadReport

BATCH = 5000
Progress = Callable[[str, int, int], None]


class MissingReferences(EdflowsError):
    """Records refer to ids that are neither in the input nor in the graph."""


def write_plan(
    db: Database, plan: LoadPlan, report: LoadReport, progress: Progress | None = None
) -> None:
    """Write `plan` atomically and fill in `report`'s written counts."""
    db.apply_schema()
    progress = progress or _no_progress
    item_links = [link for link in plan.links if link[0] in ITEM_LINK_TYPES]
    actor_links = [link for link in plan.links if link[0] in ACTOR_LINK_TYPES]
    unknown = {link[0] for link in plan.links} - ITEM_LINK_TYPES - ACTOR_LINK_TYPES
    if unknown:
        raise ValueError(f"unknown link types {sorted(unknown)}")

    def work(tx: ManagedTransaction) -> None:
        _check_references(tx, plan)
        _batched(tx, "merge_sources", [_source_row(s) for s in plan.sources], "sources", progress)
        _batched(tx, "merge_items", [_item_row(i) for i in plan.items], "items", progress)
        _batched(tx, "merge_actors", [_actor_row(a) for a in plan.actors], "actors", progress)
        stubs = [_actor_row(a) for a in plan.stubs]
        _batched(tx, "merge_actor_stubs", stubs, "referenced actors", progress)
        _links(tx, "merge_item_links", item_links, ITEM_LINK_TYPES, "item links", progress)
        _links(tx, "merge_actor_links", actor_links, ACTOR_LINK_TYPES, "links", progress)
        rows = [_flow_row(f, plan.origin) for f in plan.flows]
        _batched(tx, "merge_flows", rows, "flows", progress)
        if plan.replace_flows:
            result = tx.run(
                query("delete_stale_flows"),
                origin=plan.origin,
                keep=[f.id for f in plan.flows],
            ).single()
            report.removed_flows = int(result["removed"]) if result else 0
        for name, params in plan.extra_writes:
            tx.run(query(name), params).consume()
        tx.run(
            query("record_load"),
            id=f"{plan.origin}#{plan.fingerprint}",
            props={"origin": plan.origin, "fingerprint": plan.fingerprint, "path": report.path},
        ).consume()

    db.write_tx(work)
    report.written.update(
        {
            "sources": len({s.id for s in plan.sources}),
            "actors": len({a.id for a in plan.actors}),
            "data items": len({i.id for i in plan.items}),
            "flows": len({f.id for f in plan.flows}),
            "links": len(set(plan.links)),
        }
    )
    for key in [k for k, v in report.written.items() if v == 0]:
        del report.written[key]
    if plan.report_kinds is not None:
        for key in [k for k in report.written if k not in plan.report_kinds]:
            del report.written[key]


def console_progress(stage: str, done: int, total: int) -> None:
    """A one-line progress display on stderr, for loads of more than one batch."""
    if total <= BATCH:
        return
    end = "\n" if done >= total else ""
    print(f"\r  writing {stage}: {done}/{total}", end=end, file=sys.stderr, flush=True)


# -- helpers ----------------------------------------------------------------------------------


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def _batched(
    tx: ManagedTransaction, name: str, rows: list[dict[str, Any]], stage: str, progress: Progress
) -> None:
    text = query(name)
    for start in range(0, len(rows), BATCH):
        tx.run(text, rows=rows[start : start + BATCH]).consume()
        progress(stage, min(start + BATCH, len(rows)), len(rows))


def _links(
    tx: ManagedTransaction,
    name: str,
    links: list[tuple[str, str, str]],
    allowed: frozenset[str],
    stage: str,
    progress: Progress,
) -> None:
    """Write links one type at a time; the type enters the query text only from `allowed`."""
    for rel_type in sorted({t for t, _, _ in links}):
        text = query(name).replace("REL_TYPE", check_rel_type(rel_type, allowed))
        rows = [{"from": a, "to": b} for t, a, b in links if t == rel_type]
        for start in range(0, len(rows), BATCH):
            tx.run(text, rows=rows[start : start + BATCH]).consume()
            progress(f"{stage} ({rel_type})", min(start + BATCH, len(rows)), len(rows))


def _check_references(tx: ManagedTransaction, plan: LoadPlan) -> None:
    in_plan_actors = {a.id for a in plan.actors} | {a.id for a in plan.stubs}
    wanted_actors = {f.source_actor for f in plan.flows} | {f.target_actor for f in plan.flows}
    wanted_actors |= {end for t, a, b in plan.links if t in ACTOR_LINK_TYPES for end in (a, b)}
    _missing(tx, "missing_actors", wanted_actors - in_plan_actors, "actor")

    in_plan_sources = {s.id for s in plan.sources}
    wanted_sources: set[str] = set()
    for actor in [*plan.actors, *plan.stubs]:
        wanted_sources.update(actor.source_ids)
    for item in plan.items:
        wanted_sources.update(item.source_ids)
    for flow in plan.flows:
        wanted_sources.update(flow.source_ids)
    _missing(tx, "missing_sources", wanted_sources - in_plan_sources, "source")

    in_plan_items = {i.id for i in plan.items}
    wanted_items = {item for f in plan.flows for item in f.items}
    wanted_items |= {i for f in plan.flows for c in f.claims for i in c.items}
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


def _flow_row(flow: FlowRecord, origin: str) -> dict[str, Any]:
    props = flow.model_dump(
        mode="json", exclude={"claims", "props", "source_actor", "target_actor"}
    )
    props.update(flow.props)
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
    }
