"""The `edflows` command: one entry point, one sub-command per job.

Every sub-command is thin: it parses arguments, calls a `graph` service or a loader, and prints.
Errors come out as one line (`edflows: error: ...`); `-v` adds the detail.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from api.cli import (
    bench_cmds,
    load_cmds,
    query_cmds,
    report_cmds,
    school_cmds,
    server_cmds,
    trust_cmds,
)
from graph.errors import EdflowsError

COMMAND_MODULES = [
    server_cmds,
    load_cmds,
    query_cmds,
    school_cmds,
    report_cmds,
    trust_cmds,
    bench_cmds,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="edflows",
        description="Where children's data goes in English education: a knowledge graph in Neo4j.",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="show the detail behind an error"
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except EdflowsError as exc:
        print(f"edflows: error: {exc.message}", file=sys.stderr)
        if exc.detail and args.verbose:
            print(exc.detail, file=sys.stderr)
        elif exc.detail:
            print("(run with -v for details)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("edflows: interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
