"""The size of journey answers, full (every hop on every path) and compact (graph/compact.py),
and the time to encode them as JSON with pydantic, the stdlib and orjson (if installed).

    .venv/bin/python -m bench.answer_size [--repeat 20]

Asks the graph that NEO4J_URI (or the local server) holds, usually the bundled one after
`edflows up --no-serve`. Prints one line per answer; nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from pydantic import BaseModel

from graph.compact import compact_paths, compact_reach, compact_upstream
from graph.db import Database
from graph.journey_query import JourneyQuery
from graph.journeys import JourneyService
from graph.settings import get_settings

POSTCODE = "pupil.contact.postcode"
# the API's gzip level (api/app.py GZIP_LEVEL; bench/ does not import api/, whose command line
# imports bench/: tests/unit/test_layers.py checks that the two are equal)
GZIP_LEVEL = 5


def questions(j: JourneyService) -> list[tuple[str, BaseModel, Callable[[], BaseModel]]]:
    """(what was asked, full answer, its conversion to the compact one)."""
    out: list[tuple[str, BaseModel, Callable[[], BaseModel]]] = []
    for origin in ("example", "dataset:npd", "dataset:school-census"):
        r = j.reach(JourneyQuery(origin=origin, item=POSTCODE))
        out.append((f"/reach?from={origin}&item={POSTCODE}", r, partial(compact_reach, r)))
    p = j.paths(JourneyQuery(origin="example", item=POSTCODE), "body:home-office")
    what = f"/paths?from=example&to=body:home-office&item={POSTCODE}"
    out.append((what, p, partial(compact_paths, p)))
    u = j.sources_of(JourneyQuery(origin="dataset:npd", item=POSTCODE), limit=2000)
    what = f"/sources-of?org=dataset:npd&item={POSTCODE}&limit=2000"
    out.append((what, u, partial(compact_upstream, u)))
    return out


def median_ms(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def encoders(model: BaseModel) -> dict[str, Callable[[], object]]:
    """The ways to turn an answer into JSON bytes: pydantic in one step (what `ModelJSON`
    does), or a dump to dicts and then the stdlib's or orjson's encoder."""
    dumped = model.model_dump(mode="json")
    ways: dict[str, Callable[[], object]] = {
        "pydantic model_dump_json": model.model_dump_json,
        "model_dump (dicts only)": lambda: model.model_dump(mode="json"),
        "stdlib json.dumps of the dicts": lambda: json.dumps(dumped).encode(),
    }
    try:
        import orjson
    except ImportError:
        return ways
    ways["orjson.dumps of the dicts"] = lambda: orjson.dumps(dumped)
    return ways


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    with Database(get_settings()) as db:
        asked = questions(JourneyService(db))
    rows: list[dict[str, Any]] = []
    for what, full, convert in asked:
        print(what)
        compact = convert()
        print(f"  full -> compact (graph/compact.py) {median_ms(convert, args.repeat):8.2f} ms")
        for shape, model in (("full", full), ("compact", compact)):
            body = model.model_dump_json().encode()
            times = {name: median_ms(w, args.repeat) for name, w in encoders(model).items()}
            times[f"gzip level {GZIP_LEVEL} of the JSON"] = median_ms(
                partial(gzip.compress, body, GZIP_LEVEL), args.repeat
            )
            row = {"answer": what, "shape": shape, "bytes": len(body)}
            row["gzip_bytes"] = len(gzip.compress(body, GZIP_LEVEL))  # as the API sends it
            print(f"  {shape:<8} {len(body):>10,} B  gzip {row['gzip_bytes']:>9,} B")
            for name, ms in times.items():
                print(f"      {name:<32} {ms:8.2f} ms (median of {args.repeat})")
            rows.append(row | {"ms": times})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
