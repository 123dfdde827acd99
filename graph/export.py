"""Exports of the whole graph or a subgraph (JSON, GraphML, CSV, neo4j-admin; full or slim) and
the restore of a full JSON export.

A JSON export holds every node with its labels and properties and every relationship with the
key label and id of its ends: enough to rebuild the graph exactly. Values keep their types:
strings, numbers, booleans and lists are JSON as they are; Neo4j temporal values are written as
`{"$type": "date", "value": "2013-02-01"}` (date, datetime, localdatetime, time, localtime,
duration) and read back as the same type. Sources are nodes, so they come with the graph; a
subgraph brings the sources and data items it refers to. The files (JSON, GraphML, CSV) are
written by `web.documents.exports`, those for Neo4j's import tool by
`web.documents.neo4j_admin`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from neo4j import ManagedTransaction
from neo4j.time import Date, DateTime, Duration, Time

from graph import audit
from graph.audit import CLI
from graph.db import Database
from graph.errors import EdflowsError
from graph.identifiers import KEY_LABELS, SHARED_LAYERS, check_labels, check_rel_type
from graph.journeys import JourneyService, check_layer, layers_for
from graph.queries import query
from graph.terms import shared_values, split, terms_id, unfold

FORMAT = "edflows-graph"
VERSION = 1
PRIVATE_LABELS = {"Token", "AuditEntry"}  # never exported, never imported
IMPORT_SUMMARY = "import: after counts the nodes and relationships restored from the export"
BATCH = 5000


def export_graph(
    db: Database, root: str | None = None, depth: int = 2, layers: list[str] | None = None
) -> dict[str, Any]:
    """The whole graph, or the subgraph `depth` flows out of `root`, as a JSON-ready dict.

    The whole graph is every layer (a backup that `import_graph` restores exactly); `layers`
    keeps only the flows of those layers (`national_layers()`: the national export, without
    any school's own layer). A subgraph follows the layers its root's answers follow."""
    ids: list[str] | None = None
    if root:
        ids, layers = _subgraph_ids(db, root, depth)
    nodes = [
        {"labels": sorted(r["labels"]), "properties": encode(r["props"])}
        for r in db.read("export_nodes", ids=ids, timeout=600)
    ]
    for node in nodes:
        if key_label(node["labels"]) is None or "id" not in node["properties"]:
            raise EdflowsError(f"a node with labels {node['labels']} has no key label and id")
    relationships = [
        {
            "type": r["type"],
            "start": [key_label(r["start_labels"]), r["start"]],
            "end": [key_label(r["end_labels"]), r["end"]],
            "properties": encode(unfold(r["props"], r["terms"])),  # each flow whole
        }
        for r in db.read("export_relationships", ids=ids, layers=layers, timeout=600)
    ]
    return {
        "format": FORMAT,
        "version": VERSION,
        "root": root,
        "depth": depth if root else None,
        "counts": {"nodes": len(nodes), "relationships": len(relationships)},
        "nodes": nodes,
        "relationships": relationships,
    }


# What a slim export (`edflows export --slim`) keeps of each node and relationship, besides its
# labels or type and its ends: ids, names, kinds, items, dates and source ids.
SLIM_NODE_FIELDS = (
    "id",
    "name",
    "title",  # a source's name
    "kind",
    "typical_items",  # a product's items
    "opened",
    "closed",
    "date_of_operation",
    "date_of_termination",
    "date",  # a source's date
    "source_ids",
)
SLIM_RELATIONSHIP_FIELDS = (
    "id",
    "kind",
    "items",
    "valid_from",
    "valid_to",
    "valid_from_day",
    "valid_to_day",
    "date",
    "source_ids",
)


def slim_export(data: dict[str, Any]) -> dict[str, Any]:
    """`data` (an `export_graph` dict) with only the SLIM_*_FIELDS of each node and
    relationship: the same nodes and relationships, far smaller. Marked `"slim": true`, and
    never restored by `import_graph` (it has lost the rest)."""

    def keep(props: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
        return {name: props[name] for name in fields if name in props}

    return {
        **data,
        "slim": True,
        "fields": {
            "nodes": list(SLIM_NODE_FIELDS),
            "relationships": list(SLIM_RELATIONSHIP_FIELDS),
        },
        "nodes": [
            {**node, "properties": keep(node["properties"], SLIM_NODE_FIELDS)}
            for node in data["nodes"]
        ],
        "relationships": [
            {**rel, "properties": keep(rel["properties"], SLIM_RELATIONSHIP_FIELDS)}
            for rel in data["relationships"]
        ],
    }


def import_graph(
    db: Database, data: dict[str, Any], replace: bool = False, keep_trail: bool = True
) -> dict[str, int]:
    """Restore a JSON export into an empty database (or, with `replace`, after emptying it:
    of its knowledge only, keeping the audit trail and tokens, unless not `keep_trail`).
    Returns the counts restored, and with `replace` the audit entries and tokens kept."""
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise EdflowsError(f"not an edflows graph export (format {FORMAT}, version {VERSION})")
    if data.get("slim"):
        raise EdflowsError(
            "a slim export cannot be restored: it holds only ids, names, kinds, items, dates "
            "and source ids; restore a full export (`edflows export --format json`)"
        )
    for node in data["nodes"]:
        labels = set(node.get("labels") or [])
        if labels & PRIVATE_LABELS or not labels & set(KEY_LABELS):
            raise EdflowsError(
                f"a node with labels {sorted(labels)} cannot be imported",
                "An export holds actors, data items, sources, loads and map versions only; "
                "tokens and the audit trail are never imported.",
            )
    node_rows = [
        {"labels": check_labels(n["labels"]), "props": decode(n["properties"])}
        for n in data["nodes"]
    ]
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    lean_terms: dict[str, dict[str, Any]] = {}
    # claims that many flows carry alike are stored once, as a load stores them (graph/terms.py)
    common = shared_values(
        r["properties"] for r in data["relationships"] if r.get("type") == "FLOW"
    )
    for r in data["relationships"]:
        start_label, end_label = r["start"][0], r["end"][0]
        if start_label not in KEY_LABELS or end_label not in KEY_LABELS:
            raise EdflowsError(f"a relationship names an unknown key label: {r['start']}")
        check_rel_type(r["type"])
        props = decode(r["properties"])
        if r["type"] == "FLOW":  # stored lean again: its terms on their node (graph/terms.py)
            props, terms = split(props, common)
            if terms:
                props["terms"] = terms_id(terms)
                lean_terms[props["terms"]] = terms
        groups[(start_label, end_label)].append(
            {"type": r["type"], "start": r["start"][1], "end": r["end"][1], "props": props}
        )
    exported_nodes = len(node_rows)
    node_rows += [{"labels": ["Terms"], "props": {"id": k, **v}} for k, v in lean_terms.items()]

    # everything is checked before the database is touched (a --replace must not wipe first)
    if db.read("count_nodes")[0]["nodes"]:
        if not replace:
            raise EdflowsError(
                "the database is not empty; import restores into an empty one",
                "Empty it with `edflows db reset --yes`, or pass --replace to do so first.",
            )
        kept = db.wipe(keep_trail=keep_trail)
    else:
        kept = {}
    db.apply_schema()

    def work(tx: ManagedTransaction) -> None:
        for start in range(0, len(node_rows), BATCH):
            tx.run(query("import_nodes"), rows=node_rows[start : start + BATCH]).consume()
        for (start_label, end_label), rows in sorted(groups.items()):
            text = (
                query("import_relationships")
                .replace("START_LABEL", start_label)
                .replace("END_LABEL", end_label)
            )
            for start in range(0, len(rows), BATCH):
                tx.run(text, rows=rows[start : start + BATCH]).consume()
        counts = {"nodes": exported_nodes, "relationships": len(data["relationships"])}
        after = {**counts, "root": data.get("root"), "replaced": replace}
        audit.record(tx, CLI, "import", "graph", None, after, summary=IMPORT_SUMMARY)

    db.write_tx(work)
    return {"nodes": exported_nodes, "relationships": len(data["relationships"]), **kept}


# -- typed values -------------------------------------------------------------------------------

_TEMPORAL: list[tuple[str, type]] = [
    ("datetime", DateTime),
    ("date", Date),
    ("time", Time),
    ("duration", Duration),
]


def encode(value: Any) -> Any:
    """A Neo4j property value as JSON, with temporal values tagged by type."""
    if isinstance(value, dict):
        return {k: encode(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, DateTime):
        kind = "datetime" if value.tzinfo is not None else "localdatetime"
        return {"$type": kind, "value": value.iso_format()}
    if isinstance(value, Time):
        kind = "time" if value.tzinfo is not None else "localtime"
        return {"$type": kind, "value": value.iso_format()}
    if isinstance(value, Date):
        return {"$type": "date", "value": value.iso_format()}
    if isinstance(value, Duration):
        return {"$type": "duration", "value": value.iso_format()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise EdflowsError(f"cannot export a value of type {type(value).__name__}")


def decode(value: Any) -> Any:
    """The inverse of `encode`: tagged values back to Neo4j temporal types."""
    if isinstance(value, dict) and set(value) == {"$type", "value"}:
        kind, text = value["$type"], value["value"]
        if kind in {"datetime", "localdatetime"}:
            return DateTime.from_iso_format(text)
        if kind == "date":
            return Date.from_iso_format(text)
        if kind in {"time", "localtime"}:
            return Time.from_iso_format(text)
        if kind == "duration":
            return Duration.from_iso_format(text)
        raise EdflowsError(f"unknown value type {kind!r} in the export")
    if isinstance(value, dict):
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def national_layers(layer: str | None = None) -> list[str]:
    """The layers of a national export: the national layer, the catalogue, and `layer` (a
    school's, `school:<urn>`) when the caller names one."""
    layers = list(SHARED_LAYERS)
    if layer is not None and layer not in layers:
        layers.append(check_layer(layer))
    return layers


# -- helpers ------------------------------------------------------------------------------------


def _subgraph_ids(db: Database, root: str, depth: int) -> tuple[list[str], list[str]]:
    if not 1 <= depth <= 6:
        raise EdflowsError("depth must be between 1 and 6")
    start = JourneyService(db).actor(root)
    layers = layers_for(start.id)
    ids = {start.id}
    ids |= {row["node"]["id"] for row in db.read("actor_memberships", id=start.id)}
    frontier = [start.id]
    for _ in range(depth):
        rows = db.read("subgraph_step", frontier=frontier, limit=1_000_000, layers=layers)
        frontier = [r["node"]["id"] for r in rows if r["node"]["id"] not in ids]
        ids.update(frontier)
        if not frontier:
            break
    refs = db.read("list_referenced_nodes", ids=sorted(ids), layers=layers)[0]["ids"]
    return sorted(ids | set(refs)), layers


def key_label(labels: list[str]) -> str | None:
    return next((k for k in KEY_LABELS if k in labels), None)
