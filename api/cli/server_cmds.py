"""Sub-commands that run things: `neo4j start|stop|status`, `db init|ping|reset`, `serve`, `up`."""

from __future__ import annotations

import argparse
from typing import Any

from graph import local_server
from graph.db import Database
from graph.settings import get_settings


def register(subparsers: Any) -> None:
    neo4j = subparsers.add_parser("neo4j", help="run the local Neo4j server (no Docker needed)")
    neo4j_sub = neo4j.add_subparsers(dest="action", required=True, metavar="ACTION")
    neo4j_sub.add_parser("start", help="start it; returns once Bolt answers").set_defaults(
        handler=neo4j_start
    )
    neo4j_sub.add_parser("stop", help="stop it cleanly").set_defaults(handler=neo4j_stop)
    neo4j_sub.add_parser("status", help="is it running? (exit 0 yes, 3 no)").set_defaults(
        handler=neo4j_status
    )

    db = subparsers.add_parser("db", help="the database: schema, ping, reset")
    db_sub = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    db_sub.add_parser("init", help="create constraints and indexes (idempotent)").set_defaults(
        handler=db_init
    )
    db_sub.add_parser("ping", help="print the server version").set_defaults(handler=db_ping)
    reset = db_sub.add_parser("reset", help="delete everything in the database")
    reset.add_argument("--yes", action="store_true", help="really delete everything")
    reset.set_defaults(handler=db_reset)

    serve = subparsers.add_parser("serve", help="serve the HTTP API and pages")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(handler=serve_cmd)

    up = subparsers.add_parser(
        "up", help="all in one: start Neo4j, create the schema, load the bundled data, serve"
    )
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--port", type=int, default=8000)
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
    print(f"{info['name']} {info['version']} {info['edition']} at {db.uri}")
    return 0


def db_reset(args: argparse.Namespace) -> int:
    if not args.yes:
        print("This deletes every node and relationship. Run again with --yes to do it.")
        return 2
    with Database(get_settings()) as db:
        db.wipe()
    print("Database emptied.")
    return 0


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
