"""Lean flows (graph/terms.py, graph/writer.py `lean_rows`): terms stored once per distinct
content, a flow's own fields kept on it, and hashes that depend only on what is written.
No database."""

from __future__ import annotations

import re
from typing import Any

from graph.queries import query
from graph.results import HOP_PROPERTIES
from graph.terms import TERM_FIELDS, content_key, fold_rows, split, unfold
from graph.writer import lean_rows

TERMS: dict[str, Any] = {"items": ["pupil.contact.postcode"], "lawful_basis": "a SYNTHETIC basis"}


def row(flow_id: str, shared: str = "", **props: Any) -> dict[str, Any]:
    return {
        "id": flow_id,
        "source_actor": "school:1",
        "target_actor": "la:1",
        "props": {"id": flow_id, "origin": "o", **props},
        "shared": shared,
    }


def test_split_and_unfold_give_back_the_flow_whole() -> None:
    flow = {"id": "flow:x", "layer": "national", **TERMS}
    own, terms = split(flow)
    assert set(terms) == set(TERMS) and "items" not in own
    assert unfold({**own, "terms": content_key(terms), "row_hash": "h"}, terms) == flow
    assert unfold(flow, None) == flow  # a flow imported whole keeps its terms on itself


def test_content_key_is_the_content_not_its_order() -> None:
    assert content_key({"a": 1, "b": [2]}) == content_key({"b": [2], "a": 1})
    assert content_key({"a": 1}) != content_key({"a": 2})


def test_many_rows_with_the_same_terms_share_one_terms_node() -> None:
    rows = [row(f"flow:{i}", shared="s") for i in range(50)]
    rows.append(row("flow:own", **TERMS))
    lean = lean_rows(rows, {"s": {**TERMS, "kind": "census_return"}})
    assert len(lean.terms) == 1  # the shared terms and the same terms given on a row
    assert lean.shared["s"] == {"kind": "census_return"}
    assert {r["props"]["terms"] for r in lean.rows} == set(lean.terms)
    assert all(not TERM_FIELDS & set(r["props"]) for r in lean.rows)


def test_a_row_hash_changes_with_its_content_and_its_ends_only() -> None:
    one = lean_rows([row("flow:a", **TERMS)], {}).rows[0]["props"]["row_hash"]
    again = lean_rows([row("flow:a", **TERMS)], {}).rows[0]["props"]["row_hash"]
    other_terms = lean_rows([row("flow:a", items=["pupil.identity.name"])], {})
    moved = row("flow:a", **TERMS)
    moved["target_actor"] = "la:2"
    assert one == again
    assert other_terms.rows[0]["props"]["row_hash"] != one
    assert lean_rows([moved], {}).rows[0]["props"]["row_hash"] != one


def test_rows_that_return_terms_apart_are_folded() -> None:
    rows = fold_rows([{"flow": {"id": "flow:a", "items": None}, "terms": TERMS}])
    assert rows == [{"flow": {"id": "flow:a", **TERMS}}]


def test_hop_queries_read_every_term_they_show_from_the_terms_node() -> None:
    for name in ("reach_step", "reach_step_back", "reach_layer_flows"):
        text = query(name)
        assert "OPTIONAL MATCH (t:Terms {id: f.terms})" in text
        found = re.findall(r"\bt\{([^{}]*)\}\s+AS\s+terms\b", text)
        assert len(found) == 1, name
        keys = {e.strip()[1:] for e in found[0].split(",")}
        assert keys == set(HOP_PROPERTIES) & TERM_FIELDS, name


def test_claims_many_flows_carry_alike_are_stored_once_and_others_stay_on_the_flow() -> None:
    census = '[{"source": "govuk-census"}]'
    rows = [
        row("flow:census:1", claims_json=census, **TERMS),
        row("flow:census:2", claims_json=census, **TERMS),
        row("flow:map:1", claims_json='[{"source": "school-1-map", "locator": "line 2"}]', **TERMS),
    ]
    lean = lean_rows(rows, {})
    own = {r["id"]: r["props"] for r in lean.rows}
    assert "claims_json" not in own["flow:census:1"] and "claims_json" not in own["flow:census:2"]
    assert own["flow:census:1"]["terms"] == own["flow:census:2"]["terms"]
    assert lean.terms[own["flow:census:1"]["terms"]]["claims_json"] == census
    assert own["flow:map:1"]["claims_json"].startswith('[{"source": "school-1-map"')
    assert own["flow:map:1"]["terms"] != own["flow:census:1"]["terms"]
    # folded back, each flow reads whole again
    folded = unfold(own["flow:census:2"], lean.terms[own["flow:census:2"]["terms"]])
    assert folded["claims_json"] == census and folded["items"] == TERMS["items"]
