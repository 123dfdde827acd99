"""What one load transaction holds in Neo4j's heap, measured while it runs (bench/runner.py).

A thread polls `SHOW TRANSACTIONS` (each transaction's estimated heap) and the JVM's heap in use
every `interval` seconds while the main thread loads, and keeps the peaks. With the number of
flows written, the peak per flow says how large a file ONE transaction can take under the
server's limits on a transaction's memory (`LIMITS`; by default 70% of the heap for all
transactions together).
"""

from __future__ import annotations

import re
import threading
from types import TracebackType
from typing import Any

from graph.db import Database
from graph.writer import console_progress

# the limits a transaction's memory meets (0: none), the smallest of which applies to a load
LIMITS = (
    "dbms.memory.transaction.total.max",
    "db.memory.transaction.total.max",
    "db.memory.transaction.max",
)
UNITS = {"": 1, "B": 1, "KIB": 1024, "MIB": 1024**2, "GIB": 1024**3, "TIB": 1024**4}


def parse_bytes(text: str | None) -> int | None:
    """Neo4j's byte settings as they are shown ('1.40GiB', '0B', '512.00KiB'); None: unknown."""
    if not text:
        return None
    match = re.fullmatch(r"\s*([\d.]+)\s*([KMGT]?i?B)?\s*", text, re.IGNORECASE)
    if not match:
        return None
    unit = (match.group(2) or "").upper().replace("KB", "KIB").replace("MB", "MIB")
    unit = unit.replace("GB", "GIB").replace("TB", "TIB")
    return round(float(match.group(1)) * UNITS.get(unit, 1))


class TxMemoryProbe:
    """`with TxMemoryProbe(db) as probe: load(...)`; then `probe.result(flows)`."""

    def __init__(self, db: Database, interval: float = 0.25) -> None:
        self.db = db
        self.interval = interval
        self.peak_tx_bytes = 0
        self.peak_heap_bytes = 0
        self.heap_max_bytes = 0
        self.samples = 0
        self.written: dict[str, int] = {}  # rows written so far in the load, by stage
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> TxMemoryProbe:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def progress(self, stage: str, done: int, total: int) -> None:
        """A loader's progress callback (graph/writer.py `Progress`): shown, and kept, so
        that a refused transaction's heap can be put per flow written so far."""
        self.written[stage] = done
        console_progress(stage, done, total)

    def _poll(self) -> None:
        while not self._stop.is_set():
            try:
                for row in self.db.read("bench_transactions", timeout=10):
                    if "SHOW TRANSACTIONS" in (row["query"] or ""):
                        continue  # the probe's own
                    self.peak_tx_bytes = max(self.peak_tx_bytes, row["heap_bytes"] or 0)
                heap = self.db.read("bench_jvm_heap", timeout=10)
                if heap:
                    self.peak_heap_bytes = max(self.peak_heap_bytes, heap[0]["used"] or 0)
                    self.heap_max_bytes = heap[0]["max"] or self.heap_max_bytes
                self.samples += 1
            except Exception as exc:  # noted in the result, never raised into the load
                if len(self.errors) < 3:
                    self.errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
            self._stop.wait(self.interval)

    def result(self, flows: int, national_flows: int | None = None) -> dict[str, Any]:
        """The peaks, per flow, and what a file of `national_flows` would need in one
        transaction, beside the smallest of the server's limits on a transaction's memory."""
        limits: list[int] = []
        for setting in LIMITS:
            try:
                rows = self.db.read("bench_setting", setting=setting)
            except Exception as exc:  # noted, not raised
                self.errors.append(f"setting {setting}: {type(exc).__name__}")
                continue
            value = parse_bytes(rows[0]["value"]) if rows else None
            if value:  # 0: no limit
                limits.append(value)
        limit = min(limits, default=None)
        per_flow = self.peak_tx_bytes / flows if flows and self.peak_tx_bytes else None
        out: dict[str, Any] = {
            "samples": self.samples,
            "flows": flows,
            "peak_tx_heap_mb": round(self.peak_tx_bytes / 1024**2, 1),
            "tx_heap_bytes_per_flow": round(per_flow) if per_flow else None,
            "peak_jvm_heap_used_mb": round(self.peak_heap_bytes / 1024**2, 1),
            "jvm_heap_max_mb": round(self.heap_max_bytes / 1024**2, 1),
            "tx_total_limit_mb": round(limit / 1024**2, 1) if limit else None,
            "errors": self.errors,
        }
        if national_flows and per_flow:
            need = per_flow * national_flows
            out["national_flows"] = national_flows
            out["national_tx_heap_mb_estimate"] = round(need / 1024**2)
            if limit:
                out["national_fits_limit"] = need <= limit
        return out
