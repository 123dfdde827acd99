"""The graph's export files: JSON (the restorable form), GraphML (for Gephi) and CSV.

They are written from the dict `graph.export.export_graph` returns. GraphML declares a key per
property with its type; lists and temporal values are strings there (lists JSON-encoded).
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
            key = _node_key(key_label(node["labels"]) or "", props["id"])
            out.write(f"    <node id={quoteattr(key)}>\n")
            out.write(f'      <data key="labels">{escape(":".join(node["labels"]))}</data>\n')
            label = props.get("name") or props.get("title") or props["id"]
            out.write(f'      <data key="label">{escape(str(label))}</data>\n')
            _graphml_data(out, "n_", props, node_keys)
            out.write("    </node>\n")
        for number, rel in enumerate(data["relationships"]):
            start, end = _node_key(*rel["start"]), _node_key(*rel["end"])
            out.write(
                f'    <edge id="e{number}" source={quoteattr(start)} target={quoteattr(end)}>\n'
            )
            out.write(f'      <data key="type">{escape(rel["type"])}</data>\n')
            _graphml_data(out, "e_", rel["properties"], edge_keys)
            out.write("    </edge>\n")
        out.write("  </graph>\n</graphml>\n")


def write_csv(data: dict[str, Any], folder: Path) -> list[Path]:
    """`nodes.csv` and `relationships.csv` in `folder` (lists and typed values as JSON)."""
    folder.mkdir(parents=True, exist_ok=True)
    node_cols = sorted({k for n in data["nodes"] for k in n["properties"]} - {"id"})
    edge_cols = sorted({k for r in data["relationships"] for k in r["properties"]})
    nodes_path, rels_path = folder / "nodes.csv", folder / "relationships.csv"
    with nodes_path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Id", "Label", "labels", "id", *node_cols])
        for n in data["nodes"]:
            p = n["properties"]
            key = _node_key(key_label(n["labels"]) or "", p["id"])
            label = p.get("name") or p.get("title") or p["id"]
            row = [key, label, ":".join(n["labels"]), p["id"]]
            writer.writerow(row + [_cell(p.get(c)) for c in node_cols])
    with rels_path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Source", "Target", "Type", *edge_cols])
        for r in data["relationships"]:
            row = [_node_key(*r["start"]), _node_key(*r["end"]), r["type"]]
            writer.writerow(row + [_cell(r["properties"].get(c)) for c in edge_cols])
    return [nodes_path, rels_path]


# -- helpers ---------------------------------------------------------------------------------


def _node_key(label: str, node_id: str) -> str:
    return f"{label}/{node_id}"


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
