"""What every loader shares: the load plan, the report, input errors, and reading tables.

A loader turns one input into a `LoadPlan` (validated records) WITHOUT touching the database;
only then does `graph.writer` write the whole plan in one transaction. So a bad row stops the
load before anything is written, and a failed write leaves the graph as it was.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import EdflowsError
from graph.model import ActorRecord, FlowRecord, ItemRecord, SourceRecord
from loaders.guard import check_no_pupil_data


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


@dataclass
class Row:
    """One data row of a table, with its line number in the file (1-based, header = 1)."""

    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()


def read_table(
    path: Path, encodings: Iterable[str] = ("utf-8-sig",)
) -> tuple[list[str], list[Row]]:
    """Read a CSV file: its header and rows. Refuses undecodable bytes and pupil-level data."""
    raw = path.read_bytes()
    text = None
    errors: list[str] = []
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            errors.append(f"not valid {encoding} at line {line} (byte {exc.start})")
    if text is None:
        raise LoadError(
            path,
            f"cannot decode the file: {'; '.join(errors)}.",
            hint="Save it as UTF-8 (GIAS downloads are Windows-1252 and are read as such).",
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise LoadError(path, "the file is empty.") from None
    rows: list[Row] = []
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(header):
                raise LoadError(
                    path,
                    f"the row has {len(record)} cells but the header has {len(header)}.",
                    line=reader.line_num,
                    hint="Check for an unquoted comma.",
                )
            rows.append(Row(reader.line_num, dict(zip(header, record, strict=False))))
    except csv.Error as exc:
        raise LoadError(path, f"malformed CSV: {exc}.", line=reader.line_num) from exc
    check_no_pupil_data(path, header, ((r.line, r.values) for r in rows))
    return header, rows


def require_columns(path: Path, header: list[str], required: Iterable[str]) -> None:
    """Refuse a table that lacks any required column, with near-miss suggestions."""
    missing = [c for c in required if c not in header]
    if missing:
        hints = []
        for column in missing:
            near = difflib.get_close_matches(column, header, n=1, cutoff=0.6)
            hints.append(f"{column!r}" + (f" (found {near[0]!r}: rename it?)" if near else ""))
        raise LoadError(
            path,
            f"missing column(s): {', '.join(hints)}.",
            line=1,
            hint=f"The header has: {', '.join(header[:12])}{' ...' if len(header) > 12 else ''}.",
        )


def slug(text: str) -> str:
    """A stable id part: lower case, runs of other characters as one '-'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def fingerprint(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return digest.hexdigest()[:16]


def suggest(value: str, known: Iterable[str], n: int = 3) -> list[str]:
    """Near misses of `value` among `known` (for 'did you mean' hints)."""
    return difflib.get_close_matches(value, list(known), n=n, cutoff=0.6)


def chunks(items: list[dict[str, object]], size: int) -> Iterator[list[dict[str, object]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def loose_date(text: str) -> str | None:
    """A partial ISO date from how web pages write dates, or None when it cannot tell.

    "2018-12-18", "2018-04 (from URL path)", "12th June 2020", "March 22, 2023",
    "18-Feb-2021", "September 2016", "20/6/16" (day first, as UK pages write it).
    Ranges ("2024/2025") and two-digit years without a day ("Oct 18") give None.
    """
    value = re.sub(r"\([^)]*\)", "", text.lower()).strip()
    value = re.sub(r"(\d+)(st|nd|rd|th)\b", r"\1", value)
    iso = re.fullmatch(r"(\d{4})(-\d{2})?(-\d{2})?", value)
    if iso:
        return value
    words = re.findall(r"[a-z]+|\d+", value)
    month = next((_MONTHS[w[:3]] for w in words if w[:3] in _MONTHS), None)
    numbers = [int(w) for w in words if w.isdigit()]
    years = [n for n in numbers if 1900 < n < 2100]
    if month and len(years) == 1:
        days = [n for n in numbers if 1 <= n <= 31 and n != years[0]]
        if days:
            return f"{years[0]:04d}-{month:02d}-{days[0]:02d}"
        return f"{years[0]:04d}-{month:02d}"
    slashed = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", value)
    if slashed:
        day, mon, year = (int(g) for g in slashed.groups())
        year = year + 2000 if year < 100 else year
        if 1 <= mon <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{mon:02d}-{day:02d}"
    return None
