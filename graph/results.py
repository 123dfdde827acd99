"""Typed results of the query services: the same objects feed the API's JSON, the CLI's tables
and the pages, so the three never disagree."""

from __future__ import annotations

import json
from copy import copy
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, Field


def iso_utc(value: Any) -> Any:
    """A moment as fixed-width ISO 8601 in UTC with milliseconds (`2026-11-30T08:22:48.350Z`),
    so that timestamps sort as strings. Neo4j's own `toString()` drops trailing zeros
    (`...48.35Z` would sort after `...48.358Z`). Accepts Neo4j's DateTime or Python's datetime;
    anything else is left for the model's own check."""
    if hasattr(value, "to_native"):
        value = value.to_native()
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    return value


Timestamp = Annotated[str, BeforeValidator(iso_utc)]


class SourceRef(BaseModel):
    """A document that evidences a fact."""

    id: str = Field(examples=["defenddigitalme-2017-talk"])
    title: str | None = Field(default=None, examples=["Mapping children's digital footprint"])
    publisher: str | None = None
    url: str | None = None
    date: str | None = None
    checked: str | None = None
    kind: str | None = Field(default=None, examples=["seed_talk"])


class ActorRef(BaseModel):
    """An organisation, school, dataset or product, by its stable id."""

    id: str = Field(examples=["school:example"])
    name: str = Field(examples=["Example School (fictional; edflows demonstration)"])
    kind: str = Field(examples=["School"])
    org_type: str | None = Field(default=None, examples=["school"])


class ItemRef(BaseModel):
    id: str = Field(examples=["pupil.contact.postcode"])
    name: str = Field(examples=["Home postcode"])
    gdpr: str | None = Field(default=None, examples=["ordinary"])
    npd_tier: int | None = Field(default=None, examples=[1])


class FigureRef(BaseModel):
    """A number a source states about a flow, with its source and period; a superseded one
    names the claim that corrected it (shown beside it)."""

    what: str = Field(examples=["pupils whose information was shared with police"])
    value: str = Field(examples=["62"])
    number: float | None = Field(default=None, examples=[62])
    period: str = Field(examples=["2012-04 to 2016-10"])
    source: str = Field(examples=["parliament-hcws272"])
    claim: str = Field(examples=["hcws272-police"])
    quote: str | None = None
    superseded_by: str | None = Field(
        default=None, description="the claim that corrects this one; null: the figure is live"
    )


def figures_from(flow: dict[str, Any]) -> list[FigureRef]:
    """A flow's figures as stored: its own claims' and those of an aggregates load."""
    rows: list[dict[str, Any]] = []
    for key in ("own_figures_json", "figures_json"):
        raw = flow.get(key)
        if raw:
            rows += json.loads(raw)
    return [FigureRef.model_validate(r) for r in rows]


class DisputeSide(BaseModel):
    claim: str = Field(examples=["ddm-boycott-timeline"])
    source: str = Field(examples=["ddm-boycott-timeline"])
    quote: str | None = Field(default=None, description="verbatim; null where none is at hand")
    statement: str | None = Field(default=None, description="what the claim says, not a quote")


class Dispute(BaseModel):
    """One disputed item of a hop: the live claims that state it and those that deny it."""

    item: str = Field(examples=["pupil.characteristics.nationality"])
    stated_by: list[DisputeSide]
    denied_by: list[DisputeSide]


