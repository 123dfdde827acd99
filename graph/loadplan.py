"""The load-plan contract between the loaders and the graph: the plan, the report, the errors.

A loader (`loaders/`) turns one input into a `LoadPlan` (validated records) WITHOUT touching
the database; only then does `graph.writer` write the whole plan in one transaction. So a bad
row stops the load before anything is written, and a failed write leaves the graph as it was.
The contract lives in `graph/` so the writer, the API's editing and the loaders share it while
`graph/` imports nothing of `loaders/`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import EdflowsError
from graph.model import ActorRecord, FlowRecord, ItemRecord, SourceRecord


class LoadError(EdflowsError):
    """Bad input: names the file, line and column, and says what to do."""

    def __init__(
        self,
        path: Path | str,
        problem: str,
        line: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        where = str(path)
        if line is not None:
            where += f", line {line}"
        if column:
            where += f", column {column!r}"
        message = f"{where}: {problem}"
        if hint:
            message += f" {hint}"
        super().__init__(message + " Nothing was loaded.")
        self.path = str(path)
        self.line = line
        self.column = column


@dataclass
class LoadReport:
    """What a load did: rows read, records written, rows skipped and why, notes for the user."""

    loader: str
    path: str
    rows_read: int = 0
    written: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    removed_flows: int = 0
    unchanged: bool = False

    def skip(self, reason: str) -> None:
        self.skipped[reason] += 1

    def render(self) -> str:
        lines = [f"{self.loader}: {self.path}", f"  rows read: {self.rows_read}"]
        for what, count in sorted(self.written.items()):
            lines.append(f"  {what}: {count}")
        if self.removed_flows:
            lines.append(f"  flows removed (no longer in the file): {self.removed_flows}")
        for reason, count in sorted(self.skipped.items()):
            lines.append(f"  skipped {count} row(s): {reason}")
        lines.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(lines)


@dataclass
class LoadPlan:
    """Everything one load will write, validated; `origin` scopes the load's own flows."""

    origin: str
    sources: list[SourceRecord] = field(default_factory=list)
    actors: list[ActorRecord] = field(default_factory=list)
    stubs: list[ActorRecord] = field(default_factory=list)  # written only when missing
    items: list[ItemRecord] = field(default_factory=list)
    flows: list[FlowRecord] = field(default_factory=list)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (rel type, from id, to id)
    replace_flows: bool = True
    # a flow's origin when it is not `origin` (a file of many schools' maps gives each school's
    # flows that school's own origin, so a later single-school load replaces them)
    flow_origins: dict[str, str] = field(default_factory=dict)
    # flows already in the writer's row form (graph.writer.flow_row), for bulk loaders that
    # validate a row content once and copy it to many schools; each names its own origin. A
    # row's `shared` key names properties in `flow_shared` that many rows have in common: they
    # are sent once per batch and held once in the transaction, which keeps a national load
    # within Neo4j's transaction memory.
    flow_rows: list[dict[str, Any]] = field(default_factory=list)
    flow_shared: dict[str, dict[str, Any]] = field(default_factory=dict)
    fingerprint: str = ""
    extra_writes: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    # which written counts the report shows (a loader that also writes the curated catalogue
    # and base actors it depends on reports only its own records)
    report_kinds: set[str] | None = None
    # the audit trail: the school a load concerns, and (small loads only) rows to show in full
    urn: str | None = None
    audit_rows: list[dict[str, object]] | None = None
    # flows the input names on purpose to bring back from retirement (a school map's
    # `reinstate` column); any other retired flow the input writes again stays retired
    reinstate: set[str] = field(default_factory=set)

    def extend(self, other: LoadPlan) -> None:
        self.sources += other.sources
        self.actors += other.actors
        self.stubs += other.stubs
        self.items += other.items
        self.flows += other.flows
        self.links += other.links


class MissingReferences(EdflowsError):
    """Records refer to ids that are neither in the input nor in the graph."""
