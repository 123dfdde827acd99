"""Compact answers: each flow's hop once, each source once, paths as lists of flow ids.

The journey services (graph/journeys.py) answer with full objects: every `Reached.path` and
every path of `PathsResult.paths` lists its hops in full, each hop with its sources in full.
Witness paths share most of their hops (a reach of 500 organisations repeats the same first
hops hundreds of times), so the API, the CLI's `--json` and the pages answer in the compact
shape made here, at the edge:

- `flows`: `{flow_id: CompactHop}`, every flow on any listed path once. A `CompactHop` is a
  `Hop` with `source_ids` in place of its `sources`.
- `sources`: `{source_id: SourceRef}`, every source of those flows once.
- a reached organisation's (or an origin's) `path` is its witness path as a list of flow ids
  in the direction the data moves; each of `paths` (the `/paths` answer) is a list of flow ids.
- counts keep their names: `Reached.hops` and `PathsResult.hops` are still numbers of hops;
  the map is called `flows` in every answer so that it never clashes with them.

`expand_*` turns a compact answer back into the full one; the tests check that
`expand_x(compact_x(answer)) == answer` and that the API's JSON expands to the service's own
answer, so the compact shape loses nothing. A flow's hop depends only on the flow and the
question (evidence class, matched items), so within one answer one flow has one hop;
`compact_*` raises `ValueError` if two hops of one flow ever differ.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graph.compact_example import EXAMPLE_REACH
from graph.results import (
    Hop,
    HopFields,
    PathsAnswer,
    PathsResult,
    ReachAnswer,
    Reached,
    ReachedAnswer,
    ReachResult,
    SourceRef,
    UpstreamAnswer,
    UpstreamResult,
)

HOP_FIELDS = tuple(HopFields.model_fields)

FLOWS_DESCRIPTION = (
    "every flow on a listed path, ONCE, by its flow id: its hop (as `Hop`, with `source_ids` "
    "in place of `sources`)"
)
SOURCES_DESCRIPTION = "every source the flows cite, ONCE, by its id"


class CompactHop(HopFields):
    """A flow's hop, once per answer: a `Hop` whose sources are named by id (each source is
    in the answer's `sources`)."""

    model_config = ConfigDict(extra="forbid")

    source_ids: list[str] = Field(
        default_factory=list,
        description="the ids of the flow's sources, each a key of the answer's `sources`",
        examples=[["govuk-complete-school-census-submit"]],
    )


class CompactTables(BaseModel):
    """What a compact answer adds to the full one's fields: each flow and source once."""

    flows: dict[str, CompactHop] = Field(description=FLOWS_DESCRIPTION)
    sources: dict[str, SourceRef] = Field(description=SOURCES_DESCRIPTION)


class CompactReached(ReachedAnswer[str]):
    """An organisation the item can reach (or, upstream, an origin), with ONE shortest
    witness path as flow ids."""

    model_config = ConfigDict(extra="forbid")

    path: list[str] = Field(
        description="the witness path: flow ids in the direction the data moves, each a key "
        "of the answer's `flows`",
        examples=[["flow:census-return:example"]],
    )


