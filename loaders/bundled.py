"""The bundled data that `edflows up` loads, in order: the project's curated files, then the
real public files in the shared data folder (EDFLOWS_SHARED_DATA, default ../shared/data)."""

from __future__ import annotations

from pathlib import Path

from graph.db import Database
from graph.errors import EdflowsError
from graph.writer import console_progress
from loaders.base_map import curated_path
from loaders.registry import run_load

# (loader, path: "shared:" under the shared data folder, "curated:" a packaged file, None = the
# loader's own default)
BUNDLED: list[tuple[str, str | None]] = [
    ("npd-catalogue", "shared:npd-metadata"),
    ("base", None),
    ("local-authorities", "shared:local-authorities"),
    ("schools", "shared:schools/2017-2018_england_spine.csv"),
    ("suppliers", None),
    ("releases", "shared:npd-releases/releases.csv"),
    ("aggregates", "shared:npd-releases/aggregates.csv"),
    ("school-map", "curated:demo_school_map.yaml"),
]


def load_bundled(db: Database, shared_data: Path) -> None:
    """Load every bundled source (each atomic and idempotent), printing each report."""
    if not shared_data.is_dir():
        raise EdflowsError(
            f"the shared data folder {shared_data} does not exist",
            "Set EDFLOWS_SHARED_DATA to the folder that holds schools/, npd-releases/, ...",
        )
    for name, where in BUNDLED:
        target = None
        if where and where.startswith("shared:"):
            target = str(shared_data / where.removeprefix("shared:"))
        elif where and where.startswith("curated:"):
            target = str(curated_path(where.removeprefix("curated:")))
        print(f"Loading {name} ...", flush=True)
        report = run_load(db, name, target, console_progress)
        print(report.render(), flush=True)
