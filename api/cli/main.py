"""The `edflows` command: one entry point, one sub-command per job.

Every sub-command is thin: it parses arguments, calls a `graph` service or a loader, and prints.
Errors come out as one line (`edflows: error: ...`); `-v` (anywhere on the line) adds the
detail and the driver's own warnings. Neo4j out of reach exits 69 (EX_UNAVAILABLE), any other
error 1. `--help` shows every option's default.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from api.cli import (
    backup_cmds,
    bench_cmds,
    load_cmds,
    query_cmds,
    report_cmds,
    school_cmds,
    server_cmds,
    trust_cmds,
)
from graph.errors import DatabaseUnavailable, EdflowsError

COMMAND_MODULES = [
    server_cmds,
    load_cmds,
    query_cmds,
    school_cmds,
    report_cmds,
    trust_cmds,
    backup_cmds,
    bench_cmds,
]
VERBOSE_FLAGS = ("-v", "--verbose")
EX_UNAVAILABLE = 69  # sysexits.h: a service the command needs is unavailable


def edflows_version() -> str:
    try:
        return version("edflows")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="edflows",
        description="Where children's data goes in English education: a knowledge graph in Neo4j.",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show the detail behind an error (allowed anywhere on the line)",
    )
    parser.add_argument("--version", action="version", version=f"edflows {edflows_version()}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    show_defaults(parser)
    return parser


def show_defaults(parser: argparse.ArgumentParser) -> None:
    """Add "(default: X)" to the help of every option of every sub-command that has one."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                show_defaults(sub)
            continue
        default = action.default
        if default in (None, False, argparse.SUPPRESS) or action.help == argparse.SUPPRESS:
            continue
        if "%(default)" not in (action.help or ""):
            action.help = f"{action.help or ''} (default: %(default)s)".strip()


def split_verbose(argv: Sequence[str]) -> tuple[list[str], bool]:
    """`-v` / `--verbose` wherever it stands (before a `--`), and the line without it."""
    rest: list[str] = []
    verbose = False
    for position, arg in enumerate(argv):
        if arg == "--":
            rest.extend(argv[position:])
            break
        if arg in VERBOSE_FLAGS:
            verbose = True
        else:
            rest.append(arg)
    return rest, verbose


def leaf_parser(
    parser: argparse.ArgumentParser, args: argparse.Namespace
) -> argparse.ArgumentParser:
    """The sub-command's own parser (`edflows load` -> the `load` parser)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            chosen = getattr(args, action.dest, None)
            if chosen in action.choices:
                return leaf_parser(action.choices[chosen], args)
    return parser


def parse(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.Namespace:
    """Parse, also taking an optional positional that comes after an option
    (`load school-map --urn URN map.csv`): argparse alone gives it up as unrecognised."""
    args, extras = parser.parse_known_args(argv)
    leaf = leaf_parser(parser, args)
    open_slots = [
        a
        for a in leaf._actions
        if not a.option_strings and a.nargs == "?" and getattr(args, a.dest, None) is None
    ]
    while extras and open_slots and not extras[0].startswith("-"):
        setattr(args, open_slots.pop(0).dest, extras.pop(0))
    if extras:
        leaf.error(f"unrecognized arguments: {' '.join(extras)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    line, verbose = split_verbose(sys.argv[1:] if argv is None else argv)
    # the driver logs its warnings (retries, dropped connections); only -v shows them
    logging.basicConfig(format="%(name)s: %(message)s", level=logging.WARNING)
    logging.getLogger("neo4j").setLevel(logging.WARNING if verbose else logging.CRITICAL)
    parser = build_parser()
    args = parse(parser, line)
    args.verbose = verbose
    try:
        code: int = args.handler(args)
    except EdflowsError as exc:
        hint = " (run with -v for details)" if exc.detail and not verbose else ""
        print(f"edflows: error: {exc.message}{hint}", file=sys.stderr)
        if exc.detail and verbose:
            print(exc.detail, file=sys.stderr)
        return EX_UNAVAILABLE if isinstance(exc, DatabaseUnavailable) else 1
    except KeyboardInterrupt:
        print("edflows: interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
