"""The national-scale benchmark behind `bench/run` (see BENCHMARKS.md).

One run, on its own local Neo4j (a throwaway home under .edflows/bench/, a free loopback port):
generate the SYNTHETIC inputs, then measure each figure beside its baseline in the same run,
because these machines are noisy and only ratios compare across runs:

- load:  the project's loaders vs one MERGE per row on the same rows and constraints, and the
         absolute time of the full national load (real files + synthetic inputs)
- reach: p50/p95/p99 over random (school, item) pairs vs a naive variable-length pattern with a
         timeout, every answer checked against a breadth-first search in Python
- paths and subgraph: p95 of /paths and /schools/{urn}/graph over HTTP
- api:   requests/s and p95 over HTTP with 1, 10 and 50 clients vs the same calls made through
         the driver directly (the ratio is the API's overhead)
- page:  time until the journey view of the largest result is stable and clickable in
         headless Chromium, and the server's page build time
- memory: peak resident memory of the API and of Neo4j

It prints a table and writes the same as JSON. Nothing here asserts: a missed target is shown.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from api.runtime import tune_gc
from bench.generate import generate
from bench.load import mixed_read_paths, run_mixed_load
from bench.measure import peak_rss_mb, percentile, run_series, timed
from graph.db import Database, QueryTimeout
from graph.items import ItemIndex
from graph.journeys import JourneyService, layers_for
from graph.local_server import LocalNeo4j, free_port
from graph.settings import Settings, get_settings
from graph.stepcache import StepCache
from graph.writer import console_progress
from loaders.bundled import load_bundled
from loaders.registry import run_load
from loaders.school_maps import plan_school_maps

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
TARGETS = {
    "load_ratio": 50.0,
    "full_load_s": 60.0,
    "reach_p95_ms": 50.0,
    "reach_ratio": 10.0,
    "api_overhead": 1.25,
    "page_s": 2.0,
    "api_rss_mb": 300.0,
}


@dataclass
class Pair:
    urn: str
    item: str


@dataclass
class Run:
    """Everything one run measured, in the shape written to JSON."""

    meta: dict[str, Any] = field(default_factory=dict)
    load: dict[str, Any] = field(default_factory=dict)
    reach: dict[str, Any] = field(default_factory=dict)
    paths: dict[str, Any] = field(default_factory=dict)
    api: dict[str, Any] = field(default_factory=dict)
    page: dict[str, Any] = field(default_factory=dict)
    memory: dict[str, Any] = field(default_factory=dict)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["small", "medium", "national"], default="national")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pairs", type=int, default=200, help="random (school, item) pairs")
    parser.add_argument("--baseline-rows", type=int, default=2000, help="rows for per-row MERGE")
    parser.add_argument("--naive-timeout", type=float, default=2.0, help="seconds per naive query")
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--pagecache", default="2g")
    parser.add_argument("--skip-page", action="store_true", help="no browser measurement")
    parser.add_argument("-o", "--output", help="JSON file (default .edflows/bench/results-*.json)")
    args = parser.parse_args(argv)

    settings = get_settings()
    state = Path(settings.state_dir).resolve()
    shared = Path(settings.shared_data).resolve()
    run = Run()
    run.meta = _machine(args)
    step("generating SYNTHETIC inputs")
    inputs = generate(shared, state / "bench" / f"{args.scale}-{args.seed}", args.scale, args.seed)
    run.meta["inputs"] = inputs.manifest
    home = state / "bench" / f"neo4j-{args.scale}"
    server = LocalNeo4j(
        home=home,
        lib_dir=Path(settings.lib_dir or state / "lib"),
        port=free_port(),
        password=secrets.token_urlsafe(16),
        heap=args.heap,
        pagecache=args.pagecache,
        log=lambda msg: step(msg),
    )
    step(f"starting a benchmark Neo4j in {home}")
    server.start(timeout=300)
    api: subprocess.Popen[bytes] | None = None
    try:
        bench_settings = Settings.for_server(server.uri, "neo4j", server.password)
        with Database(bench_settings) as db:
            db.wipe()
            db.apply_schema()
            run.load = measure_load(db, shared, inputs.folder, args.baseline_rows)
            pairs = pick_pairs(inputs.folder, args.pairs, args.seed)
            # as the API runs it: one StepCache shared by every request (graph/stepcache.py),
            # and the API's garbage-collector settings (api/runtime.py)
            journeys = JourneyService(db, steps=StepCache())
            tune_gc()
            run.reach, reached = measure_reach(db, journeys, pairs, args.naive_timeout)
            api, base = start_api(bench_settings)
            run.paths = measure_paths(base, pairs, reached)
            run.api = measure_api(base, journeys, pairs)
            step("load test: mixed read traffic, 50 clients (bench/load.py)")
            traffic = mixed_read_paths(db, 300, args.seed)
            run.api["mixed_load_50"] = run_mixed_load(
                base, traffic, clients=50, requests_total=1000, timeout_s=300, seed=args.seed
            ).as_dict()
            if not args.skip_page:
                run.page = measure_page(base, pairs, reached)
            run.memory = {
                "api_peak_rss_mb": peak_rss_mb(api.pid),
                "neo4j_peak_rss_mb": peak_rss_mb(server.status().pid or 0),
                "neo4j_heap": args.heap,
                "neo4j_pagecache": args.pagecache,
            }
    finally:
        if api is not None:
            api.terminate()
            api.wait(timeout=30)
        server.stop()
    out = Path(args.output) if args.output else state / "bench" / f"results-{args.scale}.json"
    out.write_text(json.dumps(run.__dict__, indent=2, default=str) + "\n")
    print()
    print(render_table(run))
    print(f"\nJSON: {out}")
    return 0


# -- load --------------------------------------------------------------------------------------


def measure_load(db: Database, shared: Path, folder: Path, baseline_rows: int) -> dict[str, Any]:
    """The full national load stage by stage, and the per-row MERGE baseline on the same rows
    of the school-maps file (run before the loader on an otherwise identical graph)."""
    stages: dict[str, float] = {}
    start = time.perf_counter()
    step("load: the bundled real data (curated files and ../shared/data)")
    load_bundled(db, shared)
    stages["bundled real data"] = time.perf_counter() - start
    for name, file in (("suppliers", "products.csv"), ("releases", "releases.csv")):
        step(f"load: SYNTHETIC {file}")
        seconds, _ = timed(partial(run_load, db, name, str(folder / file)))
        stages[f"synthetic {file}"] = seconds / 1000

    parts = [
        folder / name
        for name in json.loads((folder / "manifest.json").read_text())["school_map_files"]
    ]
    step(f"baseline: one MERGE per row for {baseline_rows} school-map flows of {parts[0].name}")
    known = set(db.read("list_actor_ids")[0]["ids"])
    plan, _ = plan_school_maps(parts[0], known)
    rows = plan.flow_rows[:baseline_rows]
    base = run_series(
        "per-row MERGE",
        [
            partial(
                db.write,
                "bench_merge_flow_row",
                id=r["id"],
                source_actor=r["source_actor"],
                target_actor=r["target_actor"],
                props={**plan.flow_shared[r["shared"]], **r["props"]},
            )
            for r in rows
        ],
    )
    db.write("bench_delete_flows", ids=[r["id"] for r in rows])
    del plan

    flows = 0
    start = time.perf_counter()
    for part in parts:
        step(f"load: SYNTHETIC {part.parent.name}/{part.name} with the school-maps loader")
        report = run_load(db, "school-maps", str(part), console_progress)
        flows += report.written.get("flows", 0)
    seconds = time.perf_counter() - start
    stages[f"synthetic school maps ({len(parts)} files)"] = seconds
    loader_rate = flows / seconds
    baseline_rate = len(base.ms) / base.seconds if base.seconds else 0.0
    step(f"load: {parts[0].name} again (must change nothing)")
    again_ms, again = timed(partial(run_load, db, "school-maps", str(parts[0]), console_progress))
    counts = {f"{r['what']} {r['name']}": r["count"] for r in db.read("count_graph", timeout=600)}
    return {
        "stages_s": {k: round(v, 2) for k, v in stages.items()},
        "full_load_s": round(sum(stages.values()), 2),
        "school_map_flows": flows,
        "loader_rows_per_s": round(loader_rate, 1),
        "baseline_rows": len(rows),
        "baseline_errors": base.errors,
        "baseline_rows_per_s": round(baseline_rate, 1),
        "ratio": round(loader_rate / baseline_rate, 1) if baseline_rate else None,
        "school_map_files": len(parts),
        "reload_first_file_s": round(again_ms / 1000, 2),
        "reload_removed_flows": again.removed_flows,
        "graph": counts,
    }


# -- reach -------------------------------------------------------------------------------------


def pick_pairs(folder: Path, n: int, seed: int) -> list[Pair]:
    """`n` random (school with a map, pupil item) pairs, deterministic from the seed."""
    rng = random.Random(seed)
    urns: list[str] = []
    seen: set[str] = set()
    for part in sorted((folder / "school_maps").glob("part-*.csv")):
        with part.open() as handle:
            next(handle)
            for line in handle:
                urn = line.split(",", 1)[0]
                if urn not in seen:
                    seen.add(urn)
                    urns.append(urn)
    from loaders.catalogue import curated_catalogue

    items = sorted(i for i in curated_catalogue().items if i.startswith("pupil."))
    return [Pair(rng.choice(urns), rng.choice(items)) for _ in range(n)]


def measure_reach(
    db: Database, journeys: JourneyService, pairs: list[Pair], naive_timeout: float
) -> tuple[dict[str, Any], dict[int, list[str]]]:
    """edflows' reach vs the naive pattern on the same pairs; each answer vs a Python BFS."""
    step(f"reach: warming up, then {len(pairs)} pairs")
    for pair in pairs[:10]:
        journeys.reach(pair.urn, pair.item)
    results: dict[int, dict[str, str]] = {}

    def ours(k: int, pair: Pair) -> Callable[[], None]:
        def call() -> None:
            result = journeys.reach(pair.urn, pair.item)
            results[k] = {r.actor.id: r.evidence for r in result.reached}

        return call

    series = run_series("reach", [ours(k, p) for k, p in enumerate(pairs)])
    step("reach with a cold step cache: each pair from an empty cache (a just-started API)")

    def cold(pair: Pair) -> Callable[[], None]:
        def call() -> None:
            JourneyService(db, journeys.items_cache, StepCache()).reach(pair.urn, pair.item)

        return call

    cold_series = run_series("reach, cold cache", [cold(p) for p in pairs])
    index = journeys.index()
    step(f"reach baseline: naive variable-length pattern, {naive_timeout:g} s timeout per pair")
    naive_sets: dict[int, set[str]] = {}

    def naive(k: int, pair: Pair) -> Callable[[], None]:
        def call() -> None:
            start = f"school:{pair.urn}"
            rows = db.read(
                "bench_naive_reach",
                timeout=naive_timeout,
                start=start,
                covering=sorted(index.covering(pair.item)),
                item_tier=index.tier(pair.item),
                layers=layers_for(start),
            )
            naive_sets[k] = {r["ids"][-1] for r in rows}

        return call

    baseline = run_series(
        "naive reach",
        [naive(k, p) for k, p in enumerate(pairs)],
        is_timeout=lambda exc: isinstance(exc, QueryTimeout),
    )
    step("reach check: every answer against a breadth-first search in Python")
    bfs = PythonBFS.load(db, index)
    equal = 0
    mismatches: list[dict[str, Any]] = []
    for k, pair in enumerate(pairs):
        expected = bfs.reach(f"school:{pair.urn}", pair.item)
        if results.get(k) == expected:
            equal += 1
        elif len(mismatches) < 5:
            got = results.get(k, {})
            mismatches.append(
                {
                    "urn": pair.urn,
                    "item": pair.item,
                    "only_edflows": sorted(set(got) - set(expected))[:5],
                    "only_bfs": sorted(set(expected) - set(got))[:5],
                    "class_differs": sorted(
                        a for a in set(got) & set(expected) if got[a] != expected[a]
                    )[:5],
                }
            )
    naive_equal = sum(1 for k in naive_sets if naive_sets[k] == set(results.get(k, {})))
    ours_s, base_s = series.summary(), baseline.summary()
    sizes = [len(v) for v in results.values()]
    reached = {k: sorted(v) for k, v in results.items()}
    return (
        {
            "edflows": ours_s,
            "edflows_cold_cache": cold_series.summary(),
            "step_cache": journeys.steps.stats() if journeys.steps else None,
            "naive": base_s,
            "naive_timeout_s": naive_timeout,
            "naive_completed": len(baseline.ms),
            "naive_answers_equal": naive_equal,
            "ratio_p95": _ratio(base_s["p95_ms"], ours_s["p95_ms"], baseline.timeouts > 0),
            "bfs_equal": equal,
            "pairs": len(pairs),
            "bfs_mismatches": mismatches,
            "reached_p50": percentile(sizes, 50),
            "reached_max": max(sizes, default=0),
        },
        reached,
    )


