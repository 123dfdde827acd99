"""`edflows data fetch`: the public data files from where they were published, pinned and checked.

The manifest (`loaders/curated/public_data.yaml`) lists every file `edflows up` loads from the
shared data folder and where it comes from, exactly as that folder's PROVENANCE.md files say:
a repository, a commit and a path (fetched from raw.githubusercontent.com at THAT commit, so
the file never changes under us), or a file derived from a fetched workbook (one CSV per
worksheet, written the way the shared copies were: each cell as stored, formulas as their
text, whole numbers without decimals, dates DD-MM-YYYY, empty rows dropped, rows as wide as
the sheet's last used column). Every file's SHA-256 is pinned; a download or
a conversion that does not match is refused and nothing is kept. Files whose origin the
provenance does not give precisely are listed as not fetchable, with the reason.

The registers edflows compiles itself (the release register, the aggregates, the product
catalogue, the schools' statements) are not fetched: they ship in the repository
(`loaders/curated/registers/`) and are copied into place.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import shutil
import sys
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from graph.errors import EdflowsError

CHUNK = 1 << 16
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Entry:
    """One file of the shared data folder and how to get it."""

    path: str  # under the data folder
    sha256: str
    url: str | None = None  # fetched from here
    derived_from: str | None = None  # a workbook path in this manifest
    sheet: str | None = None
    register: bool = False  # shipped in the repository, under loaders/curated/registers/


def manifest() -> tuple[list[Entry], list[dict[str, str]]]:
    """The fetchable files (in the order to fetch them) and the files that cannot be."""
    text = resources.files("loaders.curated").joinpath("public_data.yaml").read_text()
    data: dict[str, Any] = yaml.safe_load(text)
    entries = [Entry(**e) for e in data["files"]]
    return entries, list(data.get("not_fetchable", []))


def registers_dir() -> Path:
    return Path(str(resources.files("loaders.curated").joinpath("registers")))


def fetch(
    target: Path,
    base_url: str | None = None,
    progress: Progress | None = None,
    opener: Callable[[str], Any] | None = None,
    only: set[str] | None = None,
) -> list[str]:
    """Put every file of the manifest under `target` (skipping those already there with the
    right hash); returns the paths written. `base_url` replaces each URL's scheme and host
    (tests serve the same files from 127.0.0.1); `only` limits it to those paths."""
    say = progress or _stderr
    entries, _ = manifest()
    if only is not None:
        entries = [e for e in entries if e.path in only]
    by_path = {e.path: e for e in manifest()[0]}
    written: list[str] = []
    for number, entry in enumerate(entries, start=1):
        dest = target / entry.path
        step = f"[{number}/{len(entries)}] {entry.path}"
        if dest.is_file() and sha256_of(dest.read_bytes()) == entry.sha256:
            say(f"{step}: already here (checked)")
            continue
        if entry.register:
            content = (registers_dir() / entry.path).read_bytes()
            how = "from the repository's registers"
        elif entry.url:
            url = _rebase(entry.url, base_url)
            content = _download(url, step, say, opener or urllib.request.urlopen)
            how = f"from {url}"
        else:
            source = by_path[str(entry.derived_from)]
            content = sheet_csv((target / source.path).read_bytes(), str(entry.sheet))
            how = f"converted from {source.path}, sheet {entry.sheet!r}"
        got = sha256_of(content)
        if got != entry.sha256:
            raise EdflowsError(
                f"{entry.path}: the file {how} does not have the pinned SHA-256; it was not kept",
                f"expected {entry.sha256}, got {got}. The published file may have moved or "
                "changed; fetch it by hand and set EDFLOWS_SHARED_DATA to its folder.",
            )
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.with_name(dest.name + ".partial")
        partial.write_bytes(content)
        partial.replace(dest)
        written.append(entry.path)
        say(f"{step}: {len(content):,} bytes {how} (SHA-256 checked)")
    return written


def sheet_csv(workbook: bytes, sheet: str) -> bytes:
    """One worksheet as the shared copies have it (see the module's docstring): rows with no
    value dropped, every row as wide as the sheet's last column that holds a value."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True, data_only=False)
    rows = [[_cell(v) for v in row] for row in book[sheet].iter_rows(values_only=True)]
    book.close()
    rows = [row for row in rows if any(row)]
    width = max((max(i for i, v in enumerate(row) if v) + 1 for row in rows), default=0)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for row in rows:
        writer.writerow((row + [""] * width)[:width])
    return out.getvalue().encode("utf-8")


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def sheet_file_name(sheet: str) -> str:
    """How the shared copies name a worksheet's CSV ("Datasets_&_Tiers" -> Datasets___Tiers)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", sheet) + ".csv"


def copy_tree_missing(source: Path, target: Path) -> None:
    """Copy `source` into `target`, keeping files already there."""
    for path in source.rglob("*"):
        dest = target / path.relative_to(source)
        if path.is_file() and not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)


# -- helpers ----------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def _rebase(url: str, base_url: str | None) -> str:
    if not base_url:
        return url
    rest = url.split("://", 1)[1].split("/", 1)[1]
    return base_url.rstrip("/") + "/" + rest


def _download(url: str, step: str, say: Progress, opener: Callable[[str], Any]) -> bytes:
    try:
        with opener(url) as answer:
            total = int(answer.headers.get("Content-Length") or 0)
            chunks = bytearray()
            while chunk := answer.read(CHUNK):
                chunks.extend(chunk)
                if total > 4 * CHUNK:
                    print(f"\r  {step}: {len(chunks) * 100 // total}%", end="", file=sys.stderr)
            if total > 4 * CHUNK:
                print(file=sys.stderr)
            return bytes(chunks)
    except OSError as exc:
        raise EdflowsError(
            f"{step}: cannot download {url}",
            f"{exc}\nCheck the network, or set EDFLOWS_SHARED_DATA to a folder holding the files.",
        ) from exc


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
