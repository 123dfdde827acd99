"""`edflows data fetch`: download the public data files `edflows up` loads, from where they were
published, pinned and SHA-256-checked, into the state folder (loaders/public_data.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from graph.settings import get_settings
from loaders.public_data import fetch, manifest
from web.documents.words import count


def register(subparsers: Any) -> None:
    data = subparsers.add_parser("data", help="the public data files: fetch them")
    actions = data.add_subparsers(dest="action", required=True, metavar="ACTION")
    get = actions.add_parser(
        "fetch", help="download each public file from its published location (pinned, checked)"
    )
    get.add_argument("-o", "--output", help="the folder to fill (default: <state dir>/shared-data)")
    get.add_argument(
        "--base-url", help="fetch from this mirror instead (same paths; e.g. a local copy)"
    )
    get.set_defaults(handler=fetch_cmd)


def fetched_folder() -> Path:
    return get_settings().state_dir / "shared-data"


def fetch_cmd(args: argparse.Namespace) -> int:
    target = Path(args.output) if args.output else fetched_folder()
    written = fetch(target, base_url=args.base_url)
    _, missing = manifest()
    print(f"{count(len(written), 'file')} written to {target}; every file's SHA-256 checked.")
    for item in missing:
        print(f"  not fetchable: {item['path']}: {item['why']}")
    return 0
