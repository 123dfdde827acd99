"""`edflows load example-school`: the one fictional school, for the demonstration map.

The demo map (loaders/curated/demo_school_map.yaml) describes systems no real school has
stated, so it belongs to a school that does not exist: `school:example` (URN "example"),
defined in loaders/curated/example_school.yaml. The school sits in a real local authority, and
the base map's census templates give it the census flows any school of its group has, so the
example joins the national layer as a real school would. Those are national flows, like every
school's census return: a national count of schools (sources-of, upstream, stats) includes
the example school, whose node says what it is (`example: true`). The local authority must be
in the graph already (load the school list or the LA code lists first).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graph.identifiers import EXAMPLE_URN
from graph.known_actors import KnownActors
from graph.loadplan import LoadError, LoadPlan, LoadReport
from graph.model import ActorRecord, Evidence, SourceRecord
from loaders.base_map import read_base, school_template_flows
from loaders.common import fingerprint
from loaders.curated_files import curated_path
from loaders.yamlfile import build, read_yaml


class ExampleSchool(BaseModel):
    """The example school's entry: it is fictional, and its URN and name say so."""

    model_config = ConfigDict(extra="forbid")

    urn: str = Field(pattern=rf"^{EXAMPLE_URN}$")
    name: str = Field(min_length=3, pattern=r"(?i)example")
    la: str = Field(pattern=r"^\d{3}$", description="a real local authority's 3-digit code")
    group: str
    phase: str | None = None


def plan_example_school(
    path: Path | None, actors: KnownActors | None = None
) -> tuple[LoadPlan, LoadReport]:
    """The example school as a load plan; `actors`: those in the graph (its local authority is
    checked when given, so the school never hangs off an authority that is not there)."""
    path = path or curated_path("example_school.yaml")
    raw = read_yaml(path)
    if not isinstance(raw, dict) or set(raw) - {"school", "source", "__line__"}:
        raise LoadError(path, "expected two sections: school and source.", line=1)
    school = build(path, ExampleSchool, raw.get("school"), "school")
    source = build(path, SourceRecord, raw.get("source"), "source")
    la_id = f"la:{school.la}"
    if actors is not None and not actors.among({la_id}):
        raise LoadError(
            path,
            f"local authority {la_id} is not in the graph.",
            column="school.la",
            hint="Load the school list or the LA code lists first.",
        )
    base = read_base()
    plan = base.plan(origin="example-school", with_flows=False)
    plan.report_kinds = {"actors", "flows", "links"}
    plan.fingerprint = fingerprint(Path(path).read_bytes(), base.digest.encode())
    plan.sources.append(source)
    school_id = f"school:{school.urn}"
    props: dict[str, Any] = {
        "urn": school.urn,
        "la_code": school.la,
        "la_id": la_id,
        "group": school.group,
        "status": "open",
        "example": True,
    }
    if school.phase:
        props["phase"] = school.phase
    plan.actors.append(
        ActorRecord(
            id=school_id,
            kind="School",
            name=school.name,
            org_type="school",
            props=props,
            evidence=[Evidence(source=source.id, locator=f"{Path(path).name}, school")],
        )
    )
    plan.links.append(("IN_LA", school_id, la_id))
    plan.flows += school_template_flows(base, {"id": school_id, **props})
    report = LoadReport("example-school", str(path))
    report.rows_read = 1
    report.notes.append(f"{school_id} is a FICTIONAL school for the demonstration map")
    return plan, report
