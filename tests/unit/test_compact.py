"""Compact answers (graph/compact.py) lose nothing: each expands back to exactly the full
answer, every flow's hop and every source is in them once, and paths name flows by id."""

from __future__ import annotations

import json

import pytest

from graph.compact import (
    CompactHop,
    CompactPaths,
    CompactReach,
    CompactReached,
    CompactUpstream,
    compact_paths,
    compact_reach,
    compact_upstream,
    expand_paths,
    expand_reach,
    expand_upstream,
)
from graph.results import (
    ActorRef,
    Dispute,
    DisputeSide,
    FigureRef,
    Hop,
    HopFields,
    ItemRef,
    PathsResult,
    Reached,
    ReachResult,
    SourceRef,
    UpstreamResult,
)
from graph.traversal import summarise

SCHOOL = ActorRef(id="school:900001", name="Synthetic School", kind="School", org_type="school")
MIS = ActorRef(id="product:mis", name="Synthetic MIS", kind="Product")
DATASET = ActorRef(id="dataset:d", name="Synthetic dataset", kind="Dataset")
ITEM = ItemRef(id="pupil.contact.postcode", name="Home postcode", gdpr="ordinary", npd_tier=1)
TALK = SourceRef(id="src:talk", title="A talk", publisher="Someone", kind="seed_talk")
GUIDE = SourceRef(id="src:guide", title="A guide", url="https://example.org/guide")


def hop(flow_id: str, src: str, dst: str, *sources: SourceRef, evidence: str = "stated") -> Hop:
    return Hop(
        flow_id=flow_id,
        from_id=src,
        to_id=dst,
        kind="synthetic",
        evidence=evidence,
        matched_items=[ITEM.id],
        items=[ITEM.id, "pupil.identity.name"],
        retention="6 years",
        tier=2,
        disputed_items=["pupil.identity.name"],
        disputes=[
            Dispute(
                item="pupil.identity.name",
                stated_by=[DisputeSide(claim="c1", source="src:talk", quote="it does")],
                denied_by=[DisputeSide(claim="c2", source="src:guide", statement="it does not")],
            )
        ],
        figures=[FigureRef(what="rows", value="5", number=5, period="2020", source="s", claim="c")],
        record=f"/flows/{flow_id}",
        sources=list(sources),
    )


def reached_by(*orgs: tuple[ActorRef, list[Hop]]) -> list[Reached]:
    return [
        Reached(
            actor=a, evidence=min((h.evidence for h in p), default="stated"), hops=len(p), path=p
        )
        for a, p in orgs
    ]


FIRST = hop("flow:s-mis", SCHOOL.id, MIS.id, TALK, GUIDE)
SECOND = hop("flow:mis-d", MIS.id, DATASET.id, TALK)
RECIPIENTS = [
    ActorRef(id=f"org:r{n}", name=f"Recipient {n}", kind="Organisation", org_type="commercial")
    for n in range(5)
]
ONWARD = [
    hop(f"flow:d-r{n}", DATASET.id, r.id, GUIDE, evidence="unknown")
    for n, r in enumerate(RECIPIENTS)
]


def reach_result() -> ReachResult:
    reached = reached_by(
        (MIS, [FIRST]),
        (DATASET, [FIRST, SECOND]),
        *((r, [FIRST, SECOND, ONWARD[n]]) for n, r in enumerate(RECIPIENTS)),
    )
    return ReachResult(
        origin=SCHOOL,
        item=ITEM,
        include_derived=False,
        as_of="2020-01-01",
        max_hops=10,
        recipient_type=None,
        reached=reached,
        summary=summarise(reached),
    )


