"""Small input files cut from the real ones in ../shared/data, for tests that load a few rows."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path


def csv_subset(
    source: Path, dest: Path, keep: Callable[[dict[str, str]], bool], most: int | None = None
) -> Path:
    """Write to `dest` the header of `source` and its rows that `keep` accepts (at most
    `most` of them); returns `dest`. The source's byte-order mark is not copied."""
    with source.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [row for row in reader if keep(row)][:most]
        fields = reader.fieldnames or []
    with dest.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return dest
