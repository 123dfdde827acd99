"""`edflows load base [PATH]`: the project's curated national map (`loaders/curated/base.yaml`).

The file holds sources, national actors (the DfE, the NPD, the Home Office, ...), the flows
between them, and templates for flows every school (`school_flows`) or every local authority
(`la_flows`) has, such as the census return. The schools and local-authority loaders apply
those templates to each school or authority they load; `edflows load base` applies them to the
schools and authorities already in the graph.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field, PrivateAttr

from graph.loadplan import LoadError, LoadPlan, LoadReport
from graph.model import (
    ActorRecord,
    FlowFacts,
    FlowRecord,
    SourceRecord,
    first_day,
    last_day,
    model,
)
from loaders.catalogue import catalogue_plan
from loaders.common import fingerprint
from loaders.curated_files import curated_path, shared_sources
from loaders.yamlfile import build, line_of, read_yaml


class FlowTemplate(FlowFacts):
    """A flow that every school (or every LA) has; `target: la` means the school's own LA."""

    key: str = Field(pattern=r"^[a-z0-9-]+$")
    target: str
    where_groups: list[str] = Field(default_factory=list)
    _prototype: FlowRecord | None = PrivateAttr(default=None)

    def flow_for(
        self, actor_id: str, key_part: str, la_id: str | None, start: str | None, end: str | None
    ) -> FlowRecord | None:
        """This template's flow from one school or LA; None when it has no target."""
        target = la_id if self.target == "la" else self.target
        if target is None:
            return None
        valid_from = _later(self.valid_from, start)
        valid_to = _earlier(self.valid_to, end)
        if valid_from and valid_to and last_day(valid_to) < first_day(valid_from):
            return None  # the school closed before this flow began
        # Validate one flow per template, then copy it for each school: the parts that differ
        # (ids from the model's own prefixes, dates already checked) need no re-validation.
        if self._prototype is None:
            fields = self.model_dump(exclude={"key", "target", "where_groups"})
            self._prototype = FlowRecord(
                id=f"flow:{self.key}:{key_part}",
                source_actor=actor_id,
                target_actor=target,
                layer="national",
                **fields,
            )
        if model().kind_of_id(actor_id) is None or model().kind_of_id(target) is None:
            raise ValueError(f"{actor_id} -> {target}: not actor ids")
        return self._prototype.model_copy(
            update={
                "id": f"flow:{self.key}:{key_part}",
                "source_actor": actor_id,
                "target_actor": target,
                "valid_from": valid_from,
                "valid_to": valid_to,
            }
        )


@dataclass
class BaseMap:
    """The parsed curated national map."""

    path: str
    sources: list[SourceRecord] = field(default_factory=list)
    actors: list[ActorRecord] = field(default_factory=list)
    flows: list[FlowRecord] = field(default_factory=list)
    school_flows: list[FlowTemplate] = field(default_factory=list)
    la_flows: list[FlowTemplate] = field(default_factory=list)
    digest: str = ""

    def plan(self, origin: str = "base", with_flows: bool = True) -> LoadPlan:
        """The map as a load plan; other loaders take only its sources and actors."""
        plan = catalogue_plan(origin)
        plan.fingerprint = self.digest
        plan.sources += list(self.sources)
        plan.actors = list(self.actors)
        if with_flows:
            plan.flows = list(self.flows)
        return plan


def read_base(path: Path | None = None) -> BaseMap:
    """Parse and validate the curated national map (default: the packaged base.yaml)."""
    path = path or curated_path("base.yaml")
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise LoadError(path, "expected sections sources, actors, flows, school_flows, la_flows.")
    unknown = set(raw) - {"sources", "actors", "flows", "school_flows", "la_flows", "__line__"}
    if unknown:
        raise LoadError(path, f"unknown section(s): {', '.join(sorted(unknown))}.", line=1)
    base = BaseMap(str(path), digest=fingerprint(Path(path).read_bytes()))
    base.sources = shared_sources() + [
        build(path, SourceRecord, s, "source") for s in raw.get("sources") or []
    ]
    base.actors = [build(path, ActorRecord, a, "actor") for a in raw.get("actors") or []]
    base.flows = [build(path, FlowRecord, f, "flow") for f in raw.get("flows") or []]
    base.school_flows = [
        build(path, FlowTemplate, t, "school flow") for t in raw.get("school_flows") or []
    ]
    base.la_flows = [build(path, FlowTemplate, t, "la flow") for t in raw.get("la_flows") or []]
    _check_ids(path, raw, base)
    return base