class PythonBFS:
    """An independent reach: every flow fetched once, then breadth-first search in Python with
    the documented rules (in effect; the national layer, the catalogue and the school's own
    map; a flow carries the item when it lists a covering item (stated), lists no items but
    a tier that covers the item (implied), or states neither (unknown); an organisation's
    class is the best over its paths, a path's class its weakest hop)."""

    RANK: ClassVar[dict[str, int]] = {"stated": 3, "implied": 2, "unknown": 1}

    def __init__(self, index: ItemIndex) -> None:
        self.index = index
        self.out: dict[str, list[tuple[str, str, tuple[str, ...], int | None]]] = defaultdict(list)

    @classmethod
    def load(cls, db: Database, index: ItemIndex) -> PythonBFS:
        bfs = cls(index)
        for row in db.read("bench_all_flows", timeout=600):
            bfs.out[row["src"]].append(
                (row["dst"], row["layer"], tuple(row["items"] or ()), row["tier"])
            )
        return bfs

    def reach(self, start: str, item: str, max_hops: int = 10) -> dict[str, str]:
        covering = self.index.covering(item)
        item_tier = self.index.tier(item)
        layers = set(layers_for(start))
        best: dict[str, str] = {}
        for cls_name, floor in self.RANK.items():
            depth = {start: 0}
            queue = deque([start])
            while queue:
                node = queue.popleft()
                if depth[node] >= max_hops:
                    continue
                for dst, layer, items, tier in self.out.get(node, ()):
                    if layers and layer not in layers:
                        continue
                    hop = self._class(items, tier, covering, item_tier)
                    if hop is None or self.RANK[hop] < floor or dst in depth:
                        continue
                    depth[dst] = depth[node] + 1
                    queue.append(dst)
                    best.setdefault(dst, cls_name)
        best.pop(start, None)
        return best

    @staticmethod
    def _class(
        items: tuple[str, ...], tier: int | None, covering: set[str], item_tier: int | None
    ) -> str | None:
        if any(i in covering for i in items):
            return "stated"
        if items:
            return None
        if tier is not None:
            return "implied" if item_tier is not None and item_tier >= tier else None
        return "unknown"


