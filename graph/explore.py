"""Browsing the graph: a school's map, search, records, the catalogue tree and the releases.

Results are typed (pydantic) so the API, the CLI and the pages share them.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from pydantic import BaseModel, Field

from graph.cache import CacheSnapshot
from graph.db import Database
from graph.errors import EdflowsError, NotFoundError
from graph.identifiers import SHARED_LAYERS, is_urn
from graph.journeys import JourneyService, layers_for, lucene_escape
from graph.names import NameService
from graph.results import (
    ActorRef,
    FigureRef,
    FlowFields,
    GraphEdge,
    GraphNode,
    SourceRef,
    Subgraph,
    figures_from,
    flow_field,
)

SUBGRAPH_LIMIT = 500


class SearchHit(BaseModel):
    id: str = Field(examples=["school:example"])
    name: str
    type: str = Field(examples=["School"])
    org_type: str | None = None
    urn: str | None = None
    score: float


class ItemNode(BaseModel):
    id: str
    name: str
    gdpr: str | None = None
    npd_tier: int | None = None
    children: list[ItemNode] = Field(default_factory=list)


class ItemSuggestion(BaseModel):
    """A catalogue item offered while someone types (the pages' item pickers)."""

    id: str = Field(examples=["pupil.contact.postcode"])
    name: str = Field(examples=["Home postcode"])
    gdpr: str | None = None
    npd_tier: int | None = None


class FlowSummary(BaseModel):
    """A flow of an organisation's record: the other end and some of the flow's fields."""

    id: str
    kind: str | None = None
    other_id: str
    other_name: str | None = None
    items: list[str] = flow_field("items")
    tier: int | None = flow_field("tier")
    valid_from: str | None = flow_field("valid_from")
    valid_to: str | None = flow_field("valid_to")
    outcome: str | None = flow_field("outcome")
    purpose_text: str | None = flow_field("purpose_text")
    purposes: list[str] = flow_field("purposes")
    lawful_basis: str | None = flow_field("lawful_basis")
    retention: str | None = flow_field("retention")
    conflicts: list[str] = flow_field("conflicts")
    source_ids: list[str] = Field(default_factory=list)


# the fields of a FlowSummary that are a flow's own (FlowFields), read as stored
SUMMARY_FIELDS = tuple(n for n in FlowSummary.model_fields if n in FlowFields.model_fields)


class ActorDetail(BaseModel):
    actor: ActorRef
    fields: dict[str, Any]
    evidence: list[dict[str, Any]]
    sources: list[SourceRef]
    memberships: list[dict[str, str]]
    flows_out: list[FlowSummary]
    flows_in: list[FlowSummary]
    flows_out_total: int
    flows_in_total: int


class SourceDetail(BaseModel):
    source: SourceRef
    note: str | None = None
    cited_by_nodes: int
    cited_by_flows: int
    flow_ids: list[str]


SLICE_MAX = 1_000_000_000  # offset + limit stays below 2**31


class Release(BaseModel):
    id: str
    dataset_id: str
    dataset: str | None = None
    recipient_id: str
    recipient: str | None = None
    recipient_type: str | None = None
    kind: str | None = None
    tier: int | None = flow_field("tier")
    year: int | None = None
    date: str | None = None
    outcome: str | None = flow_field("outcome")
    in_effect: bool | None = None
    items: list[str] = flow_field("items")
    purpose: str | None = flow_field("purpose_text")
    release_ref: str | None = None
    conflicts: list[str] = flow_field("conflicts")
    disputed_items: list[str] = flow_field("disputed_items")
    source_ids: list[str] = Field(default_factory=list)
    date_precision: str = Field(
        default="undated", description="day, month or year as the sources give it; undated"
    )
    undated_reason: str | None = Field(default=None, description="why no date is given")
    register_rows: list[str] = Field(
        default_factory=list, description="the register rows this one release was built from"
    )
    figures: list[FigureRef] = flow_field("figures")
    record: str = flow_field("record")


class ReleasePage(BaseModel):
    total: int
    offset: int
    limit: int
    releases: list[Release]
    by_year: dict[str, int]
    by_tier: dict[str, int]
    by_recipient_type: dict[str, int]
    by_outcome: dict[str, int]
    figures: list[FigureRef] = Field(
        default_factory=list,
        description="figures the sources state about the releases' datasets as a whole "
        "(aggregates.csv: requests, releases and refusals over a period)",
    )


class Stats(BaseModel):
    actors: dict[str, int]
    flows: dict[str, int]
    data_items: int
    sources: int
    flows_with_conflicts: int


class ExploreService:
    def __init__(self, db: Database, cache: CacheSnapshot | None = None) -> None:
        self.db = db
        self.journeys = JourneyService(db, cache)
        self.names = NameService(db, self.journeys)

    def subgraph(self, root: str, depth: int = 1, limit: int = SUBGRAPH_LIMIT) -> Subgraph:
        """Nodes and flows within `depth` flows out of `root` (a URN or id), capped."""
        if not 1 <= depth <= 3:
            raise EdflowsError("depth must be 1, 2 or 3")
        start = self.journeys.actor(root)
        nodes: dict[str, GraphNode] = {
            start.id: GraphNode(
                id=start.id, name=start.name, kind=start.kind, org_type=start.org_type, depth=0
            )
        }
        edges: list[GraphEdge] = []
        truncated = False
        for row in self.db.read("actor_memberships", id=start.id):
            node = row["node"]
            nodes.setdefault(node["id"], GraphNode(**_node(node), depth=1))
            edges.append(
                GraphEdge(
                    id=f"{row['type']}:{start.id}:{node['id']}",
                    from_id=start.id,
                    to_id=node["id"],
                    type=row["type"],
                )
            )
        frontier = [start.id]
        for level in range(1, depth + 1):
            if not frontier:
                break
            rows = self.db.read(
                "subgraph_step", frontier=frontier, limit=limit + 1, layers=layers_for(start.id)
            )
            if len(rows) > limit:
                rows, truncated = rows[:limit], True
            for row in rows:
                node = row["node"]
                if node["id"] not in nodes:
                    if len(nodes) >= limit:
                        truncated = True
                        continue
                    nodes[node["id"]] = GraphNode(**_node(node), depth=level)
                edges.append(
                    GraphEdge(
                        id=row["id"],
                        from_id=row["from_id"],
                        to_id=row["to_id"],
                        type="FLOW",
                        kind=row["kind"],
                        category=row["category"],
                        layer=row["layer"],
                        items=row["items"] or [],
                        source_ids=row["source_ids"] or [],
                    )
                )
            if truncated:
                break
            # next: every node first met at this depth, by a flow or as the school's LA/trust
            frontier = [n.id for n in nodes.values() if n.depth == level]
        return Subgraph(
            root=start,
            depth=depth,
            nodes=list(nodes.values()),
            edges=edges,
            truncated=truncated,
            limit=limit,
        )

    def local_authorities(self, ids: list[str]) -> dict[str, ActorRef]:
        """The local authority of each school among `ids` (others are left out)."""
        schools = sorted({i for i in ids if i.startswith("school:")})
        if not schools:
            return {}
        out: dict[str, ActorRef] = {}
        for row in self.db.read("school_local_authorities", ids=schools):
            la = ActorRef(**_node(row["la"]))
            out.update(dict.fromkeys(row["schools"], la))
        return out

    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        """Organisations, schools (by name or URN), products and items; typo-tolerant."""
        text = text.strip()
        if not text:
            raise EdflowsError("the search text is empty")
        hits: list[SearchHit] = []
        if is_urn(text):
            rows = self.db.read("get_actor", id=f"school:{text}")
            hits += [
                SearchHit(
                    id=r["actor"]["id"],
                    name=r["actor"]["name"],
                    type="School",
                    org_type="school",
                    urn=text,
                    score=100.0,
                )
                for r in rows
            ]
        # lower case: Lucene's operators (AND, OR, NOT) are upper case, the index is not
        words = [w for w in re.split(r"[^\w.]+", text.lower()) if w][:8]
        if words:
            exact = " AND ".join(lucene_escape(w) for w in words)
            fuzzy = " AND ".join(
                f"{lucene_escape(w)}~" if len(w) > 3 else lucene_escape(w) + "*" for w in words
            )
            query = f"({exact})^4 OR ({fuzzy})"
            for row in self.db.read("search_names", query=query, limit=limit):
                if any(h.id == row["id"] for h in hits):
                    continue
                labels = [lb for lb in row["labels"] if lb not in {"Actor"}]
                hits.append(
                    SearchHit(
                        id=row["id"],
                        name=row["name"] or row["id"],
                        type=row["kind"] or (labels[0] if labels else "Node"),
                        org_type=row["org_type"],
                        urn=row["urn"],
                        score=round(float(row["score"]), 3),
                    )
                )
        return hits[:limit]

    def items_tree(self) -> list[ItemNode]:
        index = self.journeys.index()
        nodes = {
            i.id: ItemNode(id=i.id, name=i.name, gdpr=i.gdpr, npd_tier=i.npd_tier)
            for i in index.items.values()
        }
        roots = []
        for item in sorted(index.items.values(), key=lambda i: i.id):
            if item.parent and item.parent in nodes:
                nodes[item.parent].children.append(nodes[item.id])
            else:
                roots.append(nodes[item.id])
        return roots

    def suggest_items(self, text: str, limit: int = 10) -> list[ItemSuggestion]:
        """Catalogue items whose id or name matches what was typed, best first: the id itself,
        then ids and names that start with it, then those holding every word typed."""
        text = text.strip().lower()
        if not text:
            return []
        words = [w for w in re.split(r"[^\w.]+", text) if w][:8]
        ranked: list[tuple[int, int, int, str]] = []
        for item in self.journeys.index().items.values():
            key, name = item.id.lower(), item.name.lower()
            if key == text:
                rank = 0
            elif key.startswith(text) or key.rsplit(".", 1)[-1].startswith(text):
                rank = 1
            elif name.startswith(text):
                rank = 2
            elif all(w in key or w in name for w in words):
                name_words = re.split(r"[^\w]+", name)
                starts = all(any(n.startswith(w) for n in name_words) or w in key for w in words)
                rank = 3 if starts else 4
            else:
                continue
            ranked.append((rank, key.count("."), len(item.name), item.id))
        index = self.journeys.index()
        return [
            ItemSuggestion(
                id=item_id,
                name=index.items[item_id].name,
                gdpr=index.items[item_id].gdpr,
                npd_tier=index.tier(item_id),
            )
            for *_, item_id in sorted(ranked)[:limit]
        ]

    def actor_detail(self, key: str, limit: int = 200) -> ActorDetail:
        ref = self.journeys.actor(key)
        row = self.db.read("get_actor_detail", id=ref.id, limit=limit, layers=layers_for(ref.id))[0]
        raw = dict(row["actor"])
        evidence = [json.loads(e) for e in raw.pop("evidence", [])]
        source_ids = raw.get("source_ids", [])
        sources = self.journeys.sources_by_id(set(source_ids))
        fields = {k: _plain(v) for k, v in raw.items() if k not in {"aliases_text"}}
        return ActorDetail(
            actor=ref,
            fields=fields,
            evidence=evidence,
            sources=[sources.get(s) or SourceRef(id=s) for s in source_ids],
            memberships=[m for m in row["memberships"] if m.get("id")],
            flows_out=[_flow(f, "to") for f in row["flows_out"]],
            flows_in=[_flow(f, "from") for f in row["flows_in"]],
            flows_out_total=row["out_count"],
            flows_in_total=row["in_count"],
        )

    def source(self, source_id: str) -> SourceDetail:
        rows = self.db.read("get_source", id=source_id)
        if not rows:
            raise NotFoundError("source", source_id)
        row = rows[0]
        props = row["source"]
        return SourceDetail(
            source=SourceRef(**{k: props.get(k) for k in SourceRef.model_fields}),
            note=props.get("note"),
            cited_by_nodes=row["nodes"],
            cited_by_flows=row["flows"],
            flow_ids=row["flow_ids"],
        )

    def releases(
        self,
        recipient_type: str | None = None,
        tier: int | None = None,
        year: int | None = None,
        dataset: str | None = None,
        item: str | None = None,
        outcome: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> ReleasePage:
        covering: list[str] = []
        if item:
            self.journeys.item(item)
            covering = sorted(self.journeys.index().covering(item))
        # Cypher slices lists with 32-bit indexes: far beyond any register, and in range
        offset, limit = max(0, min(offset, SLICE_MAX)), max(0, min(limit, SLICE_MAX))
        row = self.db.read_plain(
            "list_releases",
            recipient_type=recipient_type,
            tier=tier,
            year=year,
            dataset=dataset,
            item=item,
            covering=covering,
            outcome=outcome,
            offset=offset,
            limit=limit,
            layers=list(SHARED_LAYERS),
        )[0]
        facets = row["facets"]  # [year, tier, recipient type, outcome] of every match
        return ReleasePage(
            total=row["total"],
            offset=offset,
            limit=limit,
            releases=[_release(r) for r in row["releases"]],
            figures=[f for r in row["dataset_figures"] for f in figures_from(r)],
            by_year=_count(str(f[0]) if f[0] else "undated" for f in facets),
            by_tier=_count(f"tier {f[1]}" if f[1] else "tier not stated" for f in facets),
            by_recipient_type=_count(f[2] or "unknown" for f in facets),
            by_outcome=_count(f[3] or "unknown" for f in facets),
        )

    def stats(self) -> Stats:
        row = self.db.read("stats", layers=list(SHARED_LAYERS))[0]
        return Stats(
            actors={a["kind"] or "?": a["n"] for a in row["actors"]},
            flows={f["kind"] or "?": f["n"] for f in row["flows"]},
            data_items=row["items"],
            sources=row["sources"],
            flows_with_conflicts=row["conflicts"],
        )


def _release(r: dict[str, Any]) -> Release:
    """A release row: its date's precision (or why it has none), figures and record link."""
    data = {k: v for k, v in r.items() if v is not None}
    figures = figures_from(data)
    data.pop("figures_json", None)
    data.pop("own_figures_json", None)
    date = data.get("date")
    data["date_precision"] = (
        {4: "year", 7: "month", 10: "day"}.get(len(date), "day") if date else "undated"
    )
    if not date:
        data.setdefault("undated_reason", "no source at hand gives a date")
    return Release(**data, figures=figures, record=f"/flows/{data['id']}")


def _node(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "name": node.get("name") or node["id"],
        "kind": node.get("kind") or "Actor",
        "org_type": node.get("org_type"),
        "category": node.get("category"),
    }


def _flow(f: dict[str, Any], direction: str) -> FlowSummary:
    return FlowSummary(
        id=f["id"],
        other_id=f[f"{direction}_id"],
        other_name=f.get(f"{direction}_name"),
        source_ids=f.get("source_ids") or [],
        **{name: f[name] for name in SUMMARY_FIELDS if f.get(name) is not None},
    )


def _plain(value: Any) -> Any:
    """Neo4j temporal values as ISO strings, everything else as is."""
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


def _count(values: Any) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))
