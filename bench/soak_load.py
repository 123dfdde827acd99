"""The soak's machinery (bench/soak runs it for 20 minutes; a test runs it for seconds).

`run_soak` drives a running API from `clients` threads for `seconds`: school tokens replacing
their school's map (PUT /schools/{urn}/map), an editor adding flows (POST /flows, each citing a
source it added first), and public reads (reach, paths, sources-of, releases, pages). Then it
checks every ACKNOWLEDGED write (a 2xx answer) against the graph (GET /flows/{id}) and the
audit trail (GET /audit), samples the API process's resident memory (/proc/PID/status) and
reports 5xx answers, missing writes, the memory slope in MB/minute (least squares after a
warm-up, and over the second half alone) and p95 per endpoint."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

REPORT_FIELDS = (
    "seconds",
    "clients",
    "requests",
    "status_counts",
    "errors_5xx",
    "transport_errors",
    "writes_acknowledged",
    "writes_missing",
    "missing",
    "rss_samples",
    "rss_first_mb",
    "rss_last_mb",
    "rss_peak_mb",
    "rss_slope_mb_per_min",
    "rss_slope_last_half_mb_per_min",
    "p95_ms",
)

READ_ITEMS = ("pupil.contact.postcode", "pupil.identity.name", "pupil.characteristics.ethnicity")


def rss_mb(pid: int) -> float:
    """The resident memory (VmRSS) of process `pid` in MB, from /proc/PID/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def slope_per_minute(samples: list[tuple[float, float]]) -> float:
    """The least-squares slope of (seconds, MB) samples, in MB per minute (0 if too few)."""
    if len(samples) < 2:
        return 0.0
    n = len(samples)
    mean_t = sum(t for t, _ in samples) / n
    mean_m = sum(m for _, m in samples) / n
    var = sum((t - mean_t) ** 2 for t, _ in samples)
    if var == 0:
        return 0.0
    cov = sum((t - mean_t) * (m - mean_m) for t, m in samples)
    return cov / var * 60.0


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@dataclass
class SoakTargets:
    """What the soak uses: the schools whose maps school tokens replace (urn -> map file text
    and token secret), an editor token, and the schools, organisations and items it reads."""

    maps: dict[str, tuple[str, str]]
    editor_secret: str
    schools: list[str]
    orgs: list[str]
    items: list[str] = field(default_factory=lambda: list(READ_ITEMS))


class _Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.status: Counter[int] = Counter()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.transport_errors = 0
        self.acked_flows: list[str] = []
        self.acked_maps: Counter[str] = Counter()

    def note(self, endpoint: str, status: int, ms: float) -> None:
        with self.lock:
            self.status[status] += 1
            self.latency[endpoint].append(ms)


