"""The soak's arithmetic: the least-squares memory slope and p95."""

from __future__ import annotations

import os

from bench.soak_load import p95, rss_mb, slope_per_minute


def test_slope_is_mb_per_minute() -> None:
    samples = [(float(t), 100 + 0.5 * t) for t in range(0, 120, 5)]  # 0.5 MB/s = 30 MB/min
    assert abs(slope_per_minute(samples) - 30.0) < 1e-9
    assert slope_per_minute([(0, 5.0)]) == 0.0
    assert slope_per_minute([(1, 5.0), (1, 9.0)]) == 0.0


def test_p95_and_rss() -> None:
    assert p95([float(v) for v in range(1, 101)]) == 95.0
    assert p95([]) == 0.0
    assert rss_mb(os.getpid()) > 1