class FlowFields(BaseModel):
    """A flow's fields as the answers show them, DECLARED ONCE: names, types, defaults and
    descriptions. Every model that shows a flow derives from it: `Hop` and the compact
    answers' `CompactHop` (through `HopFields`), and, field by field through `flow_field`,
    the flows of an organisation's record (`FlowSummary`), the releases (`Release`), a
    notice's recipients (`Recipient`) and the records loaders write (`FlowFacts`).

    The queries that feed hops (`cypher/reach_step*.cypher`, `cypher/reach_layer_flows.cypher`)
    project exactly `HOP_PROPERTIES` (tests/unit/test_flow_fields.py checks it), and
    `flow_values` turns such a row into these fields."""

    kind: str = Field(examples=["census_return"])
    items: list[str] = Field(
        default_factory=list, description="the data items the flow carries (catalogue ids)"
    )
    subjects: list[str] = Field(default_factory=list, description="whose data it is")
    purposes: list[str] = Field(default_factory=list, description="its purposes (model.yaml)")
    purpose_text: str | None = Field(default=None, description="its purpose, in words")
    lawful_basis: str | None = None
    art9_condition: str | None = Field(
        default=None, description="the UK GDPR Article 9 condition, for special category data"
    )
    retention: str | None = Field(default=None, description="how long the data is kept")
    retention_indefinite: bool = Field(default=False, description="kept with no end")
    storage_country: str | None = Field(default=None, description="where the data is stored")
    tier: int | None = Field(default=None, description="its NPD tier (1 is the most sensitive)")
    valid_from: str | None = Field(
        default=None, description="when it came into force, as stated: YYYY, YYYY-MM or YYYY-MM-DD"
    )
    valid_to: str | None = Field(
        default=None, description="when it ends or ended, as stated: YYYY, YYYY-MM or YYYY-MM-DD"
    )
    outcome: str | None = None
    conflicts: list[str] = Field(
        default_factory=list, description="the fields on which live claims disagree"
    )
    disputed_items: list[str] = Field(
        default_factory=list, description="items some live claims state and others deny"
    )
    denied_items: list[str] = Field(
        default_factory=list, description="items some live claim says the flow does not carry"
    )
    disputes: list[Dispute] = Field(
        default_factory=list, description="each disputed item with both sides' claims and quotes"
    )
    figures: list[FigureRef] = Field(default_factory=list, description="figures its sources state")
    record: str = Field(
        default="",
        description="the flow's own record: every claim, the timeline, the audit history",
        examples=["/flows/flow:npd-to-police"],
    )


# The flow properties each field of `FlowFields` is read from, where it is not its own name
READ_FROM: dict[str, tuple[str, ...]] = {
    "disputes": ("disputes_json",),
    "figures": ("figures_json", "own_figures_json"),
    "record": ("id",),
}
# The fields stored as they are shown, under their own names (`kind` too; "flow" when none)
STORED_AS_SHOWN = tuple(name for name in FlowFields.model_fields if name not in READ_FROM)
# Exactly what a query that feeds hops projects of a flow: which flow (`id`), its `layer`,
# its `source_ids` (its sources, by id), and the properties its fields are read from
HOP_PROPERTIES: tuple[str, ...] = tuple(
    dict.fromkeys(
        [
            "id",
            "layer",
            "source_ids",
            *(p for name in FlowFields.model_fields for p in READ_FROM.get(name, (name,))),
        ]
    )
)


def flow_values(flow: dict[str, Any]) -> dict[str, Any]:
    """A flow as a hop query projects it (`HOP_PROPERTIES`), as the values of `FlowFields`:
    a property that is missing or null takes the field's default."""
    values = {name: flow[name] for name in STORED_AS_SHOWN if flow.get(name) is not None}
    values["kind"] = flow.get("kind") or "flow"
    values["disputes"] = json.loads(flow["disputes_json"]) if flow.get("disputes_json") else []
    values["figures"] = figures_from(flow)
    values["record"] = f"/flows/{flow['id']}"
    return values


def flow_field(name: str) -> Any:
    """The declaration of one of `FlowFields`' fields (default, description, examples), for a
    model that shows only some of a flow's fields: `items: list[str] = flow_field("items")`.
    tests/unit/test_flow_fields.py checks that each such model's field keeps its type."""
    return copy(FlowFields.model_fields[name])


class HopEnds(BaseModel):
    """Which flow a hop is, between which ends, and how it carries the item asked about."""

    flow_id: str = Field(examples=["flow:census-return:example"])
    from_id: str
    to_id: str
    evidence: str = Field(
        description="stated (the flow lists the item), disputed (it lists it, but other live "
        "claims deny it), implied (only an NPD tier that covers it), unknown (the flow states "
        "neither items nor tier)",
        examples=["stated"],
    )
    matched_items: list[str] = Field(
        default_factory=list, description="the flow's items that carry the item asked about"
    )
    derived: bool = Field(default=False, description="carried only as data derived from the item")


class HopFields(FlowFields, HopEnds):
    """What a hop says about its flow, but its sources: its ends (`HopEnds`), then the flow's
    fields (`FlowFields`). Shared by `Hop` (sources in full) and the compact answers'
    `CompactHop` (source ids, graph/compact.py)."""


