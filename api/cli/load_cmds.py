"""Sub-commands that change or count the graph: `load`, `stats`."""

from __future__ import annotations

import argparse
import json
from typing import Any

from graph.db import Database
from graph.settings import get_settings
from graph.writer import console_progress
from loaders.registry import LOADERS, run_load


def register(subparsers: Any) -> None:
    load = subparsers.add_parser(
        "load",
        help="load a source into the graph (atomic, idempotent)",
        description="Loaders: " + "; ".join(f"{k}: {v}" for k, v in LOADERS.items()),
    )
    load.add_argument("source", choices=sorted(LOADERS), help="which loader")
    load.add_argument("path", nargs="?", help="the file, folder or URL to load")
    load.add_argument("--mapping", help="releases: a YAML column mapping for another register")
    load.add_argument("--urn", help="school-map: the school's URN")
    load.add_argument("--json", action="store_true", help="print the report as JSON")
    load.set_defaults(handler=load_cmd)

    stats = subparsers.add_parser("stats", help="count nodes and relationships")
    stats.add_argument("--json", action="store_true", help="print the counts as JSON")
    stats.set_defaults(handler=stats_cmd)


def load_cmd(args: argparse.Namespace) -> int:
    with Database(get_settings()) as db:
        before = _counts(db)
        report = run_load(
            db, args.source, args.path, console_progress, mapping=args.mapping, urn=args.urn
        )
        after = _counts(db)
    changes = {k: after.get(k, 0) - before.get(k, 0) for k in set(before) | set(after)}
    changed = {k: v for k, v in changes.items() if v}
    if args.json:
        fields = ["loader", "path", "rows_read", "written", "skipped", "notes", "removed_flows"]
        out = {name: getattr(report, name) for name in fields}
        print(json.dumps({**out, "graph_changes": dict(sorted(changed.items()))}, indent=2))
        return 0
    print(report.render())
    if changed:
        print("  graph: " + ", ".join(f"{k} {v:+d}" for k, v in sorted(changed.items())))
    else:
        print("  graph: no change in any count (already loaded)")
    return 0


def stats_cmd(args: argparse.Namespace) -> int:
    with Database(get_settings()) as db:
        rows = db.read("count_graph")
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        print(f"{row['what']:>12}  {row['name']:<16} {row['count']:>9}")
    return 0


def _counts(db: Database) -> dict[str, int]:
    return {f"{r['what']} {r['name']}": int(r["count"]) for r in db.read("count_graph")}