def test_a_reach_expands_back_to_exactly_the_full_answer() -> None:
    full = reach_result()
    compact = compact_reach(full)
    assert expand_reach(compact) == full
    # through its JSON too, as a client reads it
    again = CompactReach.model_validate_json(compact.model_dump_json())
    assert expand_reach(again).model_dump(mode="json") == full.model_dump(mode="json")
    # each flow once, each source once, paths as flow ids
    assert list(compact.flows) == ["flow:s-mis", "flow:mis-d", *(h.flow_id for h in ONWARD)]
    assert list(compact.sources) == ["src:talk", "src:guide"]
    assert compact.sources["src:guide"] == GUIDE
    assert compact.reached[-1].path == ["flow:s-mis", "flow:mis-d", "flow:d-r4"]
    assert compact.reached[-1].hops == 3
    assert compact.flows["flow:s-mis"].source_ids == ["src:talk", "src:guide"]
    assert compact.flows["flow:s-mis"].disputes == FIRST.disputes
    body = json.loads(compact.model_dump_json())
    assert body["flows"]["flow:mis-d"]["source_ids"] == ["src:talk"]
    assert "sources" not in body["flows"]["flow:mis-d"]
    # the compact JSON is smaller: the first hop is written once, not seven times
    assert len(compact.model_dump_json()) < len(full.model_dump_json()) / 2


def test_paths_and_sources_of_expand_back_too() -> None:
    paths = PathsResult(
        origin=SCHOOL,
        target=DATASET,
        item=ITEM,
        evidence="stated",
        hops=2,
        paths=[[FIRST, SECOND], [hop("flow:s-d", SCHOOL.id, MIS.id, GUIDE), SECOND]],
        truncated=True,
    )
    compact = compact_paths(paths)
    assert compact.paths == [["flow:s-mis", "flow:mis-d"], ["flow:s-d", "flow:mis-d"]]
    assert compact.hops == 2 and list(compact.flows) == ["flow:s-mis", "flow:mis-d", "flow:s-d"]
    assert expand_paths(CompactPaths.model_validate_json(compact.model_dump_json())) == paths
    origins = reached_by((SCHOOL, [FIRST, SECOND]), (MIS, [SECOND]))
    upstream = UpstreamResult(
        target=DATASET,
        item=ITEM,
        origins=origins,
        total=9,
        truncated=True,
        summary=summarise(origins),
    )
    back = compact_upstream(upstream)
    assert back.origins[0].path == ["flow:s-mis", "flow:mis-d"] and back.total == 9
    assert expand_upstream(CompactUpstream.model_validate_json(back.model_dump_json())) == upstream


def test_no_answer_loses_a_path_or_a_source() -> None:
    none = PathsResult(
        origin=SCHOOL,
        target=DATASET,
        item=ITEM,
        evidence=None,
        hops=None,
        paths=[],
        truncated=False,
    )
    compact = compact_paths(none)
    assert compact.flows == {} and compact.sources == {} and expand_paths(compact) == none
    # a hop whose source is not in the catalogue keeps its stub record
    stub = hop("flow:x", SCHOOL.id, MIS.id, SourceRef(id="src:unknown"))
    lone = compact_paths(none.model_copy(update={"paths": [[stub]], "hops": 1}))
    assert lone.sources == {"src:unknown": SourceRef(id="src:unknown")}
    assert expand_paths(lone).paths == [[stub]]


def test_two_different_hops_of_one_flow_are_refused() -> None:
    other = FIRST.model_copy(update={"evidence": "unknown"})
    result = reach_result()
    result.reached[1].path[0] = other
    with pytest.raises(ValueError, match="flow:s-mis"):
        compact_reach(result)


def test_the_compact_models_keep_every_field_of_the_full_ones() -> None:
    """A field added to a full answer must be added to its compact one (the conversion copies
    fields by name, and would drop it)."""
    assert set(CompactHop.model_fields) == set(HopFields.model_fields) | {"source_ids"}
    assert set(Hop.model_fields) == set(HopFields.model_fields) | {"sources"}
    for full, compact in (
        (ReachResult, CompactReach),
        (PathsResult, CompactPaths),
        (UpstreamResult, CompactUpstream),
    ):
        assert set(compact.model_fields) == set(full.model_fields) | {"flows", "sources"}
    assert set(CompactReached.model_fields) == set(Reached.model_fields)