# -- HTTP --------------------------------------------------------------------------------------


def start_api(settings: Settings) -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn serving the app on a free loopback port, bound to the benchmark database."""
    port = free_port()
    env = dict(
        os.environ,
        NEO4J_URI=settings.neo4j_uri or "",
        NEO4J_USER=settings.neo4j_user,
        NEO4J_PASSWORD=settings.neo4j_password,
    )
    cmd = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    cmd += ["--timeout-keep-alive", "75"]
    proc = subprocess.Popen(cmd, env=env, cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("the API did not answer /healthz within 60 s")


def _client() -> Any:
    import httpx

    return httpx.Client(timeout=60.0, limits=httpx.Limits(max_connections=64))


def _get(client: Any, url: str) -> Any:
    response = client.get(url)
    response.raise_for_status()
    return response


def measure_paths(base: str, pairs: list[Pair], reached: dict[int, list[str]]) -> dict[str, Any]:
    """p95 of /paths (to a random organisation the reach found) and /schools/{urn}/graph."""
    step("paths and subgraph: 100 requests each over HTTP")
    rng = random.Random(7)
    client = _client()
    paths_calls: list[Callable[[], object]] = []
    graph_calls: list[Callable[[], object]] = []
    for k, pair in enumerate(pairs[:100]):
        targets = reached.get(k) or []
        if targets:
            target = rng.choice(targets)
            url = f"{base}/paths?from={pair.urn}&to={target}&item={pair.item}"
            paths_calls.append(partial(_get, client, url))
        graph_calls.append(partial(_get, client, f"{base}/schools/{pair.urn}/graph"))
    paths = run_series("/paths", paths_calls).summary()
    graph = run_series("/schools/{urn}/graph", graph_calls).summary()
    client.close()
    return {"paths": paths, "subgraph": graph}


def measure_api(base: str, journeys: JourneyService, pairs: list[Pair]) -> dict[str, Any]:
    """/reach over HTTP vs JourneyService.reach through the driver, 1, 10 and 50 clients."""
    out: dict[str, Any] = {}
    client = _client()
    for clients in (1, 10, 50):
        n = min(len(pairs), max(100, clients * 4))
        step(f"api: {n} reach requests with {clients} client(s), HTTP then driver")
        urls = [f"{base}/reach?from={p.urn}&item={p.item}" for p in pairs[:n]]
        http = run_series(
            "HTTP /reach", [partial(_get, client, u) for u in urls], clients=clients
        ).summary()
        direct = run_series(
            "driver",
            [partial(journeys.reach, p.urn, p.item) for p in pairs[:n]],
            clients=clients,
        ).summary()
        out[str(clients)] = {
            "http": http,
            "driver": direct,
            "overhead_p95": _ratio(http["p95_ms"], direct["p95_ms"]),
        }
    client.close()
    return out


# -- page --------------------------------------------------------------------------------------


def measure_page(base: str, pairs: list[Pair], reached: dict[int, list[str]]) -> dict[str, Any]:
    """The largest journey among the pairs: server build time (HTTP GET of the page) and, in
    headless Chromium, the time from navigation until the graph is stable, and until a click
    on a node has filled the side panel."""
    if not Path(CHROMIUM).exists():
        return {"skipped": f"{CHROMIUM} is not installed (apt-get install chromium)"}
    k = max(reached, key=lambda i: len(reached[i]))
    pair = pairs[k]
    url = f"{base}/journey?from={pair.urn}&item={pair.item}"
    step(f"page: journey of {pair.urn} / {pair.item} ({len(reached[k])} organisations)")
    client = _client()
    build = run_series("page build", [partial(_get, client, url) for _ in range(5)]).summary()
    html = _get(client, url).text
    # the largest view: where the NPD's postcodes come from (every school, grouped by LA)
    upstream_url = f"{base}/upstream?org=dataset:npd&item=pupil.contact.postcode"
    step("page: the largest view, /upstream of the NPD (server build time)")
    upstream = run_series("upstream build", [partial(_get, client, upstream_url)] * 2).summary()
    upstream_kb = round(len(_get(client, upstream_url).content) / 1024, 1)
    client.close()
    from playwright.sync_api import sync_playwright

    stable_ms: list[float] = []
    click_ms: list[float] = []
    nodes = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            for _ in range(3):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                start = time.perf_counter()
                page.goto(url, wait_until="domcontentloaded")
                page.wait_for_selector("body[data-graph-ready=true]", timeout=60_000)
                stable_ms.append((time.perf_counter() - start) * 1000)
                nodes = page.evaluate("window.edflowsNetwork.body.data.nodes.length")
                node_id = page.evaluate(
                    "window.edflowsNetwork.body.data.nodes.getIds()"
                    ".find(id => String(id).indexOf('school:') !== 0)"
                )
                pos = page.evaluate(
                    "id => { const n = window.edflowsNetwork;"
                    " const p = n.getPositions([id])[id]; n.moveTo({position: p, scale: 1.0});"
                    " return n.canvasToDOM(p); }",
                    node_id,
                )
                box = page.locator("#graph canvas").bounding_box() or {"x": 0, "y": 0}
                t0 = time.perf_counter()
                page.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])
                page.wait_for_selector("#panel[data-shown=yes]", timeout=30_000)
                click_ms.append((time.perf_counter() - t0) * 1000)
                page.close()
        finally:
            browser.close()
    return {
        "origin": pair.urn,
        "item": pair.item,
        "organisations": len(reached[k]),
        "drawn_nodes": nodes,
        "html_kb": round(len(html.encode()) / 1024, 1),
        "server_build": build,
        "largest_view": {
            "url": "/upstream?org=dataset:npd&item=pupil.contact.postcode",
            "server_build": upstream,
            "html_kb": upstream_kb,
        },
        "stable_ms": [round(v, 1) for v in stable_ms],
        "stable_p50_ms": round(percentile(stable_ms, 50), 1),
        "click_to_panel_ms": round(percentile(click_ms, 50), 1),
    }


# -- output ------------------------------------------------------------------------------------


def render_table(run: Run) -> str:
    """The results as a Markdown table: figure, edflows, baseline, ratio, target, met."""
    rows: list[tuple[str, str, str, str, str, str]] = []
    load, reach, api, page, mem = run.load, run.reach, run.api, run.page, run.memory
    if load:
        rows.append(
            (
                "load: school-map flows/s",
                f"{load['loader_rows_per_s']:,.0f}",
                f"{load['baseline_rows_per_s']:,.0f} (per-row MERGE)",
                _x(load["ratio"]),
                ">= 50x",
                _met(load["ratio"], TARGETS["load_ratio"], higher=True),
            )
        )
        rows.append(
            (
                "load: full national load",
                f"{load['full_load_s']:.1f} s",
                "",
                "",
                "<= 60 s",
                _met(load["full_load_s"], TARGETS["full_load_s"]),
            )
        )
    if reach:
        e, n = reach["edflows"], reach["naive"]
        rows.append(
            (
                "reach: p50 / p95 / p99",
                f"{e['p50_ms']:.0f} / {e['p95_ms']:.0f} / {e['p99_ms']:.0f} ms",
                f"{n['p50_ms']:.0f} / {n['p95_ms']:.0f} / {n['p99_ms']:.0f} ms, "
                f"{n['timeouts']} of {reach['pairs']} timed out",
                _x(reach["ratio_p95"]),
                "p95 <= 50 ms, >= 10x",
                _met(e["p95_ms"], TARGETS["reach_p95_ms"])
                + ", "
                + _met(reach["ratio_p95"], TARGETS["reach_ratio"], higher=True),
            )
        )
        cold = reach.get("edflows_cold_cache")
        if cold:
            rows.append(
                (
                    "reach: the same, cold step cache",
                    f"{cold['p50_ms']:.0f} / {cold['p95_ms']:.0f} / {cold['p99_ms']:.0f} ms",
                    "each pair from an empty cache",
                    _x(_ratio(n["p95_ms"], cold["p95_ms"])),
                    "",
                    "",
                )
            )
        rows.append(
            (
                "reach: equal to Python BFS",
                f"{reach['bfs_equal']} / {reach['pairs']}",
                "",
                "",
                "100%",
                "yes" if reach["bfs_equal"] == reach["pairs"] else "NO",
            )
        )
    if run.paths:
        for key in ("paths", "subgraph"):
            s = run.paths[key]
            rows.append((f"{s['name']}: p95", f"{s['p95_ms']:.0f} ms", "", "", "", ""))
    for clients, entry in api.items():
        if clients == "mixed_load_50":
            rows.append(
                (
                    "load test: mixed reads, 50 clients",
                    f"{entry['rps']:.1f}/s, p95 {entry['p95_ms']:.0f} ms, "
                    f"p99 {entry['p99_ms']:.0f} ms",
                    f"{entry['requests']} requests, {entry['errors']} errors",
                    "",
                    "0 errors",
                    "yes" if entry["errors"] == 0 else "NO",
                )
            )
            continue
        h, d = entry["http"], entry["driver"]
        rows.append(
            (
                f"api: /reach, {clients} client(s)",
                f"{h['per_second']:.1f}/s, p95 {h['p95_ms']:.0f} ms",
                f"{d['per_second']:.1f}/s, p95 {d['p95_ms']:.0f} ms (driver)",
                _x(entry["overhead_p95"]),
                "<= 1.25x",
                _met(entry["overhead_p95"], TARGETS["api_overhead"]),
            )
        )
    if page and "stable_p50_ms" in page:
        rows.append(
            (
                f"page: journey, {page['drawn_nodes']} nodes drawn",
                f"stable {page['stable_p50_ms'] / 1000:.2f} s, "
                f"click {page['click_to_panel_ms']:.0f} ms",
                f"build {page['server_build']['p50_ms']:.0f} ms, {page['html_kb']:.0f} KB",
                "",
                "<= 2 s",
                _met(page["stable_p50_ms"] / 1000, TARGETS["page_s"]),
            )
        )
    if page and "largest_view" in page:
        view = page["largest_view"]
        rows.append(
            (
                "page: largest view (NPD upstream) build",
                f"{view['server_build']['p50_ms'] / 1000:.1f} s",
                f"{view['html_kb']:.0f} KB of HTML",
                "",
                "",
                "",
            )
        )
    if mem:
        rows.append(
            (
                "memory: peak RSS",
                f"API {mem['api_peak_rss_mb']} MB",
                f"Neo4j {mem['neo4j_peak_rss_mb']} MB (heap {mem['neo4j_heap']}, "
                f"page cache {mem['neo4j_pagecache']})",
                "",
                "API < 300 MB",
                _met(mem["api_peak_rss_mb"] or 0, TARGETS["api_rss_mb"]),
            )
        )
    head = "| figure | edflows | baseline / detail | ratio | target | met |\n" + "|---" * 6 + "|"
    return head + "\n" + "\n".join("| " + " | ".join(r) + " |" for r in rows)


def _machine(args: argparse.Namespace) -> dict[str, Any]:
    import neo4j

    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": socket.gethostname(),
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "neo4j_driver": neo4j.__version__,
        "neo4j_server": "5.26 (local, from graph/neo4j_server/pom.xml)",
        "scale": args.scale,
        "seed": args.seed,
    }


def _ratio(slow: float | None, fast: float | None, at_least: bool = False) -> float | None:
    if not slow or not fast:
        return None
    return round(slow / fast, 2)


def _x(value: float | None) -> str:
    return "" if value is None else f"{value:g}x"


def _met(value: float | None, target: float, higher: bool = False) -> str:
    if value is None:
        return "n/a"
    return "yes" if (value >= target if higher else value <= target) else "NO"


def step(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