class Hop(HopFields):
    """One flow on a path, with everything its sources say about it."""

    sources: list[SourceRef] = Field(default_factory=list)


P = TypeVar("P")  # a step of a path: a `Hop` (full answers) or a flow id (compact answers)
R = TypeVar("R")  # a reached organisation: `Reached` (full) or `CompactReached` (compact)


class ReachedAnswer(BaseModel, Generic[P]):
    """An organisation the item can reach, with ONE shortest witness path."""

    actor: ActorRef
    evidence: str = Field(examples=["stated"])
    hops: int = Field(description="the number of hops of the path", examples=[1])
    path: list[P]


class Reached(ReachedAnswer[Hop]):
    """An organisation the item can reach, with ONE shortest witness path."""


class ReachSummary(BaseModel):
    total: int
    by_type: dict[str, int] = Field(description="reached organisations by type")
    by_evidence: dict[str, int] = Field(description="reached organisations by evidence class")
    by_type_and_evidence: dict[str, dict[str, int]]
    longest_retention: str | None = Field(
        default=None, description="the longest retention stated on any hop of the paths"
    )
    kept_indefinitely: bool = Field(description="some hop keeps the data with no end")
    kept_indefinitely_by: list[str] = Field(default_factory=list)
    purposes: list[str]
    lawful_bases: list[str]
    storage_countries: list[str]
    highest_tier: int | None = Field(
        default=None, description="the most sensitive NPD tier met on any hop (1 is the most)"
    )


class ReachAnswer(BaseModel, Generic[R]):
    """`/reach`'s fields, full (`ReachResult`) or compact (graph/compact.py `CompactReach`)."""

    origin: ActorRef
    item: ItemRef
    include_derived: bool
    as_of: str | None
    max_hops: int
    recipient_type: str | None
    reached: list[R]
    summary: ReachSummary


class ReachResult(ReachAnswer[Reached]):
    pass


class PathsAnswer(BaseModel, Generic[P]):
    """`/paths`' fields, full (`PathsResult`) or compact (graph/compact.py `CompactPaths`)."""

    origin: ActorRef
    target: ActorRef
    item: ItemRef
    evidence: str | None = Field(description="the best evidence class of any path; null: none")
    hops: int | None = Field(description="the number of hops of each path; null: no path")
    paths: list[list[P]]
    truncated: bool = Field(description="more shortest paths exist than are listed")


class PathsResult(PathsAnswer[Hop]):
    pass


class UpstreamAnswer(BaseModel, Generic[R]):
    """`/sources-of`'s fields, full (`UpstreamResult`) or compact (`CompactUpstream`)."""

    target: ActorRef
    item: ItemRef
    origins: list[R] = Field(
        description="where the data reaching the target comes from (nearest first, up to "
        "`limit`); each path runs forward to the target"
    )
    total: int = Field(description="how many origins there are in all")
    truncated: bool = Field(description="more origins exist than are listed")
    summary: ReachSummary = Field(description="over ALL origins, not just those listed")


class UpstreamResult(UpstreamAnswer[Reached]):
    pass


class CutResult(BaseModel):
    origin: ActorRef
    target: ActorRef
    item: ItemRef
    reachable: bool
    cut_size: int = Field(description="the fewest flows whose stopping keeps the item away")
    flows: list[Hop]
    note: str


class GraphNode(BaseModel):
    id: str
    name: str
    kind: str
    org_type: str | None = None
    category: str | None = None
    depth: int


class GraphEdge(BaseModel):
    id: str
    from_id: str
    to_id: str
    type: str = Field(examples=["FLOW"])
    kind: str | None = None
    category: str | None = Field(
        default=None,
        description="the category the school's own map gives this flow (model.yaml "
        "school_map_categories); null on national and catalogue flows",
        examples=["mis"],
    )
    layer: str | None = Field(
        default=None,
        description="national, catalogue, or school:<URN> for a school's own map",
        examples=["school:example"],
    )
    items: list[str] = Field(default_factory=list)
    source_ids: list[str] = Field(default_factory=list)


class Subgraph(BaseModel):
    root: ActorRef
    depth: int
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool
    limit: int