def plan_base(
    path: Path | None,
    existing_schools: list[dict[str, Any]] | Callable[[], list[dict[str, Any]]],
) -> tuple[LoadPlan, LoadReport]:
    """The base map plus its templates applied to the schools and LAs already in the graph
    (given, or asked for once the file is valid: bad input never waits on the graph)."""
    base = read_base(path)
    if callable(existing_schools):
        existing_schools = existing_schools()
    report = LoadReport("base", base.path)
    report.rows_read = len(base.actors) + len(base.flows)
    plan = base.plan()
    la_ids = sorted({s["la_id"] for s in existing_schools if s.get("la_id")})
    for school in existing_schools:
        plan.flows += school_template_flows(base, school)
    for la_id in la_ids:
        plan.flows += la_template_flows(base, la_id)
    return plan, report


def school_template_flows(base: BaseMap, school: dict[str, Any]) -> list[FlowRecord]:
    """The template flows of one school: {id, urn, group, la_id, opened, closed}."""
    flows = []
    for template in base.school_flows:
        if template.where_groups and school.get("group") not in template.where_groups:
            continue
        flow = template.flow_for(
            school["id"],
            str(school["urn"]),
            school.get("la_id"),
            school.get("opened"),
            school.get("closed"),
        )
        if flow:
            flows.append(flow)
    return flows


def la_template_flows(
    base: BaseMap, la_id: str, start: str | None = None, end: str | None = None
) -> list[FlowRecord]:
    """The template flows of one local authority (in force while the authority was)."""
    flows = []
    for template in base.la_flows:
        flow = template.flow_for(la_id, la_id.split(":", 1)[1], None, start, end)
        if flow:
            flows.append(flow)
    return flows


def _check_ids(path: Path, raw: dict[str, Any], base: BaseMap) -> None:
    source_ids = {s.id for s in base.sources}
    actor_ids = {a.id for a in base.actors}
    dupes = {a.id for a in base.actors if [x.id for x in base.actors].count(a.id) > 1}
    if dupes:
        raise LoadError(path, f"actor id(s) defined twice: {', '.join(sorted(dupes))}.")
    records: list[tuple[Any, ActorRecord | FlowRecord]] = [
        *zip(raw.get("actors") or [], base.actors, strict=True),
        *zip(raw.get("flows") or [], base.flows, strict=True),
    ]
    for raw_record, record in records:
        for sid in record.source_ids:
            if sid not in source_ids:
                raise LoadError(
                    path,
                    f"{record.id}: unknown source {sid!r}.",
                    line=line_of(raw_record),
                    hint="Define it under `sources:` here or in sources.yaml.",
                )
    for raw_flow, flow in zip(raw.get("flows") or [], base.flows, strict=True):
        for end in (flow.source_actor, flow.target_actor):
            if end not in actor_ids:
                raise LoadError(path, f"{flow.id}: unknown actor {end!r}.", line=line_of(raw_flow))
    for template in [*base.school_flows, *base.la_flows]:
        if template.target != "la" and template.target not in actor_ids:
            raise LoadError(path, f"template {template.key}: unknown target {template.target!r}.")
        for claim in template.claims:
            if claim.source not in source_ids:
                raise LoadError(path, f"template {template.key}: unknown source {claim.source!r}.")


def _later(a: str | None, b: str | None) -> str | None:
    """The later of two starts (partial dates compared by the first day they can mean)."""
    return max(filter(None, [a, b]), key=first_day, default=None)


def _earlier(a: str | None, b: str | None) -> str | None:
    """The earlier of two ends (partial dates compared by the last day they can mean)."""
    return min(filter(None, [a, b]), key=last_day, default=None)
