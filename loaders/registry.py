"""Every loader by name, and the one function that runs a load: plan, then write atomically.

`edflows load <name> PATH|URL` and `edflows up` both come through `run_load`.
"""

from __future__ import annotations

import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graph.db import Database
from graph.writer import Progress, write_plan
from loaders.aggregates import plan_aggregates
from loaders.base_map import plan_base
from loaders.common import LoadError, LoadPlan, LoadReport
from loaders.local_authorities import plan_local_authorities
from loaders.npd_catalogue import plan_npd_catalogue
from loaders.releases import plan_releases
from loaders.school_map import plan_school_map
from loaders.school_maps import plan_school_maps
from loaders.schools import plan_schools
from loaders.suppliers import plan_suppliers

Planner = Callable[..., tuple[LoadPlan, LoadReport]]

LOADERS: dict[str, str] = {
    "base": "the curated national map (loaders/curated/base.yaml; PATH optional)",
    "local-authorities": "LA code lists (las.csv, EnglishLaNameCodes.csv, codes 2011)",
    "schools": "a school list: the DfE school spine CSV or a GIAS edubasealldata CSV",
    "npd-catalogue": "the data-item catalogue with the NPD concept taxonomy (npd-metadata folder)",
    "releases": "a register of NPD releases and shares (CSV; --mapping for other layouts)",
    "aggregates": "figures the sources state (aggregates.csv), as figure claims on their flows",
    "suppliers": "the supplier catalogue: curated YAML (default) or products.csv",
    "school-map": "a school's own data map, CSV or YAML (--urn URN)",
    "school-maps": "many schools' data maps in one CSV (a `urn` column plus the map's columns)",
}


def run_load(
    db: Database,
    name: str,
    target: str | None,
    progress: Progress | None = None,
    **options: Any,
) -> LoadReport:
    """Load one input with the named loader; nothing is written unless all of it is valid."""
    if name not in LOADERS:
        raise LoadError(name, f"no loader called {name!r}; loaders: {', '.join(LOADERS)}.")
    path = _local_path(target) if target else None
    if path is not None and not path.exists():
        raise LoadError(path, "no such file or folder.")
    try:
        plan, report = _plan(db, name, path, **options)
    except IsADirectoryError:
        raise LoadError(str(path), "this is a folder; this loader reads one file.") from None
    except OSError as exc:  # unreadable: permissions, a device, a vanished file
        raise LoadError(str(path), f"could not read it ({exc.strerror or exc}).") from None
    write_plan(db, plan, report, progress)
    return report


def _plan(
    db: Database, name: str, path: Path | None, **options: Any
) -> tuple[LoadPlan, LoadReport]:
    if name == "base":
        return plan_base(path, db.read("list_schools_for_templates"))
    if name == "suppliers":
        return plan_suppliers(path)
    if path is None:
        raise LoadError(name, "this loader needs a PATH (a file or folder).")
    if name == "local-authorities":
        return plan_local_authorities(path)
    if name == "schools":
        return plan_schools(path)
    if name == "npd-catalogue":
        return plan_npd_catalogue(path)
    if name == "school-map":
        known = set(db.read("list_actor_ids")[0]["ids"])
        plan, report, _ = plan_school_map(path, options.get("urn"), known)
        return plan, report
    if name == "aggregates":
        return plan_aggregates(path, set(db.read("list_flow_ids")[0]["ids"]))
    if name == "school-maps":
        return plan_school_maps(path, set(db.read("list_actor_ids")[0]["ids"]))
    mapping = options.get("mapping")
    return plan_releases(path, Path(mapping) if mapping else None)


def _local_path(target: str) -> Path:
    """A local path, or a URL downloaded to a temporary file first."""
    if not target.startswith(("http://", "https://")):
        return Path(target)
    suffix = Path(target.split("?", 1)[0]).suffix or ".csv"
    folder = Path(tempfile.mkdtemp(prefix="edflows-"))
    path = folder / ("download" + suffix)
    try:
        with urllib.request.urlopen(target, timeout=60) as response:
            path.write_bytes(response.read())
    except OSError as exc:
        raise LoadError(target, f"could not download it: {exc}.") from exc
    return path
