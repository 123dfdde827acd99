"""`edflows bench generate`: write the SYNTHETIC national-scale benchmark inputs (bench/).

The benchmark itself is `bench/run` (see BENCHMARKS.md); this command only writes the inputs,
so they can be inspected or loaded by hand with `edflows load ...`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bench.generate import SCALES, generate
from graph.errors import EdflowsError
from graph.settings import get_settings


def register(subparsers: Any) -> None:
    bench = subparsers.add_parser("bench", help="benchmark inputs (SYNTHETIC data)")
    actions = bench.add_subparsers(dest="action", required=True, metavar="ACTION")
    gen = actions.add_parser(
        "generate",
        help="write SYNTHETIC benchmark inputs shaped by the real files",
        description="Writes products.csv, school_maps.csv, releases.csv and manifest.json, "
        "every generated name marked SYNTHETIC, deterministic from --seed.",
    )
    gen.add_argument("--scale", choices=list(SCALES), default="national")
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument(
        "-o", "--output", help="folder to write (default: .edflows/bench/<scale>-<seed>)"
    )
    gen.set_defaults(handler=generate_cmd)


def generate_cmd(args: argparse.Namespace) -> int:
    settings = get_settings()
    shared = Path(settings.shared_data)
    if not (shared / "schools").is_dir():
        raise EdflowsError(
            f"the shared data folder {shared} has no schools/ folder",
            "Set EDFLOWS_SHARED_DATA to the folder that holds schools/ and npd-releases/.",
        )
    out = Path(args.output or Path(settings.state_dir) / "bench" / f"{args.scale}-{args.seed}")
    result = generate(shared, out, args.scale, args.seed)
    m = result.manifest
    print(
        f"Wrote SYNTHETIC {args.scale} inputs (seed {args.seed}) to {out}: {m['schools']} schools, "
        f"{m['school_map_rows']} school-map rows, {m['synthetic_products']} products, "
        f"{m['synthetic_releases']} releases to {m['synthetic_recipients']} recipients"
    )
    return 0
