"""The export for Neo4j's own import tool (`neo4j-admin database import full`).

One CSV file per key label for the nodes (`nodes-Actor.csv`, ...) and one per pair of key labels
for the relationships (`relationships-Actor-Actor.csv`, ...), each with its header inline on
its first line, following the import tool's conventions:

- nodes: `id:ID(Actor)` (the id, in the ID space of its key label, kept as the property `id`),
  `:LABEL` (every label, joined by the array delimiter), then one column per property;
- relationships: `:START_ID(Actor)`, `:END_ID(Actor)`, `:TYPE`, then one column per property;
- a property column is `name:type`: `string`, `long`, `double`, `boolean`, the temporal types
  (`date`, `datetime`, `localdatetime`, `time`, `localtime`, `duration`) or an array of one of
  them (`items:string[]`, elements joined by the array delimiter).

Every value is quoted, a quote inside doubled (RFC 4180); a missing property is an empty,
unquoted field, so that the tool tells it from an empty string (`""`). An empty list (or a
list of one empty string) cannot be written: the tool reads its empty field as no property, so
it is left out and counted (`lost_lists`, and a line in README.txt). The array delimiter is
the first of `DELIMITERS` that no array element holds. When a property has values of two types
in one group (a long here, a string there), the group is split into one file per combination.

`import.sh` in the same folder holds the exact command (`IMPORT_OPTIONS` and the files) and a
README.txt says how to run it.
"""

from __future__ import annotations

import re
import shlex
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import EdflowsError
from graph.export import key_label

DELIMITERS = (";", "|", "^", "~", "\u00a6")
TEMPORAL = {"date", "datetime", "localdatetime", "time", "localtime", "duration"}
DATABASE = "neo4j"
SCRIPT = "import.sh"
PROPERTY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")  # safe in a `name:type` header
_JAVA_FLOATS = {"inf": "Infinity", "-inf": "-Infinity", "nan": "NaN"}


@dataclass(frozen=True)
class AdminExport:
    """What `write_neo4j_admin` wrote: the node and relationship files and the command."""

    nodes: list[Path]
    relationships: list[Path]
    array_delimiter: str
    script: Path
    readme: Path
    lost_lists: int = 0  # empty lists (or [""]): the import tool reads an empty field as none

    @property
    def files(self) -> list[Path]:
        return [*self.nodes, *self.relationships, self.script, self.readme]


def import_arguments(export: AdminExport, database: str = DATABASE) -> list[str]:
    """The arguments of `neo4j-admin` that import `export` (file names relative to its folder):
    every row must land (`--bad-tolerance=0`), and fields may hold line breaks."""
    return [
        "database",
        "import",
        "full",
        database,  # before the options: --nodes and --relationships take every word after them
        "--id-type=string",
        f"--array-delimiter={export.array_delimiter}",
        "--multiline-fields=true",
        "--bad-tolerance=0",
        *[f"--nodes={path.name}" for path in export.nodes],
        *[f"--relationships={path.name}" for path in export.relationships],
    ]


def import_command(export: AdminExport, database: str = DATABASE) -> str:
    """The shell line of `import.sh`: `neo4j-admin` and `import_arguments`."""
    return shlex.join(["neo4j-admin", *import_arguments(export, database)])


