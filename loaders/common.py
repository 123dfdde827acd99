"""What every loader shares: reading tables, ids, fingerprints, hints and loose dates.

The load-plan contract itself (`LoadPlan`, `LoadReport`, `LoadError`) is `graph.loadplan`:
a loader turns one input into a plan WITHOUT touching the database, and `graph.writer`
writes it in one transaction.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from graph.guard import check_no_pupil_data
from graph.loadplan import LoadError


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
