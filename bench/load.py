"""A bounded load test of mixed read traffic against a running edflows API on loopback.

`run_mixed_load` sends `requests_total` GET requests from `clients` concurrent threads (httpx),
stops early at `timeout_s`, and returns throughput and latency percentiles; any answer that is
not 2xx, or any transport error, is an error. `mixed_read_paths` picks real schools, items,
organisations and names from the graph so the traffic looks like people using the explorer.
It refuses any non-loopback base URL: it is for measuring your own server, nobody else's.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlencode, urlparse

import httpx

from graph.db import Database
from graph.settings import LOOPBACK_HOSTS, Settings

COMMON_ITEMS = (
    "pupil.contact.postcode",
    "pupil.identity.name",
    "pupil.identity.upn",
    "pupil.characteristics.ethnicity",
    "pupil.sen.sen_provision",
)


@dataclass
class LoadStats:
    """What one load run measured."""

    clients: int
    requests: int
    errors: int
    error_samples: list[str] = field(default_factory=list)
    seconds: float = 0.0
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_mixed_load(
    base_url: str,
    paths: Sequence[str],
    clients: int = 50,
    requests_total: int = 2000,
    timeout_s: float = 60.0,
    seed: int = 0,
) -> LoadStats:
    """Send `requests_total` requests for `paths` (shuffled with `seed`, repeated as needed) from
    `clients` threads; stop sending once `timeout_s` has passed."""
    host = urlparse(base_url).hostname or ""
    if host not in LOOPBACK_HOSTS and f"[{host}]" not in LOOPBACK_HOSTS:
        raise ValueError(f"load tests run against loopback only, not {host!r}")
    if not paths:
        raise ValueError("no paths to request")
    if clients < 1 or requests_total < 1 or timeout_s <= 0:
        raise ValueError("clients, requests_total and timeout_s must be positive")
    order = list(paths)
    random.Random(seed).shuffle(order)
    plan = [order[i % len(order)] for i in range(requests_total)]
    lock = threading.Lock()
    next_index = 0
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    deadline = started + timeout_s
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    with httpx.Client(base_url=base_url, timeout=timeout_s, limits=limits) as client:

        def worker() -> None:
            nonlocal next_index
            while True:
                with lock:
                    if next_index >= len(plan) or time.perf_counter() > deadline:
                        return
                    path = plan[next_index]
                    next_index += 1
                begin = time.perf_counter()
                try:
                    response = client.get(path)
                    problem = None if response.is_success else f"{response.status_code} {path}"
                except httpx.HTTPError as exc:
                    problem = f"{type(exc).__name__} {path}: {exc}"
                elapsed = (time.perf_counter() - begin) * 1000
                with lock:
                    latencies.append(elapsed)
                    if problem:
                        errors.append(problem)

        threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.perf_counter()) + timeout_s)
    seconds = time.perf_counter() - started
    done = len(latencies)
    return LoadStats(
        clients=clients,
        requests=done,
        errors=len(errors),
        error_samples=errors[:10],
        seconds=round(seconds, 3),
        rps=round(done / seconds, 1) if seconds else 0.0,
        p50_ms=_percentile(latencies, 50),
        p95_ms=_percentile(latencies, 95),
        p99_ms=_percentile(latencies, 99),
    )


def mixed_read_paths(db_or_settings: Database | Settings, n: int = 200, seed: int = 0) -> list[str]:
    """`n` read requests over real schools, items, organisations and names in the graph: reach,
    paths, search, releases, school maps, the catalogue, records and the explorer's pages."""
    if isinstance(db_or_settings, Settings):
        with Database(db_or_settings) as db:
            return mixed_read_paths(db, n, seed)
    db = db_or_settings
    rng = random.Random(seed)
    actor_ids = sorted(db.read("list_actor_ids")[0]["ids"])
    schools = [a.split(":", 1)[1] for a in actor_ids if a.startswith("school:")]
    orgs = [a for a in actor_ids if not a.startswith("school:")]
    if not schools or not orgs:
        raise ValueError("the graph holds no schools or organisations: load the data first")
    known_items = set(db.read("list_item_ids")[0]["ids"])
    items = [i for i in COMMON_ITEMS if i in known_items] or sorted(known_items)[:5]
    named = db.read("list_actor_names", ids=rng.sample(orgs, min(40, len(orgs))))
    words = sorted({w for r in named for w in str(r["name"] or "").split() if len(w) > 3})
    words = words or ["school"]

    def one() -> str:
        urn, item, org = rng.choice(schools), rng.choice(items), rng.choice(orgs)
        choices = [
            f"/reach?{urlencode({'from': urn, 'item': item})}",
            f"/paths?{urlencode({'from': urn, 'to': 'dataset:npd', 'item': item})}",
            f"/search?{urlencode({'q': rng.choice(words)})}",
            f"/releases?{urlencode({'limit': 50, 'offset': rng.randrange(0, 40)})}",
            f"/schools/{urn}/graph",
            "/items",
            f"/orgs/{org}",
            "/",
            f"/schools/{urn}",
            f"/record/{org}",
            f"/journey?{urlencode({'from': urn, 'item': item})}",
        ]
        return rng.choice(choices)

    return [one() for _ in range(n)]


def _percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[rank], 1)