def write_neo4j_admin(data: dict[str, Any], folder: Path) -> AdminExport:
    """Write `data` (an export dict, `graph.export.export_graph`) into `folder` for
    `neo4j-admin database import full`, with `import.sh` and README.txt beside the CSV files."""
    folder.mkdir(parents=True, exist_ok=True)
    delimiter = _array_delimiter(data)
    node_groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node in data["nodes"]:
        label = key_label(node["labels"])
        if label is None:
            raise EdflowsError(f"a node with labels {node['labels']} has no key label")
        node_groups[label].append(node)
    rel_groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rel in data["relationships"]:
        rel_groups[f"{rel['start'][0]}-{rel['end'][0]}"].append(rel)

    lost = 0
    node_paths: list[Path] = []
    for label, nodes in sorted(node_groups.items()):
        for number, (types, part) in enumerate(_split_by_type(nodes)):
            path = folder / _file_name("nodes", label, number)
            head = [f"id:ID({label})", ":LABEL"]
            cells = [lambda n: n["properties"]["id"], lambda n: n["labels"]]
            lost += _write_csv(path, head, cells, types, part, delimiter, skip={"id"})
            node_paths.append(path)
    rel_paths: list[Path] = []
    for pair, rels in sorted(rel_groups.items()):
        start, end = pair.split("-")
        for number, (types, part) in enumerate(_split_by_type(rels)):
            path = folder / _file_name("relationships", pair, number)
            head = [f":START_ID({start})", f":END_ID({end})", ":TYPE"]
            cells = [lambda r: r["start"][1], lambda r: r["end"][1], lambda r: r["type"]]
            lost += _write_csv(path, head, cells, types, part, delimiter, skip=set())
            rel_paths.append(path)

    script, readme = folder / SCRIPT, folder / "README.txt"
    export = AdminExport(node_paths, rel_paths, delimiter, script, readme, lost)
    command = import_command(export)
    script.write_text(
        "#!/bin/sh\n"
        "# Written by `edflows export --format neo4j-admin`: imports the CSV files of this\n"
        "# folder into a NEW database `neo4j` with Neo4j's own import tool. Stop the server\n"
        "# first; the database must not exist yet (or add --overwrite-destination=true).\n"
        "# For another database, change the word after `full` (then CREATE DATABASE it).\n"
        'cd "$(dirname "$0")" || exit 1\n'
        f"exec {command}\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    counts = data["counts"]
    readme.write_text(
        f"An edflows graph export for Neo4j's import tool: {counts['nodes']} nodes and "
        f"{counts['relationships']} relationships.\n\n"
        "With the Neo4j server stopped, run `sh import.sh` in this folder (it needs\n"
        "`neo4j-admin` on PATH and NEO4J_HOME set), that is:\n\n"
        f"    {command}\n\n"
        "then start the server and create edflows' constraints and indexes with\n"
        "`edflows db init`. Ids are strings; each key label is its own ID space.\n"
        f"Array elements are joined by {delimiter!r}; every value is quoted.\n"
        + (
            f"\n{lost} empty list values (or lists of one empty string) are NOT in these\n"
            "files: the import tool reads an empty array field as no property.\n"
            if lost
            else ""
        ),
        encoding="utf-8",
    )
    return export


# -- helpers ---------------------------------------------------------------------------------


def value_type(value: Any) -> str:
    """The import tool's type for one exported value (`graph.export.encode` form)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict) and set(value) == {"$type", "value"} and value["$type"] in TEMPORAL:
        return str(value["$type"])
    if isinstance(value, list):
        kinds = {value_type(v) for v in value}
        if any(kind.endswith("[]") for kind in kinds) or len(kinds) > 1:
            raise EdflowsError(f"cannot export a list of mixed or nested values: {value!r}")
        return f"{next(iter(kinds), '')}[]"  # "[]": an empty list, of no type yet
    raise EdflowsError(f"cannot export a value of type {type(value).__name__}")


def _split_by_type(
    items: list[dict[str, Any]],
) -> list[tuple[dict[str, str], list[dict[str, Any]]]]:
    """`items` in parts where each property has one type (most often one part), with those
    types; an empty list takes its property's array type, else `string[]`."""
    seen: dict[str, set[str]] = defaultdict(set)
    for item in items:
        for name, value in item["properties"].items():
            if value is not None:
                seen[name].add(value_type(value))
    types: dict[str, str] = {}
    for name, kinds in seen.items():
        typed = kinds - {"[]"}
        if "[]" in kinds and any(not kind.endswith("[]") for kind in typed):
            types[name] = ""  # an empty list beside single values: split
        elif len(typed) == 1:
            types[name] = next(iter(typed))
        else:
            types[name] = "" if typed else "string[]"
    mixed = sorted(name for name, kind in types.items() if not kind)
    if not mixed:
        return [(types, items)]
    # each item goes into the first part whose types it agrees with (a missing value agrees)
    parts: list[tuple[dict[str, str], list[dict[str, Any]]]] = []
    for item in items:
        props = item["properties"]
        found = {n: value_type(props[n]) for n in mixed if props.get(n) is not None}
        for part_types, members in parts:
            if all(_agree(part_types.get(n, kind), kind) for n, kind in found.items()):
                for n, kind in found.items():
                    if kind != "[]" or n not in part_types:  # "[]" never hides an array type
                        part_types[n] = kind
                members.append(item)
                break
        else:
            parts.append((dict(found), [item]))
    return [part for _, members in parts for part in _split_by_type(members)]


def _agree(one: str, other: str) -> bool:
    """Two types one column can hold: equal, or an empty list ("[]") beside an array type."""
    return (
        one == other
        or (one == "[]" and other.endswith("[]"))
        or (other == "[]" and one.endswith("[]"))
    )


def _write_csv(
    path: Path,
    head: list[str],
    cells: list[Any],
    types: dict[str, str],
    items: list[dict[str, Any]],
    delimiter: str,
    skip: set[str],
) -> int:
    """Write one CSV file; returns the number of list values it could not write."""
    lost = 0
    names = sorted(set(types) - skip)
    for name in names:
        if not PROPERTY_NAME.match(name):
            raise EdflowsError(f"a property name the import tool's header cannot hold: {name!r}")
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join([*head, *(f"{n}:{types[n]}" for n in names)]) + "\n")
        for item in items:
            props = item["properties"]
            row = [_field(cell(item), delimiter) for cell in cells]
            for name in names:
                value = props.get(name)
                if isinstance(value, list) and value in ([], [""]):
                    lost += 1
                    value = None
                row.append(_field(value, delimiter))
            out.write(",".join(row) + "\n")
    return lost


def _field(value: Any, delimiter: str) -> str:
    """One CSV field: None empty and unquoted (no property), anything else quoted."""
    if value is None:
        return ""
    text = delimiter.join(map(_text, value)) if isinstance(value, list) else _text(value)
    return '"' + text.replace('"', '""') + '"'


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _JAVA_FLOATS.get(repr(value), repr(value))
    if isinstance(value, dict):
        return str(value["value"])
    return str(value)


def _array_delimiter(data: dict[str, Any]) -> str:
    """The first of DELIMITERS that no array element (nor label) holds."""
    used: set[str] = set()
    for item in [*data["nodes"], *data["relationships"]]:
        for element in item.get("labels", []):
            used.update(element)
        for value in item["properties"].values():
            if isinstance(value, list):
                for element in value:
                    used.update(_text(element))
    for delimiter in DELIMITERS:
        if delimiter not in used:
            return delimiter
    raise EdflowsError(
        "every array delimiter the export knows is used inside a list value: "
        + " ".join(DELIMITERS)
    )


def _file_name(kind: str, group: str, number: int) -> str:
    return f"{kind}-{group}.csv" if number == 0 else f"{kind}-{group}-{number + 1}.csv"
