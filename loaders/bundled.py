"""The bundled data that `edflows up` loads, in order: the project's curated files, then the
real public files in the shared data folder: EDFLOWS_SHARED_DATA when set, else
../shared/data when it exists, else the files `edflows data fetch` keeps under the state folder
(fetched first when they are not there yet)."""

from __future__ import annotations

from pathlib import Path

from graph.db import Database
from graph.errors import EdflowsError
from graph.settings import Settings
from graph.writer import console_progress
from loaders.curated_files import curated_path
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
    ("example-school", None),
    ("school-map", "curated:demo_school_map.yaml"),
]


def data_folder(settings: Settings) -> Path:
    """Where the public data files are, fetching them when there is no folder of them."""
    if "shared_data" in settings.model_fields_set or settings.shared_data.is_dir():
        return settings.shared_data
    from loaders.public_data import fetch

    target = settings.state_dir / "shared-data"
    print(f"No {settings.shared_data} here: fetching the public data into {target}", flush=True)
    fetch(target)
    return target


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
