"""Claims: a flow's facts computed from its live claims, denials, corrections and timelines."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from graph.model import ClaimError, FlowRecord
from graph.traversal import EVIDENCE, classify

NAT = "pupil.characteristics.nationality"


def flow(claims: list[dict[str, object]], **extra: object) -> FlowRecord:
    return FlowRecord.model_validate(
        {
            "id": "flow:test",
            "kind": "collection",
            "source_actor": "dataset:school-census",
            "target_actor": "dataset:npd",
            "claims": claims,
            **extra,
        }
    )


def test_items_stated_by_some_claims_and_denied_by_others_are_disputed() -> None:
    f = flow(
        [
            {"source": "campaign", "quote": "held there", "items": [NAT]},
            {"source": "minister", "denies": [NAT]},
        ]
    )
    assert f.items == [NAT]
    assert f.disputed_items == [NAT]
    assert f.conflicts == ["items"]
    assert classify(f.model_dump(), frozenset({NAT}), None) == ("disputed", (NAT,))
    assert EVIDENCE == ("stated", "disputed", "implied", "unknown")


def test_a_flow_that_also_states_an_undisputed_item_is_stated_for_that_item() -> None:
    f = flow(
        [
            {"source": "a", "items": [NAT, "pupil.identity.name"]},
            {"source": "b", "denies": [NAT]},
        ]
    )
    both = frozenset({NAT, "pupil.identity.name"})
    assert classify(f.model_dump(), both, None)[0] == "stated"
    assert classify(f.model_dump(), frozenset({NAT}), None)[0] == "disputed"


def test_claims_naming_different_recipients_conflict_until_one_is_corrected() -> None:
    both: list[dict[str, object]] = [
        {"id": "a", "source": "register", "recipient": "org:one"},
        {"id": "b", "source": "foi", "recipient": "org:two"},
    ]
    assert flow(both).conflicts == ["recipient"]
    agreeing: list[dict[str, object]] = [
        both[0],
        {"id": "b", "source": "foi", "recipient": "org:one"},
    ]
    assert flow(agreeing).conflicts == []
    corrected: list[dict[str, object]] = [
        *both,
        {"id": "c", "source": "pq", "recipient": "org:one", "corrects": ["b"]},
    ]
    assert flow(corrected).conflicts == []


def test_a_superseded_claim_is_kept_but_no_longer_counts() -> None:
    f = flow(
        [
            {"id": "old", "source": "pq", "tier": 2, "valid_from": "2012-04"},
            {"id": "new", "source": "statement", "tier": 1, "corrects": ["old"]},
        ]
    )
    assert [c.id for c in f.claims] == ["old", "new"]
    assert f.superseded() == {"old": "new"}
    assert f.tier == 1 and f.valid_from is None and f.conflicts == []


def test_dates_come_from_the_claims_and_an_open_period_keeps_the_flow_open() -> None:
    f = flow(
        [
            {"source": "a", "valid_from": "2015-12-18", "valid_to": "2016-10-06"},
            {"source": "a", "valid_from": "2016-10-07"},
        ],
        valid_from="2010",
        valid_to="2011",
    )
    assert (f.valid_from, f.valid_to) == ("2015-12-18", None)
    assert [c.id for c in f.claims] == ["a", "a-2"]
    # a start-only claim within a stated period ("new for 2016/17") does not undo its end
    within = flow(
        [
            {"source": "guide", "valid_from": "2016-09"},
            {"source": "dfe", "valid_from": "2016-09", "valid_to": "2018-06"},
        ]
    )
    assert (within.valid_from, within.valid_to) == ("2016-09", "2018-06")


def test_a_claim_correcting_an_unknown_claim_is_refused_with_where() -> None:
    with pytest.raises(ValidationError) as exc:
        flow([{"source": "a"}, {"source": "b", "corrects": ["nope"]}])
    cause = exc.value.errors()[0]["ctx"]["error"]
    assert isinstance(cause, ClaimError) and cause.loc == ("claims", 1, "corrects", 0)
    assert "'nope'" in str(cause)


def test_a_claim_stating_and_denying_the_same_item_is_refused() -> None:
    with pytest.raises(ValidationError, match="both states and denies"):
        flow([{"source": "a", "items": [NAT], "denies": ["pupil.characteristics"]}])


def test_a_timeline_event_outside_its_claims_dates_is_refused() -> None:
    claims: list[dict[str, object]] = [{"id": "c", "source": "a", "date": "2016-10-07"}]
    ok = flow(claims, timeline=[{"date": "2016-10", "kind": "agreement_amended", "claims": ["c"]}])
    assert ok.timeline[0].precision == "month"
    with pytest.raises(ValidationError, match="outside the dates"):
        flow(claims, timeline=[{"date": "2019", "kind": "stopped", "claims": ["c"]}])


def test_figures_show_their_source_period_and_what_superseded_them() -> None:
    f = flow(
        [
            {
                "id": "pq",
                "source": "pq",
                "figures": [{"what": "pupils", "value": "21", "period": "2012"}],
            },
            {
                "id": "hcws",
                "source": "hcws272",
                "corrects": ["pq"],
                "figures": [{"what": "pupils", "value": "62", "number": 62, "period": "2012"}],
            },
        ]
    )
    rows = {r["value"]: r for r in f.figures()}
    assert rows["21"]["superseded_by"] == "hcws" and rows["21"]["source"] == "pq"
    assert "superseded_by" not in rows["62"] and rows["62"]["period"] == "2012"
    with pytest.raises(ValidationError):
        flow([{"source": "a", "figures": [{"what": "pupils", "value": "3"}]}])  # no period


def test_what_was_only_asked_for_does_not_set_the_flows_tier_but_shows_as_a_conflict() -> None:
    f = flow(
        [
            {"source": "form", "tier": 1, "outcome": "requested"},
            {"source": "email", "tier": 2, "outcome": "approved"},
        ]
    )
    assert f.tier == 2 and f.conflicts == ["tier"] and f.props["outcome"] == "approved"
