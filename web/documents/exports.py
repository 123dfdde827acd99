"""The graph's export files: JSON (the restorable form), GraphML (for Gephi) and CSV.

They are written from the dict `graph.export.export_graph` returns. GraphML declares a key per
property with its type; lists and temporal values are strings there (lists JSON-encoded).
GraphML node and edge ids are XML NMTOKENs (`node_key`): the key label, a dot, and the node's
id with every character outside letters, digits, `.`, `-` and `:` written as `_hex_`; the
node's real id stays an attribute (`id`). A flow's edge id is its flow id (made NMTOKEN-safe
the same way) and the flow id stays an attribute too. The CSV follows Gephi's spreadsheet
convention: `nodes.csv` (Id, Label, ...) and `edges.csv` (Source, Target, Type=Directed, Id,
Label, ...).
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr as _quoteattr

from graph.export import key_label

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NOT_NMTOKEN_SAFE = re.compile(r"[^A-Za-z0-9.:-]")
FORMATS = ("json", "graphml", "csv", "neo4j-admin")
FOLDER_FORMATS = ("csv", "neo4j-admin")  # -o names a folder


def write_json(data: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def write_graphml(data: dict[str, Any], path: Path) -> None:
    """GraphML with a declared key (and type) for every property; Gephi opens it."""
    node_keys = _key_types(n["properties"] for n in data["nodes"])
    edge_keys = _key_types(r["properties"] for r in data["relationships"])
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write('<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')
        out.write('  <key id="labels" for="node" attr.name="labels" attr.type="string"/>\n')
        out.write('  <key id="label" for="node" attr.name="label" attr.type="string"/>\n')
        out.write('  <key id="type" for="edge" attr.name="type" attr.type="string"/>\n')
        for prefix, domain, keys in (("n_", "node", node_keys), ("e_", "edge", edge_keys)):
            for name, kind in sorted(keys.items()):
                out.write(
                    f'  <key id={quoteattr(prefix + name)} for="{domain}" '
                    f'attr.name={quoteattr(name)} attr.type="{kind}"/>\n'
                )
        out.write('  <graph id="edflows" edgedefault="directed">\n')
        for node in data["nodes"]:
            props = node["properties"]
            key = node_key(key_label(node["labels"]) or "", props["id"])
            out.write(f"    <node id={quoteattr(key)}>\n")
            out.write(f'      <data key="labels">{escape(":".join(node["labels"]))}</data>\n')
            label = props.get("name") or props.get("title") or props["id"]
            out.write(f'      <data key="label">{escape(str(label))}</data>\n')
            _graphml_data(out, "n_", props, node_keys)
            out.write("    </node>\n")
        for rel in data["relationships"]:
            start, end = node_key(*rel["start"]), node_key(*rel["end"])
            edge_id = edge_key(rel)
            id_attr = f" id={quoteattr(edge_id)}" if edge_id else ""
            out.write(f"    <edge{id_attr} source={quoteattr(start)} target={quoteattr(end)}>\n")
            out.write(f'      <data key="type">{escape(rel["type"])}</data>\n')
            _graphml_data(out, "e_", rel["properties"], edge_keys)
            out.write("    </edge>\n")
        out.write("  </graph>\n</graphml>\n")


def write_csv(data: dict[str, Any], folder: Path) -> list[Path]:
    """Gephi's spreadsheet import: `nodes.csv` (Id, Label, then every property) and
    `edges.csv` (Source, Target, Type = Directed, Id, Label = the relationship type, then
    every property) in `folder`; lists and typed values as JSON."""
    folder.mkdir(parents=True, exist_ok=True)
    node_cols = sorted({k for n in data["nodes"] for k in n["properties"]} - {"id"})
    edge_cols = sorted({k for r in data["relationships"] for k in r["properties"]} - {"id"})
    nodes_path, edges_path = folder / "nodes.csv", folder / "edges.csv"
    with nodes_path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Id", "Label", "labels", "id", *node_cols])
        for n in data["nodes"]:
            p = n["properties"]
            key = node_key(key_label(n["labels"]) or "", p["id"])
            label = p.get("name") or p.get("title") or p["id"]
            row = [key, label, ":".join(n["labels"]), p["id"]]
            writer.writerow(row + [_cell(p.get(c)) for c in node_cols])
    with edges_path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Source", "Target", "Type", "Id", "Label", "id", *edge_cols])
        for number, r in enumerate(data["relationships"]):
            props = r["properties"]
            edge_id = edge_key(r) or f"rel.{number}"
            row = [node_key(*r["start"]), node_key(*r["end"]), "Directed", edge_id, r["type"]]
            row.append(_cell(props.get("id")))
            writer.writerow(row + [_cell(props.get(c)) for c in edge_cols])
    return [nodes_path, edges_path]


# -- helpers ---------------------------------------------------------------------------------


def nmtoken_safe(text: str) -> str:
    """`text` as an XML NMTOKEN: letters, digits, `.`, `-` and `:` kept, every other character
    (the escape `_` included) written as `_` + its code point in hex + `_`, so that two
    different texts never give the same token. An empty text gives `_`."""
    if not text:
        return "_"
    return _NOT_NMTOKEN_SAFE.sub(lambda m: f"_{ord(m.group()):x}_", text)


def node_key(label: str, node_id: str) -> str:
    """A node's GraphML / Gephi id: `Actor.school:123456` (key label, a dot, the id)."""
    return f"{label}.{nmtoken_safe(node_id)}"


def edge_key(rel: dict[str, Any]) -> str | None:
    """A flow's edge id: its flow id, NMTOKEN-safe (`flow:npd-to-police`); other
    relationships have no id of their own (GraphML's edge id is optional)."""
    flow_id = rel["properties"].get("id") if rel["type"] == "FLOW" else None
    return nmtoken_safe(str(flow_id)) if flow_id else None


def _key_types(props_list: Any) -> dict[str, str]:
    """Each property's GraphML type: boolean, long or double where every value is one."""
    seen: dict[str, set[str]] = defaultdict(set)
    for props in props_list:
        for key, value in props.items():
            if isinstance(value, bool):
                seen[key].add("boolean")
            elif isinstance(value, int):
                seen[key].add("long")
            elif isinstance(value, float):
                seen[key].add("double")
            else:
                seen[key].add("string")
    types = {}
    for key, kinds in seen.items():
        if len(kinds) == 1:
            types[key] = next(iter(kinds))
        elif kinds == {"long", "double"}:
            types[key] = "double"
        else:
            types[key] = "string"
    return types


def _graphml_data(out: Any, prefix: str, props: dict[str, Any], keys: dict[str, str]) -> None:
    for name, value in sorted(props.items()):
        if value is None:
            continue
        text = _cell(value)
        if keys[name] == "boolean":
            text = "true" if value else "false"
        out.write(f"      <data key={quoteattr(prefix + name)}>{escape(text)}</data>\n")


def escape(text: str) -> str:
    """XML text, without the control characters XML 1.0 cannot hold."""
    return _escape(_NOT_XML.sub("", text))


def quoteattr(text: str) -> str:
    return _quoteattr(_NOT_XML.sub("", text))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict) and set(value) == {"$type", "value"}:
        return str(value["value"])
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
