"""Small measuring tools for the benchmark: percentiles, concurrent timing, peak memory.

Nothing here asserts on time: the benchmark prints what it measured, beside a baseline
measured in the same run, and the reader judges the ratio.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class Timings:
    """Latencies (ms) of one measured series, with its errors and wall time."""

    name: str
    ms: list[float] = field(default_factory=list)
    errors: int = 0
    timeouts: int = 0
    seconds: float = 0.0
    clients: int = 1

    def summary(self) -> dict[str, Any]:
        done = len(self.ms)
        return {
            "name": self.name,
            "clients": self.clients,
            "requests": done + self.errors,
            "errors": self.errors,
            "timeouts": self.timeouts,
            "seconds": round(self.seconds, 3),
            "per_second": round(done / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(percentile(self.ms, 50), 2),
            "p95_ms": round(percentile(self.ms, 95), 2),
            "p99_ms": round(percentile(self.ms, 99), 2),
            "mean_ms": round(statistics.fmean(self.ms), 2) if self.ms else 0.0,
        }


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """(milliseconds, result) of one call."""
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def run_series(
    name: str,
    calls: Sequence[Callable[[], object]],
    clients: int = 1,
    is_timeout: Callable[[BaseException], bool] = lambda _exc: False,
) -> Timings:
    """Run `calls` with `clients` threads, each call timed on its own; exceptions are counted
    (timeouts apart when `is_timeout` says so), never raised."""
    out = Timings(name, clients=clients)
    lock = threading.Lock()

    def one(call: Callable[[], object]) -> None:
        start = time.perf_counter()
        try:
            call()
        except Exception as exc:  # counted, reported
            with lock:
                if is_timeout(exc):
                    out.timeouts += 1
                else:
                    out.errors += 1
            return
        elapsed = (time.perf_counter() - start) * 1000
        with lock:
            out.ms.append(elapsed)

    start = time.perf_counter()
    if clients == 1:
        for call in calls:
            one(call)
    else:
        with ThreadPoolExecutor(max_workers=clients) as pool:
            list(pool.map(one, calls))
    out.seconds = time.perf_counter() - start
    return out


def peak_rss_mb(pid: int) -> float | None:
    """A process's peak resident memory (VmHWM) in MiB, from /proc; None when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def as_dict(obj: Any) -> Any:
    """Dataclasses to plain dicts, for the JSON results."""
    return asdict(obj)
