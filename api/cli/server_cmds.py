"""Sub-commands that run things: `neo4j start|stop|status`, `db init|ping|reset`, `serve`, `up`."""

from __future__ import annotations

import argparse
import json
from typing import Any

from neo4j import ManagedTransaction

from graph import audit, local_server
from graph.db import Database
from graph.settings import get_settings


def register(subparsers: Any) -> None:
    neo4j = subparsers.add_parser("neo4j", help="run the local Neo4j server (no Docker needed)")
    neo4j_sub = neo4j.add_subparsers(dest="action", required=True, metavar="ACTION")
    neo4j_sub.add_parser("start", help="start it; returns once Bolt answers").set_defaults(
        handler=neo4j_start
    )
    neo4j_sub.add_parser("stop", help="stop it cleanly").set_defaults(handler=neo4j_stop)
    status = neo4j_sub.add_parser("status", help="is it running? (exit 0 yes, 3 no)")
    status.add_argument("--json", action="store_true", help="print the status as JSON")
    status.set_defaults(handler=neo4j_status)

    db = subparsers.add_parser("db", help="the database: schema, ping, reset")
    db_sub = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    db_sub.add_parser("init", help="create constraints and indexes (idempotent)").set_defaults(
        handler=db_init
    )
    ping = db_sub.add_parser("ping", help="print the server version")
    ping.add_argument("--json", action="store_true", help="print the answer as JSON")
    ping.set_defaults(handler=db_ping)
    reset = db_sub.add_parser(
        "reset", help="delete the knowledge (keeps the audit trail and tokens unless --all)"
    )
    reset.add_argument("--yes", action="store_true", help="really delete it")
    reset.add_argument(
        "--all", action="store_true", help="delete the audit trail and the tokens as well"
    )
    reset.set_defaults(handler=db_reset)

    serve = subparsers.add_parser("serve", help="serve the HTTP API and pages")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.set_defaults(handler=serve_cmd)

    up = subparsers.add_parser(
        "up", help="all in one: start Neo4j, create the schema, load the bundled data, serve"
    )
    up.add_argument("--host", default="127.0.0.1", help="address to listen on")
    up.add_argument("--port", type=int, default=8000, help="port to listen on")
    up.add_argument("--no-serve", action="store_true", help="stop after loading")
    up.set_defaults(handler=up_cmd)


def neo4j_start(args: argparse.Namespace) -> int:
    settings = get_settings()
    if not settings.uses_local_server:
        print(f"NEO4J_URI is set ({settings.neo4j_uri}): edflows uses that server, not its own.")
        return 0
    local_server.from_settings(settings).start(timeout=settings.start_timeout)
    return 0


def neo4j_stop(args: argparse.Namespace) -> int:
    local_server.from_settings(get_settings()).stop()
    return 0


def neo4j_status(args: argparse.Namespace) -> int:
    status = local_server.from_settings(get_settings()).status()
    if args.json:
        fields = {"state": status.state, "running": status.running, "pid": status.pid}
        print(json.dumps({**fields, "uri": status.uri, "detail": status.detail}, indent=2))
    else:
        print(f"Neo4j: {status.state}: {status.detail}")
    return 0 if status.running else 3


def db_init(args: argparse.Namespace) -> int:
    with Database(get_settings()) as db:
        count = db.apply_schema()
    print(f"Schema applied: {count} constraints and indexes are in place.")
    return 0


def db_ping(args: argparse.Namespace) -> int:
    with Database(get_settings()) as db:
        info = db.ping()
    if args.json:
        print(json.dumps({**info, "uri": db.uri}, indent=2))
    else:
        print(f"{info['name']} {info['version']} {info['edition']} at {db.uri}")
    return 0


def db_reset(args: argparse.Namespace) -> int:
    what = "every node and relationship" if args.all else "the knowledge (not the audit trail "
    what += "" if args.all else "or the tokens)"
    if not args.yes:
        print(f"This deletes {what}. Run again with --yes to do it.")
        return 2
    with Database(get_settings()) as db:
        kept = db.wipe(keep_trail=not args.all)
        if not args.all:
            record_reset(db, "db.reset", kept)
    if args.all:
        print("Database emptied, the audit trail and the tokens too.")
    else:
        print(
            f"Knowledge deleted. Kept {kept['audit_entries']} audit entries and "
            f"{kept['tokens']} tokens (`db reset --all --yes` deletes them too)."
        )
    return 0


def record_reset(db: Database, action: str, kept: dict[str, int]) -> None:
    """The audit entry of a reset that kept the trail: it says what was kept."""

    def work(tx: ManagedTransaction) -> None:
        after = {"knowledge": "deleted", "kept": kept}
        audit.record(tx, audit.CLI, action, "graph", None, after)

    db.write_tx(work)


def serve_cmd(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app

    print(f"Serving edflows at http://{args.host}:{args.port} (API docs at /docs)")
    # keep idle connections open longer than clients that pool them (uvicorn closes after 5 s)
    uvicorn.run(
        create_app(), host=args.host, port=args.port, log_level="info", timeout_keep_alive=75
    )
    return 0


def up_cmd(args: argparse.Namespace) -> int:
    settings = get_settings()
    if settings.uses_local_server:
        local_server.from_settings(settings).start(timeout=settings.start_timeout)
    with Database(settings) as db:
        db.apply_schema()
        from loaders.bundled import load_bundled

        load_bundled(db, settings.shared_data)
    if args.no_serve:
        return 0
    return serve_cmd(args)
