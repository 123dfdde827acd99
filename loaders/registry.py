"""Every loader by name, as data, and the one function that runs a load: plan, then write.

`LOADERS` maps each name to a `Loader`: its help text, the model of its options (checked
before anything is read) and its plan function. `edflows load <name> PATH|URL` (its sub-command
and options are built from this table) and `edflows up` both come through `run_load`.
"""

from __future__ import annotations

import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graph.db import Database
from graph.identifiers import URN_PATTERN
from graph.known_actors import GraphActors
from graph.loadplan import LoadError, LoadPlan, LoadReport
from graph.writer import Progress, write_plan
from loaders.aggregates import plan_aggregates
from loaders.base_map import plan_base
from loaders.example_school import plan_example_school
from loaders.local_authorities import plan_local_authorities
from loaders.npd_catalogue import plan_npd_catalogue
from loaders.releases import plan_releases
from loaders.school_map import plan_school_map
from loaders.school_maps import plan_school_maps
from loaders.schools import plan_schools
from loaders.suppliers import plan_suppliers


class NoOptions(BaseModel):
    """A loader without options."""

    model_config = ConfigDict(extra="ignore")  # the command line passes every option


class ReleasesOptions(NoOptions):
    mapping: Path | None = Field(
        default=None, description="a YAML column mapping for another register's layout"
    )


class SchoolMapOptions(NoOptions):
    urn: str | None = Field(
        default=None, pattern=URN_PATTERN, description="the school's URN (or `urn:` in a YAML map)"
    )


Plan = Callable[[Database, Path | None, Any], tuple[LoadPlan, LoadReport]]


@dataclass(frozen=True)
class Loader:
    """One source: what it reads (help), its options, and how it plans a load."""

    help: str
    plan: Plan
    options: type[NoOptions] = NoOptions
    needs_path: bool = True


def _school_map(db: Database, path: Path | None, options: SchoolMapOptions) -> Any:
    plan, report, _ = plan_school_map(_given(path), options.urn, GraphActors(db))
    return plan, report


LOADERS: dict[str, Loader] = {
    "base": Loader(
        "the curated national map (loaders/curated/base.yaml; PATH optional)",
        lambda db, path, _: plan_base(path, lambda: db.read("list_schools_for_templates")),
        needs_path=False,
    ),
    "local-authorities": Loader(
        "LA code lists (las.csv, EnglishLaNameCodes.csv, codes 2011)",
        lambda db, path, _: plan_local_authorities(_given(path)),
    ),
    "schools": Loader(
        "a school list: the DfE school spine CSV or a GIAS edubasealldata CSV",
        lambda db, path, _: plan_schools(_given(path)),
    ),
    "npd-catalogue": Loader(
        "the data-item catalogue with the NPD concept taxonomy (npd-metadata folder)",
        lambda db, path, _: plan_npd_catalogue(_given(path)),
    ),
    "releases": Loader(
        "a register of NPD releases and shares (CSV; --mapping for other layouts)",
        lambda db, path, options: plan_releases(_given(path), options.mapping),
        ReleasesOptions,
    ),
    "aggregates": Loader(
        "figures the sources state (aggregates.csv), as figure claims on their flows",
        lambda db, path, _: plan_aggregates(
            _given(path), lambda: set(db.read("list_flow_ids")[0]["ids"])
        ),
    ),
    "suppliers": Loader(
        "the supplier catalogue: curated YAML (default) or products.csv",
        lambda db, path, _: plan_suppliers(path),
        needs_path=False,
    ),
    "example-school": Loader(
        "the fictional example school of the demo map (loaders/curated/example_school.yaml)",
        lambda db, path, _: plan_example_school(path, GraphActors(db)),
        needs_path=False,
    ),
    "school-map": Loader(
        "a school's own data map, CSV or YAML (--urn URN)", _school_map, SchoolMapOptions
    ),
    "school-maps": Loader(
        "many schools' data maps in one CSV (a `urn` column plus the map's columns)",
        lambda db, path, _: plan_school_maps(_given(path), GraphActors(db)),
    ),
}


def run_load(
    db: Database,
    name: str,
    target: str | None,
    progress: Progress | None = None,
    **options: Any,
) -> LoadReport:
    """Load one input with the named loader; nothing is written unless all of it is valid.
    `options`: the loader's own (None values are left out: not given)."""
    loader = LOADERS.get(name)
    if loader is None:
        raise LoadError(name, f"no loader called {name!r}; loaders: {', '.join(LOADERS)}.")
    try:
        chosen = loader.options.model_validate({k: v for k, v in options.items() if v is not None})
    except ValidationError as exc:
        err = exc.errors()[0]
        option = ".".join(str(p) for p in err["loc"])
        raise LoadError(name, f"option {option!r}: {err['msg']}.") from None
    if target is None and loader.needs_path:
        raise LoadError(name, "this loader needs a PATH (a file or folder).")
    path = _local_path(target) if target else None
    if path is not None and not path.exists():
        raise LoadError(path, "no such file or folder.")
    try:
        plan, report = loader.plan(db, path, chosen)
    except IsADirectoryError:
        raise LoadError(str(path), "this is a folder; this loader reads one file.") from None
    except OSError as exc:  # unreadable: permissions, a device, a vanished file
        raise LoadError(str(path), f"could not read it ({exc.strerror or exc}).") from None
    write_plan(db, plan, report, progress)
    return report


def _given(path: Path | None) -> Path:
    """The path of a loader that needs one (run_load has checked it was given)."""
    assert path is not None
    return path


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
