"""A flow's fields are declared once (graph/results.py `FlowFields`): the queries that feed
hops project exactly what they are read from, a hop shows every one of them, and the models
that show some of them keep the declared types and descriptions. No database."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from pydantic import BaseModel

from graph.compact import CompactHop, CompactPaths, CompactReach, CompactUpstream
from graph.explore import FlowSummary, Release
from graph.journeys import _hop
from graph.model import FlowFacts
from graph.queries import available, query
from graph.results import (
    HOP_PROPERTIES,
    READ_FROM,
    FlowFields,
    Hop,
    PathsResult,
    ReachResult,
    SourceRef,
    UpstreamResult,
    flow_values,
)
from graph.transparency import Recipient
from graph.traversal import Edge

HOP_QUERIES = ("reach_step", "reach_step_back", "reach_layer_flows")
PROJECTION = re.compile(r"\b(\w+)\{([^{}]*)\}\s+AS\s+flow\b")


def flow_projection(name: str) -> list[str]:
    """The keys of the one `x{.a, .b, ...} AS flow` map projection of a query."""
    found = PROJECTION.findall(query(name))
    assert len(found) == 1, f"{name}: {len(found)} projections AS flow"
    entries = [e.strip() for e in found[0][1].split(",")]
    assert all(re.fullmatch(r"\.\w+", e) for e in entries), f"{name}: {entries}"
    return [e[1:] for e in entries]


@pytest.mark.parametrize("name", HOP_QUERIES)
def test_a_hop_query_projects_exactly_what_the_declared_fields_are_read_from(name: str) -> None:
    keys = flow_projection(name)
    assert len(keys) == len(set(keys)), f"{name} projects a key twice"
    assert set(keys) == set(HOP_PROPERTIES)


def test_every_query_that_projects_a_flow_for_hops_is_checked() -> None:
    feeding = {
        n for n in available() if "disputes_json" in query(n) and PROJECTION.search(query(n))
    }
    assert feeding == set(HOP_QUERIES)


def test_the_properties_are_the_declared_fields_and_what_names_the_flow() -> None:
    read = {p for name in FlowFields.model_fields for p in READ_FROM.get(name, (name,))}
    assert set(HOP_PROPERTIES) == read | {"id", "layer", "source_ids"}
    assert set(READ_FROM) <= set(FlowFields.model_fields)


def stored_flow() -> dict[str, Any]:
    """A flow as a step query projects it, every property set."""
    return {
        "id": "flow:synthetic",
        "layer": "national",
        "kind": "census_return",
        "items": ["pupil.contact.postcode"],
        "subjects": ["pupil"],
        "purposes": ["statutory_return"],
        "purpose_text": "a SYNTHETIC purpose",
        "lawful_basis": "a SYNTHETIC basis",
        "art9_condition": "a SYNTHETIC condition",
        "retention": "6 years",
        "retention_indefinite": True,
        "storage_country": "UK",
        "tier": 2,
        "valid_from": "2016-09",
        "valid_to": "2018-06",
        "outcome": "released",
        "conflicts": ["items"],
        "source_ids": ["src:a"],
        "disputed_items": ["pupil.contact.postcode"],
        "denied_items": ["pupil.contact"],
        "disputes_json": json.dumps(
            [{"item": "pupil.contact.postcode", "stated_by": [], "denied_by": []}]
        ),
        "figures_json": json.dumps(
            [{"what": "w", "value": "1", "period": "2016", "source": "src:a", "claim": "c1"}]
        ),
        "own_figures_json": json.dumps(
            [{"what": "v", "value": "2", "period": "2017", "source": "src:a", "claim": "c2"}]
        ),
    }


def edge(flow: dict[str, Any]) -> Edge:
    return Edge(
        flow_id=flow["id"],
        src="school:900001",
        dst="dataset:d",
        evidence="stated",
        matched=("pupil.contact.postcode",),
        flow=flow,
    )


def test_a_hop_shows_every_declared_field_of_the_stored_flow() -> None:
    flow = stored_flow()
    assert set(flow) == set(HOP_PROPERTIES)
    hop = _hop(edge(flow), {"src:a": SourceRef(id="src:a", title="A")}, set())
    assert set(flow_values(flow)) == set(FlowFields.model_fields)
    for name in FlowFields.model_fields:
        if name not in READ_FROM:
            assert getattr(hop, name) == flow[name], name
    assert [d.item for d in hop.disputes] == ["pupil.contact.postcode"]
    assert [f.claim for f in hop.figures] == ["c2", "c1"]  # its own claims first
    assert hop.record == "/flows/flow:synthetic"
    assert [s.title for s in hop.sources] == ["A"]
    assert (hop.evidence, hop.matched_items, hop.derived) == (
        "stated",
        ["pupil.contact.postcode"],
        False,
    )


def test_a_flow_that_states_nothing_shows_the_declared_defaults() -> None:
    flow = {name: None for name in HOP_PROPERTIES} | {"id": "flow:bare"}
    hop = _hop(edge(flow), {}, set())
    shown = hop.model_dump(include=set(FlowFields.model_fields))
    defaults = FlowFields(kind="flow", record="/flows/flow:bare").model_dump()
    assert shown == defaults
    assert hop.kind == "flow" and hop.sources == []


# model -> {its field: the declared field it shows}, for the models that show only some
SOME_FIELDS: dict[type[BaseModel], dict[str, str]] = {
    FlowSummary: {},
    Release: {"purpose": "purpose_text"},
    Recipient: {"kept_indefinitely": "retention_indefinite", "storage": "storage_country"},
}
# fields that share a name with a declared one but say something else (route-wide facts)
OWN_MEANING = {
    (FlowSummary, "kind"),  # optional on a record's list
    (Release, "kind"),
    (Recipient, "items"),  # names of a notice group's items
    (Recipient, "conflicts"),  # over the whole route
    (Recipient, "valid_from"),
    (Recipient, "valid_to"),
}


def shown_fields(model: type[BaseModel]) -> dict[str, str]:
    renamed = SOME_FIELDS.get(model, {})
    fields = {n: n for n in model.model_fields if n in FlowFields.model_fields}
    return {**fields, **renamed}


@pytest.mark.parametrize("model", [Hop, CompactHop, *SOME_FIELDS], ids=lambda m: m.__name__)
def test_a_model_shows_a_flow_field_as_it_is_declared(model: type[BaseModel]) -> None:
    shown = {k: v for k, v in shown_fields(model).items() if (model, k) not in OWN_MEANING}
    assert shown, model
    for name, declared in shown.items():
        mine, theirs = model.model_fields[name], FlowFields.model_fields[declared]
        assert mine.annotation == theirs.annotation, name
        assert mine.description == theirs.description, name
        assert mine.get_default(call_default_factory=True) == theirs.get_default(
            call_default_factory=True
        ), name


def test_the_hop_models_show_all_the_declared_fields() -> None:
    for model in (Hop, CompactHop):
        assert set(FlowFields.model_fields) <= set(model.model_fields)


def test_a_record_takes_the_declared_descriptions() -> None:
    """FlowFacts checks more (vocabularies, dates, tier 1-4) but describes the same fields."""
    fields = FlowFacts.model_fields
    for name in ("items", "purposes", "purpose_text", "retention", "storage_country", "tier"):
        assert fields[name].description == FlowFields.model_fields[name].description, name
    for name in ("conflicts", "denied_items", "disputed_items"):
        declared = FlowFields.model_fields[name].description
        assert fields[name].description == f"computed: {declared}", name
        assert fields[name].json_schema_extra == {"readOnly": True}


@pytest.mark.parametrize(
    ("compact", "full", "steps"),
    [
        (CompactReach, ReachResult, "reached"),
        (CompactPaths, PathsResult, "paths"),
        (CompactUpstream, UpstreamResult, "origins"),
    ],
    ids=["reach", "paths", "upstream"],
)
def test_a_compact_answer_has_the_full_answers_fields_as_declared_there(
    compact: type[BaseModel], full: type[BaseModel], steps: str
) -> None:
    assert list(compact.model_fields) == [*full.model_fields, "flows", "sources"]
    for name, field in full.model_fields.items():
        if name != steps:
            assert repr(compact.model_fields[name]) == repr(field), name
