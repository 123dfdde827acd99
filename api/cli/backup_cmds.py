"""`edflows backup -o FILE` and `edflows restore FILE`: the whole database (knowledge, load
records, audit trail, token hashes) in one checksummed file, and back (graph.backup)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from graph.backup import backup, restore
from graph.db import Database
from graph.errors import EdflowsError
from graph.settings import get_settings


def register(subparsers: Any) -> None:
    save = subparsers.add_parser(
        "backup", help="write the whole database (audit trail and tokens too) to one file"
    )
    save.add_argument("-o", "--output", required=True, help="the file to write (.jsonl.gz)")
    save.add_argument("--force", action="store_true", help="overwrite an existing file")
    save.add_argument("--json", action="store_true", help="print the summary as JSON")
    save.set_defaults(handler=backup_cmd)

    back = subparsers.add_parser(
        "restore", help="restore a backup into an empty database (checks the whole file first)"
    )
    back.add_argument("path", help="a file written by `edflows backup`")
    back.add_argument("--json", action="store_true", help="print the summary as JSON")
    back.set_defaults(handler=restore_cmd)


def _show(stage: str, done: int) -> None:
    print(f"  {stage}: {done}", file=sys.stderr, flush=True)


def backup_cmd(args: argparse.Namespace) -> int:
    path = Path(args.output)
    if path.exists() and not args.force:
        raise EdflowsError(f"{path} exists; choose another name or add --force")
    with Database(get_settings()) as db:
        trailer = backup(db, path, _show)
    if args.json:
        print(json.dumps({"file": str(path), **trailer}, indent=2))
        return 0
    labels = trailer["labels"]
    print(
        f"Backed up {trailer['nodes']} nodes and {trailer['relationships']} relationships to "
        f"{path} ({labels.get('AuditEntry', 0)} audit entries, {labels.get('Token', 0)} tokens, "
        f"{labels.get('Load', 0)} load records); checksum {trailer['sha256'][:16]}..."
    )
    return 0


def restore_cmd(args: argparse.Namespace) -> int:
    path = Path(args.path)
    with Database(get_settings()) as db:
        trailer = restore(db, path, _show)
    if args.json:
        print(json.dumps({"file": str(path), **trailer}, indent=2))
        return 0
    print(
        f"Restored {trailer['nodes']} nodes and {trailer['relationships']} relationships from "
        f"{path} (checksum verified)."
    )
    return 0