def run_soak(
    base: str,
    api_pid: int,
    targets: SoakTargets,
    seconds: float,
    clients: int = 20,
    seed: int = 1,
    progress: Callable[[str], None] = print,
    progress_every: float = 30.0,
    warmup_fraction: float = 0.2,
) -> dict[str, Any]:
    """Run the mixed load for `seconds`, then check the writes; returns the report."""
    tally = _Tally()
    stop = time.monotonic() + seconds
    started = time.monotonic()
    flow_seq = iter(range(10**9))
    seq_lock = threading.Lock()
    run_id = f"{int(time.time())}-{random.Random(seed).randrange(10**6)}"
    editor = {"Authorization": f"Bearer {targets.editor_secret}"}

    with httpx.Client(base_url=base, timeout=60.0) as setup:
        answer = setup.post(
            "/sources",
            headers=editor,
            json={"id": f"soak-{run_id}", "title": "Soak test source", "kind": "synthetic"},
        )
        if answer.status_code >= 300:
            raise RuntimeError(f"the soak could not add its source: {answer.text}")
    source_id = f"soak-{run_id}"

    def read_path(rng: random.Random) -> tuple[str, str]:
        urn, item, org = (
            rng.choice(targets.schools),
            rng.choice(targets.items),
            rng.choice(targets.orgs),
        )
        choices = [
            ("reach", f"/reach?{urlencode({'from': urn, 'item': item})}"),
            ("paths", f"/paths?{urlencode({'from': urn, 'to': org, 'item': item})}"),
            ("sources-of", f"/sources-of?{urlencode({'org': org, 'item': item, 'limit': 20})}"),
            ("releases", f"/releases?{urlencode({'limit': 50})}"),
            ("page:school", f"/schools/{urn}"),
            ("page:org", f"/orgs/{org}"),
            ("page:home", "/"),
        ]
        return rng.choice(choices)

    def worker(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        with httpx.Client(base_url=base, timeout=60.0) as client:
            first = True
            while time.monotonic() < stop:
                # client 0 starts with a map replacement, client 1 with a flow: every kind of
                # write is exercised even in a run of a few seconds
                roll = {0: 0.05, 1: 0.15}.get(n, rng.random()) if first else rng.random()
                first = False
                t0 = time.perf_counter()
                try:
                    if roll < 0.1 and targets.maps:
                        urn = rng.choice(sorted(targets.maps))
                        text, secret = targets.maps[urn]
                        answer = client.put(
                            f"/schools/{urn}/map",
                            content=text.encode(),
                            headers={
                                "Authorization": f"Bearer {secret}",
                                "Content-Type": "application/yaml",
                            },
                        )
                        endpoint = "PUT /schools/{urn}/map"
                        if 200 <= answer.status_code < 300:
                            with tally.lock:
                                tally.acked_maps[urn] += 1
                    elif roll < 0.2:
                        with seq_lock:
                            k = next(flow_seq)
                        flow_id = f"flow:soak-{run_id}-{k}"
                        answer = client.post(
                            "/flows",
                            headers=editor,
                            json={
                                "id": flow_id,
                                "kind": "data_share",
                                "source_actor": "body:dfe",
                                "target_actor": rng.choice(targets.orgs),
                                "items": [rng.choice(targets.items)],
                                "valid_from": "2016-06",
                                "claims": [{"source": source_id}],
                            },
                        )
                        endpoint = "POST /flows"
                        if 200 <= answer.status_code < 300:
                            with tally.lock:
                                tally.acked_flows.append(flow_id)
                    else:
                        endpoint, path = read_path(rng)
                        answer = client.get(path)
                    tally.note(endpoint, answer.status_code, (time.perf_counter() - t0) * 1000)
                except httpx.HTTPError:
                    with tally.lock:
                        tally.transport_errors += 1

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    samples: list[tuple[float, float]] = []
    next_progress = started + progress_every
    while any(t.is_alive() for t in threads):
        now = time.monotonic()
        samples.append((now - started, rss_mb(api_pid)))
        if now >= next_progress:
            with tally.lock:
                done = sum(tally.status.values())
                bad = sum(v for k, v in tally.status.items() if k >= 500)
            progress(
                f"soak: {now - started:5.0f} s, {done} requests, {bad} 5xx, "
                f"{len(tally.acked_flows)} flows written, RSS {samples[-1][1]:.0f} MB"
            )
            next_progress = now + progress_every
        time.sleep(min(1.0, max(0.05, seconds / 50)))
    for thread in threads:
        thread.join()
    samples.append((time.monotonic() - started, rss_mb(api_pid)))

    missing = check_writes(base, tally.acked_flows, tally.acked_maps, targets)
    warm = [s for s in samples if s[0] >= seconds * warmup_fraction] or samples
    last_half = [s for s in samples if s[0] >= seconds / 2] or samples
    report: dict[str, Any] = {
        "seconds": round(time.monotonic() - started, 1),
        "clients": clients,
        "requests": sum(tally.status.values()),
        "status_counts": {str(k): v for k, v in sorted(tally.status.items())},
        "errors_5xx": sum(v for k, v in tally.status.items() if k >= 500),
        "transport_errors": tally.transport_errors,
        "writes_acknowledged": len(tally.acked_flows) + sum(tally.acked_maps.values()),
        "writes_missing": len(missing),
        "missing": missing[:20],
        "rss_samples": len(samples),
        "rss_first_mb": round(samples[0][1], 1),
        "rss_last_mb": round(samples[-1][1], 1),
        "rss_peak_mb": round(max(m for _, m in samples), 1),
        "rss_slope_mb_per_min": round(slope_per_minute(warm), 3),
        # a leak keeps climbing; a cache that fills up levels off: the second half tells which
        "rss_slope_last_half_mb_per_min": round(slope_per_minute(last_half), 3),
        "p95_ms": {k: round(p95(v), 1) for k, v in sorted(tally.latency.items())},
    }
    return report


def check_writes(
    base: str, flows: list[str], maps: Counter[str], targets: SoakTargets
) -> list[str]:
    """The acknowledged writes missing from the graph or the audit trail."""
    missing: list[str] = []
    with httpx.Client(base_url=base, timeout=60.0) as client:
        for flow_id in flows:
            if client.get(f"/flows/{flow_id}").status_code != 200:
                missing.append(f"{flow_id}: not in the graph")
            page = client.get("/audit", params={"target": flow_id, "limit": 5}).json()
            if not any(e["action"] == "flow.add" for e in page["entries"]):
                missing.append(f"{flow_id}: no flow.add in the audit trail")
        for urn, acked in maps.items():
            if client.get(f"/schools/{urn}/graph").status_code != 200:
                missing.append(f"{urn}: its map is not in the graph")
            seen = 0
            offset: int | None = 0
            while offset is not None:
                page = client.get(
                    "/audit",
                    params={"target": urn, "limit": 200, "offset": offset},
                ).json()
                seen += sum(1 for e in page["entries"] if e["action"] == "school-map.replace")
                offset = page["next_offset"]
            if seen < acked:
                missing.append(f"{urn}: {acked} map replacements acknowledged, {seen} audited")
    return missing


def stop_api(api: Any) -> None:
    """Stop the uvicorn process: politely, then (requests still hanging after 30 s) kill it."""
    import subprocess

    api.terminate()
    try:
        api.wait(timeout=30)
    except subprocess.TimeoutExpired:
        api.kill()
        api.wait(timeout=30)


def prepare(db: Any, urn: str, map_text: str) -> SoakTargets:
    """Tokens for the soak (a school token for `urn`, an editor token) and what it reads."""
    from graph.audit import CLI
    from graph.tokens import create_token

    school = create_token(db, "school", urn, "soak: school", CLI)
    editor = create_token(db, "editor", None, "soak: editor", CLI)
    actor_ids = sorted(db.read("list_actor_ids")[0]["ids"])
    schools = [a.split(":", 1)[1] for a in actor_ids if a.startswith("school:")]
    orgs = [a for a in actor_ids if a.startswith("body:")] or [
        a for a in actor_ids if not a.startswith("school:")
    ]
    if not schools or not orgs:
        raise RuntimeError("the graph holds no schools or organisations: load the data first")
    rng = random.Random(1)
    return SoakTargets(
        maps={urn: (map_text, school.secret)},
        editor_secret=editor.secret,
        schools=sorted(set([*rng.sample(schools, min(50, len(schools))), urn])),
        orgs=rng.sample(orgs, min(30, len(orgs))),
    )


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json
    import os
    import platform
    import secrets
    from datetime import UTC, datetime

    from bench.runner import start_api
    from graph.db import Database
    from graph.identifiers import EXAMPLE_URN
    from graph.local_server import LocalNeo4j, free_port
    from graph.settings import Settings, get_settings
    from loaders.bundled import load_bundled

    parser = argparse.ArgumentParser(
        prog="bench/soak",
        description="A bounded soak on loopback: mixed reads and writes from many clients.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--minutes", type=float, default=20.0, help="how long (0.5 for a smoke)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", help="JSON file (default .edflows/bench/soak.json)")
    args = parser.parse_args(argv)
    if args.minutes <= 0:
        parser.error("--minutes must be more than 0")

    settings = get_settings()
    state = Path(settings.state_dir).resolve()
    repo = Path(__file__).resolve().parent.parent
    map_text = (repo / "loaders" / "curated" / "demo_school_map.yaml").read_text()
    server: LocalNeo4j | None = None
    if not os.environ.get("NEO4J_URI"):
        server = LocalNeo4j(
            home=state / "bench" / "neo4j-soak",
            lib_dir=Path(settings.lib_dir or state / "lib"),
            port=free_port(),
            password=secrets.token_urlsafe(16),
            heap="2g",
            pagecache="512m",
            log=print,
        )
        print("soak: starting a Neo4j of its own")
        server.start(timeout=300)
        settings = Settings.for_server(server.uri, "neo4j", server.password)
    api = None
    try:
        # a write limit the soak's two tokens do not hit (the limiter has its own tests)
        os.environ["EDFLOWS_WRITE_LIMIT"] = "1000000"
        with Database(settings) as db:
            db.apply_schema()
            if server is not None:
                print("soak: loading the bundled data")
                db.wipe()
                load_bundled(db, Path(settings.shared_data).resolve())
            targets = prepare(db, EXAMPLE_URN, map_text)
        api, base = start_api(settings)
        print(f"soak: {args.minutes:g} min, {args.clients} clients against {base}")
        report = run_soak(base, api.pid, targets, args.minutes * 60, args.clients, args.seed)
        print(json.dumps(report, indent=2), flush=True)
    finally:
        if api is not None:
            stop_api(api)
        if server is not None:
            server.stop()
    report["date"] = datetime.now(UTC).isoformat(timespec="seconds")
    report["machine"] = f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores"
    out = Path(args.output) if args.output else state / "bench" / "soak.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    print(f"JSON: {out}")
    ok = report["errors_5xx"] == 0 and report["writes_missing"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
