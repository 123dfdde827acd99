"""Sub-commands for a school's own map: `template school-map`, `diff school-map`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from graph.db import Database
from graph.errors import EdflowsError
from graph.settings import get_settings
from loaders.school_map import blank_template, diff_maps


def register(subparsers: Any) -> None:
    template = subparsers.add_parser("template", help="write a blank template")
    template.add_argument("kind", choices=["school-map"])
    template.add_argument("--format", choices=["csv", "yaml"], default="csv")
    template.add_argument("-o", "--output", help="file to write (default: print it)")
    template.set_defaults(handler=template_cmd)

    diff = subparsers.add_parser("diff", help="what changed between versions of a school's map")
    diff.add_argument("kind", choices=["school-map"])
    diff.add_argument("--urn", required=True)
    diff.add_argument("--json", action="store_true")
    diff.set_defaults(handler=diff_cmd)


def template_cmd(args: argparse.Namespace) -> int:
    text = blank_template(args.format)
    if args.output:
        path = Path(args.output)
        if path.exists():
            raise EdflowsError(f"{path} exists; choose another name or remove it first")
        path.write_text(text)
        print(f"Wrote a blank school map to {path}")
    else:
        print(text, end="")
    return 0


def diff_cmd(args: argparse.Namespace) -> int:
    with Database(get_settings()) as db:
        versions = db.read("map_versions", urn=args.urn)
    if not versions:
        raise EdflowsError(f"no map has been loaded for URN {args.urn}")
    if len(versions) == 1:
        print(
            f"Only one version of URN {args.urn}'s map is loaded (v1, {versions[0]['loaded_at']})."
        )
        return 0
    new, old = versions[0], versions[1]
    result = diff_maps(json.loads(old["rows_json"]), json.loads(new["rows_json"]))
    if args.json:
        print(
            json.dumps(
                {
                    "from_version": old["version"],
                    "to_version": new["version"],
                    "added": result.added,
                    "removed": result.removed,
                    "changed": result.changed,
                },
                indent=2,
                default=list,
            )
        )
        return 0
    print(f"URN {args.urn}: version {old['version']} -> {new['version']}")
    print(result.render())
    return 0
