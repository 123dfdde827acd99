"""The bundled data that `edflows up` loads, in order: the project's curated files, then the
real public files in the shared data folder (EDFLOWS_SHARED_DATA, default ../shared/data)."""

from __future__ import annotations

from pathlib import Path

from graph.db import Database
from graph.errors import EdflowsError
from graph.writer import console_progress
from loaders.registry import run_load

# (loader, path under the shared data folder; None = the loader's own packaged file)
BUNDLED: list[tuple[str, str | None]] = [
    ("npd-catalogue", "npd-metadata"),
    ("base", None),
    ("local-authorities", "local-authorities"),
    ("schools", "schools/2017-2018_england_spine.csv"),
    ("releases", "npd-releases/releases.csv"),
]


def load_bundled(db: Database, shared_data: Path) -> None:
    """Load every bundled source (each atomic and idempotent), printing each report."""
    if not shared_data.is_dir():
        raise EdflowsError(
            f"the shared data folder {shared_data} does not exist",
            "Set EDFLOWS_SHARED_DATA to the folder that holds schools/, npd-releases/, ...",
        )
    for name, relative in BUNDLED:
        target = str(shared_data / relative) if relative else None
        print(f"Loading {name} ...", flush=True)
        report = run_load(db, name, target, console_progress)
        print(report.render(), flush=True)
