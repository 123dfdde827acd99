"""Back up and restore a whole edflows database in ONE checksummed file.

Unlike an export (the knowledge only), a backup holds everything edflows keeps: the knowledge,
the load records, the map versions, the audit trail and the tokens (their SHA-256 hashes; a
token's secret is never stored anywhere, so none is in a backup). A restored database answers
exactly as the original did, and its tokens still work.

The file is gzip-compressed JSON lines:

    {"format": "edflows-backup", "version": 1, "created": ..., "edflows": ...}   the header
    {"node": {"labels": [...], "properties": {...}}}                            one per node
    {"rel": {"type": ..., "start": [label, id], "end": [label, id], "properties": {...}}}
    {"end": {"nodes": N, "relationships": M, "sha256": ..., "fingerprint": ...}}  the trailer

`sha256` is the checksum of every line before the trailer, as written: a truncated, edited or
damaged file is refused before anything is written. `fingerprint` is `graph_fingerprint` of
the database backed up; a restore checks the restored graph against it. Values keep their
types as in an export (graph.export.encode). A restore goes into an EMPTY database only, in
one transaction: all of it lands, or none of it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from neo4j import ManagedTransaction, Record

from graph.db import Database
from graph.errors import EdflowsError
from graph.export import PRIVATE_LABELS, decode, encode
from graph.identifiers import KEY_LABELS, check_labels, check_rel_type
from graph.queries import query
from graph.terms import unfold

FORMAT = "edflows-backup"
VERSION = 1
BACKUP_LABELS = (*KEY_LABELS, "Token", "AuditEntry")
BATCH = 5000
LONG = 3600.0  # seconds a backup's reads may take (a national graph is a million records)
Progress = Callable[[str, int], None]


class BackupRefused(EdflowsError):
    """A file that is not a whole, undamaged edflows backup, or a database not empty."""


def backup(db: Database, path: Path, progress: Progress | None = None) -> dict[str, Any]:
    """Write the whole database to `path` (atomically: a temporary file renamed at the end).
    Returns the trailer: counts, the file's checksum and the graph's fingerprint."""
    progress = progress or _quiet
    digest = hashlib.sha256()
    fingerprint = Fingerprint()
    counts: dict[str, int] = {"nodes": 0, "relationships": 0}
    by_label: dict[str, int] = {}
    partial = path.with_name(path.name + ".partial")
    with gzip.open(partial, "wb") as out:

        def emit(line: dict[str, Any]) -> None:
            data = (json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n").encode()
            digest.update(data)
            out.write(data)

        emit(
            {
                "format": FORMAT,
                "version": VERSION,
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "edflows": _version(),
            }
        )

        def node(record: Record) -> None:
            labels = sorted(record["labels"])
            if _key_label(labels) is None or "id" not in record["props"]:
                raise EdflowsError(f"a node with labels {labels} has no key label and id")
            entry = {"labels": labels, "properties": encode(record["props"])}
            fingerprint.add(["node", entry])
            emit({"node": entry})
            counts["nodes"] += 1
            for label in labels:
                by_label[label] = by_label.get(label, 0) + 1
            if counts["nodes"] % 10_000 == 0:
                progress("nodes", counts["nodes"])

        db.read_each("backup_nodes", node, timeout=LONG)
        progress("nodes", counts["nodes"])

        def rel(record: Record) -> None:
            start, end = _key_label(record["start_labels"]), _key_label(record["end_labels"])
            if start is None or end is None:
                raise EdflowsError(f"a {record['type']} relationship joins a node without a key")
            entry = {
                "type": record["type"],
                "start": [start, record["start"]],
                "end": [end, record["end"]],
                "properties": encode(record["props"]),
            }
            fingerprint.add(["rel", entry])
            emit({"rel": entry})
            counts["relationships"] += 1
            if counts["relationships"] % 10_000 == 0:
                progress("relationships", counts["relationships"])

        db.read_each("backup_relationships", rel, timeout=LONG)
        progress("relationships", counts["relationships"])
        trailer = {
            **counts,
            "labels": dict(sorted(by_label.items())),
            "sha256": digest.hexdigest(),
            "fingerprint": fingerprint.hexdigest(),
        }
        out.write((json.dumps({"end": trailer}, sort_keys=True) + "\n").encode())
    partial.replace(path)
    return trailer


def restore(db: Database, path: Path, progress: Progress | None = None) -> dict[str, Any]:
    """Restore a backup into an empty database, after checking the whole file; returns the
    trailer. Refuses (BackupRefused, nothing written) a foreign or damaged file."""
    progress = progress or _quiet
    trailer = verify(path)
    if db.read("count_all_nodes")[0]["nodes"]:
        raise BackupRefused(
            "the database is not empty; a backup is restored into an empty one",
            "Empty it with `edflows db reset --all --yes` (or point NEO4J_URI at a new one).",
        )
    db.apply_schema()

    def work(tx: ManagedTransaction) -> None:
        nodes: list[dict[str, Any]] = []
        rels: list[dict[str, Any]] = []
        done = {"nodes": 0, "relationships": 0}

        def flush_nodes() -> None:
            if nodes:
                tx.run(query("import_nodes"), rows=nodes).consume()
                done["nodes"] += len(nodes)
                progress("nodes", done["nodes"])
                nodes.clear()

        def flush_rels() -> None:
            groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
            for row in rels:
                groups.setdefault((row.pop("start_label"), row.pop("end_label")), []).append(row)
            for (start, end), rows in sorted(groups.items()):
                text = (
                    query("import_relationships")
                    .replace("START_LABEL", start)
                    .replace("END_LABEL", end)
                )
                tx.run(text, rows=rows).consume()
            done["relationships"] += len(rels)
            if rels:
                progress("relationships", done["relationships"])
            rels.clear()

        for kind, entry in _records(path):
            if kind == "node":
                labels = _check_labels(entry["labels"])
                nodes.append({"labels": labels, "props": decode(entry["properties"])})
                if len(nodes) >= BATCH:
                    flush_nodes()
            else:
                flush_nodes()
                start, end = entry["start"], entry["end"]
                rels.append(
                    {
                        "type": check_rel_type(entry["type"]),
                        "start_label": _known_key(start[0]),
                        "end_label": _known_key(end[0]),
                        "start": start[1],
                        "end": end[1],
                        "props": decode(entry["properties"]),
                    }
                )
                if len(rels) >= BATCH:
                    flush_rels()
        flush_nodes()
        flush_rels()

    db.write_tx(work)
    return trailer


def verify(path: Path) -> dict[str, Any]:
    """Read the whole file and check it is an undamaged edflows backup; returns its trailer."""
    digest = hashlib.sha256()
    trailer: dict[str, Any] | None = None
    counts = {"node": 0, "rel": 0}
    for number, raw in enumerate(_lines(path), start=1):
        if trailer is not None:
            raise _damaged(path, f"line {number} comes after the end record")
        line = _json(path, number, raw)
        if number == 1:
            if line.get("format") != FORMAT:
                raise BackupRefused(
                    f"{path} is not an edflows backup (its first record has no format {FORMAT!r})",
                    "Restore a file written by `edflows backup -o FILE`; an export "
                    "(`edflows export`) is restored with `edflows import`.",
                )
            if line.get("version") != VERSION:
                raise BackupRefused(
                    f"{path} is an edflows backup of version {line.get('version')!r}; this "
                    f"edflows reads version {VERSION}"
                )
        elif "end" in line:
            trailer = line["end"]
            continue
        else:
            kind = next(iter(line), "")
            if kind not in counts:
                raise _damaged(path, f"line {number} is neither a node nor a relationship")
            counts[kind] += 1
        digest.update(raw)
    if trailer is None:
        raise _damaged(path, "it has no end record (cut short?)")
    if trailer.get("sha256") != digest.hexdigest():
        raise _damaged(path, "its checksum does not match its contents")
    if (trailer.get("nodes"), trailer.get("relationships")) != (counts["node"], counts["rel"]):
        raise _damaged(path, "its record counts do not match its end record")
    return trailer


class Fingerprint:
    """An order-free checksum of a set of records: the sum of their SHA-256 values (mod
    2^256), so the same graph read in any order gives the same fingerprint."""

    MOD = 1 << 256

    def __init__(self) -> None:
        self.total = 0

    def add(self, record: Any) -> None:
        data = json.dumps(record, sort_keys=True, ensure_ascii=False).encode()
        self.total = (self.total + int.from_bytes(hashlib.sha256(data).digest())) % self.MOD

    def hexdigest(self) -> str:
        return f"{self.total:064x}"


def graph_fingerprint(db: Database, knowledge_only: bool = False) -> str:
    """The fingerprint of everything in the database, as a backup would record it: equal for
    two databases with the same nodes, relationships and properties (internal ids aside).
    `knowledge_only` leaves out what an export leaves out (the audit trail and the tokens) and
    reads each flow whole, as an export writes it (its terms node folded in, its row hash
    left out: graph/terms.py): the fingerprint of what `edflows export` writes, to compare
    with a graph rebuilt from it, however that graph stores its flows."""
    fingerprint = Fingerprint()
    terms: dict[str, dict[str, Any]] = {}

    def private(labels: list[str]) -> bool:
        return knowledge_only and bool(PRIVATE_LABELS & set(labels))

    def node(record: Record) -> None:
        labels = sorted(record["labels"])
        if private(labels):
            return
        if knowledge_only and labels == ["Terms"]:  # nodes come before relationships
            terms[record["props"]["id"]] = dict(record["props"])
            return
        fingerprint.add(["node", {"labels": labels, "properties": encode(record["props"])}])

    def rel(record: Record) -> None:
        if private(record["start_labels"]) or private(record["end_labels"]):
            return
        props = record["props"]
        if knowledge_only and record["type"] == "FLOW":
            props = unfold(props, terms.get(str(props.get("terms"))))
        entry = {
            "type": record["type"],
            "start": [_key_label(record["start_labels"]), record["start"]],
            "end": [_key_label(record["end_labels"]), record["end"]],
            "properties": encode(props),
        }
        fingerprint.add(["rel", entry])

    db.read_each("backup_nodes", node, timeout=LONG)
    db.read_each("backup_relationships", rel, timeout=LONG)
    return fingerprint.hexdigest()


# -- helpers ----------------------------------------------------------------------------------


def _quiet(stage: str, done: int) -> None:
    return None


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("edflows")
    except PackageNotFoundError:
        return "unknown"


def _key_label(labels: list[str]) -> str | None:
    return next((k for k in BACKUP_LABELS if k in labels), None)


def _check_labels(labels: list[str]) -> list[str]:
    """Labels restored as they are (they enter the query as a parameter): edflows' own only."""
    private = [label for label in labels if label in ("Token", "AuditEntry")]
    return private + check_labels([label for label in labels if label not in private])


