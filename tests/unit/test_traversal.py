"""The one place an item's evidence class on a flow is decided, and the StepCache's bounds."""

from graph.stepcache import StepCache
from graph.traversal import classify

COVERING = frozenset({"pupil.contact.postcode", "pupil.contact"})


def test_a_flow_listing_a_covering_item_states_it_in_its_own_order() -> None:
    flow = {"items": ["pupil.contact", "pupil.identity.name", "pupil.contact.postcode"]}
    assert classify(flow, COVERING, 3) == ("stated", ("pupil.contact", "pupil.contact.postcode"))


def test_a_flow_listing_only_other_items_cannot_carry_it_whatever_its_tier() -> None:
    assert classify({"items": ["pupil.identity.name"], "tier": 4}, COVERING, 1) == (None, ())


def test_a_tier_alone_implies_the_item_only_when_it_covers_the_items_tier() -> None:
    # tier 1 is the most sensitive: a tier-2 share carries tier-2, 3 and 4 items, not tier 1
    assert classify({"tier": 2}, COVERING, 3) == ("implied", ())
    assert classify({"tier": 2}, COVERING, 2) == ("implied", ())
    assert classify({"tier": 2}, COVERING, 1) == (None, ())
    assert classify({"tier": 2}, COVERING, None) == (None, ())


def test_a_flow_stating_neither_items_nor_tier_is_unknown() -> None:
    assert classify({"items": None, "tier": None}, COVERING, 3) == ("unknown", ())
    assert classify({}, COVERING, None) == ("unknown", ())


def test_the_cache_keeps_nothing_without_a_generation_and_drops_the_oldest_query() -> None:
    cache = StepCache(max_rows=5)
    cache.move_to("g1")  # as GraphCache.sync leaves it after reading the graph's generation
    row = ("a", "b", {"id": "f1", "items": ["x"], "tier": None}, {"id": "b", "kind": None})
    kept = ("a", "b", {"id": "f1", "items": ("x",)}, {"id": "b"})  # compact: no nulls, tuples
    cache.keep_steps(None, ("reach_step", None), {"a": [row]})
    assert cache.steps("g1", ("reach_step", None), ["a"]) == {}
    cache.keep_steps("g1", ("reach_step", None), {"a": [cache.compact(*row)], "b": []})
    assert cache.steps("g1", ("reach_step", None), ["a", "b", "c"]) == {"a": [kept], "b": []}
    assert cache.steps("g0", ("reach_step", None), ["a"]) == {}  # another generation: nothing
    cache.keep_steps("g1", ("reach_step", "2015-06-01"), {n: [row] for n in "cde"})
    assert cache.steps("g1", ("reach_step", None), ["a"]) == {}  # over 5 rows: oldest dropped
    assert cache.stats()["step_queries"] == 1
