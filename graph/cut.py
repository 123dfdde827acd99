"""The cut: the fewest flows which, if stopped, keep an item from reaching a recipient.

On the item-restricted flow graph every flow is an edge of capacity one; by the max-flow
min-cut theorem the largest number of flow-disjoint paths equals the smallest number of flows
to stop. Edmonds-Karp finds the maximum flow; the flows leaving the part still reachable in the
residual graph are a minimum cut.
"""

from __future__ import annotations

from collections import defaultdict, deque

from graph.journey_query import JourneyQuery
from graph.journeys import JourneyService
from graph.results import CutResult
from graph.traversal import Edge


def minimum_cut(service: JourneyService, q: JourneyQuery, target: str) -> CutResult:
    start, end, item_ref = service.actor(q.origin), service.actor(target), service.item(q.item)
    graph = service.item_subgraph(q)
    cut = min_cut_edges(start.id, end.id, graph.edges)
    if cut is None:
        return CutResult(
            origin=start,
            target=end,
            item=item_ref,
            reachable=False,
            cut_size=0,
            flows=[],
            note=f"{item_ref.name} does not reach {end.name} from {start.name}: nothing to cut.",
        )
    hops = service.path_hops(cut, set(), service.sources_of_paths([cut]))
    return CutResult(
        origin=start,
        target=end,
        item=item_ref,
        reachable=True,
        cut_size=len(cut),
        flows=hops,
        note=(
            f"Stopping these {len(cut)} flow(s) keeps {item_ref.name} from reaching "
            f"{end.name} from {start.name} along any known flow (stated, implied or unknown)."
        ),
    )


def min_cut_edges(start: str, end: str, edges: list[Edge]) -> list[Edge] | None:
    """A minimum set of edges separating start from end; None when end is unreachable."""
    if start == end:
        return None
    capacity: dict[tuple[str, str], int] = defaultdict(int)
    by_pair: dict[tuple[str, str], list[Edge]] = defaultdict(list)
    neighbours: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        capacity[(edge.src, edge.dst)] += 1
        by_pair[(edge.src, edge.dst)].append(edge)
        neighbours[edge.src].add(edge.dst)
        neighbours[edge.dst].add(edge.src)  # residual direction
    flow: dict[tuple[str, str], int] = defaultdict(int)

    def residual(u: str, v: str) -> int:
        return capacity[(u, v)] - flow[(u, v)] + flow[(v, u)]

    total = 0
    while True:
        parent: dict[str, str] = {start: start}
        queue = deque([start])
        while queue and end not in parent:
            u = queue.popleft()
            for v in sorted(neighbours[u]):
                if v not in parent and residual(u, v) > 0:
                    parent[v] = u
                    queue.append(v)
        if end not in parent:
            break
        v = end
        while v != start:
            u = parent[v]
            back = min(flow[(v, u)], 1)
            if back:
                flow[(v, u)] -= 1
            else:
                flow[(u, v)] += 1
            v = u
        total += 1
    if total == 0:
        return None
    side = {start}
    queue = deque([start])
    while queue:
        u = queue.popleft()
        for v in neighbours[u]:
            if v not in side and residual(u, v) > 0:
                side.add(v)
                queue.append(v)
    cut = [
        e for (u, v), group in sorted(by_pair.items()) if u in side and v not in side for e in group
    ]
    return cut