def _known_key(label: str) -> str:
    if label not in KEY_LABELS:
        raise BackupRefused(f"a relationship names an unknown key label {label!r}")
    return label


def _lines(path: Path) -> Iterator[bytes]:
    try:
        with gzip.open(path, "rb") as stream:
            yield from stream
    except FileNotFoundError:
        raise BackupRefused(f"{path} does not exist") from None
    except gzip.BadGzipFile:
        raise BackupRefused(
            f"{path} is not an edflows backup (not a gzip file)",
            "Restore a file written by `edflows backup -o FILE`.",
        ) from None
    except (EOFError, zlib.error) as exc:
        raise _damaged(path, f"its compressed data is cut short or corrupt ({exc})") from None


def _json(path: Path, number: int, raw: bytes) -> dict[str, Any]:
    try:
        line = json.loads(raw)
    except ValueError:
        if number == 1:
            raise BackupRefused(f"{path} is not an edflows backup") from None
        raise _damaged(path, f"line {number} is not JSON") from None
    if not isinstance(line, dict):
        raise _damaged(path, f"line {number} is not a record")
    return line


def _records(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    for number, raw in enumerate(_lines(path), start=1):
        line = json.loads(raw)
        if number == 1 or "end" in line:
            continue
        kind = next(iter(line))
        yield kind, line[kind]


def _damaged(path: Path, why: str) -> BackupRefused:
    return BackupRefused(
        f"{path} is damaged: {why}; nothing was restored",
        "Use another copy of the backup, or write a new one with `edflows backup -o FILE`.",
    )