class CompactReach(CompactTables, ReachAnswer[CompactReached]):
    """`/reach`: every organisation the item can reach, each with one witness path of flow
    ids; the flows' hops in `flows` and their sources in `sources`, each once."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_REACH]})


class CompactPaths(CompactTables, PathsAnswer[str]):
    """`/paths`: the shortest paths as lists of flow ids; their hops in `flows` and sources
    in `sources`, each once."""

    model_config = ConfigDict(extra="forbid")

    paths: list[list[str]] = Field(
        description="each shortest path as flow ids from `origin` to `target`, each a key of "
        "`flows`",
        examples=[[["flow:census-return:example"]]],
    )


class CompactUpstream(CompactTables, UpstreamAnswer[CompactReached]):
    """`/sources-of`: where the data reaching the target comes from, each origin with one
    path of flow ids (running forward to the target); hops in `flows`, sources in `sources`."""

    model_config = ConfigDict(extra="forbid")


# -- full -> compact ---------------------------------------------------------------------------


class _Table:
    """The flows and sources of one answer, each kept once."""

    def __init__(self) -> None:
        self.flows: dict[str, CompactHop] = {}
        self.sources: dict[str, SourceRef] = {}
        self._full: dict[str, Hop] = {}

    def add(self, hop: Hop) -> str:
        known = self._full.get(hop.flow_id)
        if known is not None:
            if known is not hop and known != hop:
                raise ValueError(f"two different hops of {hop.flow_id} in one answer")
            return hop.flow_id
        self._full[hop.flow_id] = hop
        for source in hop.sources:
            seen = self.sources.setdefault(source.id, source)
            if seen is not source and seen != source:
                raise ValueError(f"two different records of source {source.id} in one answer")
        # shares the hop's values (no copy, no validation: they were checked when it was made)
        self.flows[hop.flow_id] = CompactHop.model_construct(
            **{name: getattr(hop, name) for name in HOP_FIELDS},
            source_ids=[s.id for s in hop.sources],
        )
        return hop.flow_id

    def reached(self, r: Reached) -> CompactReached:
        return CompactReached.model_construct(
            actor=r.actor, evidence=r.evidence, hops=r.hops, path=[self.add(h) for h in r.path]
        )


def _kept(answer: BaseModel, full: type[BaseModel], steps: str) -> dict[str, Any]:
    """The fields of an answer that both shapes share (`full`'s, but its paths, `steps`)."""
    return {k: getattr(answer, k) for k in full.model_fields if k != steps}


def compact_reach(result: ReachResult) -> CompactReach:
    t = _Table()
    reached = [t.reached(r) for r in result.reached]
    kept = _kept(result, ReachResult, "reached")
    return CompactReach.model_construct(**kept, reached=reached, flows=t.flows, sources=t.sources)


def compact_paths(result: PathsResult) -> CompactPaths:
    t = _Table()
    paths = [[t.add(h) for h in path] for path in result.paths]
    kept = _kept(result, PathsResult, "paths")
    return CompactPaths.model_construct(**kept, paths=paths, flows=t.flows, sources=t.sources)


def compact_upstream(result: UpstreamResult) -> CompactUpstream:
    t = _Table()
    origins = [t.reached(r) for r in result.origins]
    kept = _kept(result, UpstreamResult, "origins")
    return CompactUpstream.model_construct(
        **kept, origins=origins, flows=t.flows, sources=t.sources
    )


# -- compact -> full ---------------------------------------------------------------------------


class _Expander:
    """The full hops of one compact answer (one `Hop` per flow, as the services make them)."""

    def __init__(self, flows: dict[str, CompactHop], sources: dict[str, SourceRef]) -> None:
        self.flows, self.sources = flows, sources
        self._hops: dict[str, Hop] = {}

    def hop(self, flow_id: str) -> Hop:
        hop = self._hops.get(flow_id)
        if hop is None:
            c = self.flows[flow_id]
            hop = Hop(
                **{name: getattr(c, name) for name in HOP_FIELDS},
                sources=[self.sources[s] for s in c.source_ids],
            )
            self._hops[flow_id] = hop
        return hop

    def path(self, flow_ids: list[str]) -> list[Hop]:
        return [self.hop(f) for f in flow_ids]

    def reached(self, r: CompactReached) -> Reached:
        return Reached(actor=r.actor, evidence=r.evidence, hops=r.hops, path=self.path(r.path))


def expand_reach(answer: CompactReach) -> ReachResult:
    """The full answer a compact reach stands for."""
    x = _Expander(answer.flows, answer.sources)
    reached = [x.reached(r) for r in answer.reached]
    return ReachResult(**_kept(answer, ReachResult, "reached"), reached=reached)


def expand_paths(answer: CompactPaths) -> PathsResult:
    x = _Expander(answer.flows, answer.sources)
    return PathsResult(
        **_kept(answer, PathsResult, "paths"), paths=[x.path(p) for p in answer.paths]
    )


def expand_upstream(answer: CompactUpstream) -> UpstreamResult:
    x = _Expander(answer.flows, answer.sources)
    origins = [x.reached(r) for r in answer.origins]
    return UpstreamResult(**_kept(answer, UpstreamResult, "origins"), origins=origins)
