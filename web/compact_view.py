"""The answer data a page embeds, in the compact shape of graph/compact.py: each drawn flow's
hop ONCE by flow id (a `CompactHop`: the hop with `source_ids` in place of its sources) and
each source ONCE by id, instead of full hops (each with its sources in full) per path or row.

The journey, upstream and routes pages embed only the flows they draw; the side panel reads a
flow from `flows` and its sources from `sources` (web/static/graph.js)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph.compact import HOP_FIELDS, CompactHop
from graph.results import Hop


def compact_flows(hops: Iterable[Hop]) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """(`flows`: {flow_id: compact hop as JSON-ready dict, fields at their default left out},
    `sources`: {source_id: source}) of `hops`, each flow and each source once, in the order
    first met."""
    flows: dict[str, dict[str, Any]] = {}
    sources: dict[str, Any] = {}
    for hop in hops:
        if hop.flow_id in flows:
            continue
        compact = CompactHop.model_construct(
            **{name: getattr(hop, name) for name in HOP_FIELDS},
            source_ids=[s.id for s in hop.sources],
        )
        # a field at its default (null, [], false) is left out: `CompactHop` reads it back
        flows[hop.flow_id] = compact.model_dump(mode="json", exclude_defaults=True)
        for source in hop.sources:
            if source.id not in sources:
                sources[source.id] = source.model_dump(mode="json", exclude_none=True)
    return flows, sources
