"""Sub-commands that ask the graph questions: `reach`, `paths`, `sources-of`, `cut`, `search`.

Each prints a readable table, or with `--json` exactly the JSON the HTTP API returns (reach,
paths and sources-of in the compact shape of graph/compact.py).
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from pydantic import BaseModel

from graph.compact import compact_paths, compact_reach, compact_upstream
from graph.cut import minimum_cut
from graph.db import Database
from graph.explore import ExploreService
from graph.journey_query import DEFAULT_HOPS, JourneyQuery
from graph.journeys import JourneyService
from graph.results import Hop, Reached, ReachSummary
from graph.settings import get_settings
from web.documents.words import count


def register(subparsers: Any) -> None:
    def common(p: argparse.ArgumentParser, origin: bool = True) -> None:
        if origin:
            p.add_argument("--from", dest="origin", required=True, help="an id or a school URN")
        p.add_argument(
            "--item", required=True, help="a catalogue item id, e.g. pupil.contact.postcode"
        )
        p.add_argument("--as-of", type=date.fromisoformat, help="only flows in force that day")
        p.add_argument("--include-derived", action="store_true", help="follow derived data too")
        p.add_argument("--max-hops", type=int, default=DEFAULT_HOPS)
        p.add_argument("--json", action="store_true", help="print the API's JSON")

    def layer(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--layer", help="also follow this school's own layer (school:<urn>), as the API's layer"
        )

    reach = subparsers.add_parser("reach", help="where can an item go from an organisation?")
    common(reach)
    reach.add_argument("--recipient-type", help="only organisations of this type")
    layer(reach)
    reach.set_defaults(handler=reach_cmd)

    paths = subparsers.add_parser("paths", help="how does an item get from A to B?")
    common(paths)
    paths.add_argument("--to", required=True)
    paths.set_defaults(handler=paths_cmd)

    upstream = subparsers.add_parser("sources-of", help="where does an item reaching B come from?")
    upstream.add_argument("--org", required=True)
    common(upstream, origin=False)
    layer(upstream)
    upstream.set_defaults(handler=sources_of_cmd)

    cut = subparsers.add_parser("cut", help="the fewest flows to stop to keep an item from B")
    common(cut)
    cut.add_argument("--to", required=True)
    cut.set_defaults(handler=cut_cmd)

    search = subparsers.add_parser("search", help="find organisations, schools and items")
    search.add_argument("text")
    search.add_argument("--json", action="store_true")
    search.set_defaults(handler=search_cmd)


def reach_cmd(args: argparse.Namespace) -> int:
    with Database(get_settings()) as db:
        result = JourneyService(db).reach(_query(args, args.origin), args.recipient_type)
    if args.json:
        return _print_json(compact_reach(result))
    when = f" as of {result.as_of}" if result.as_of else ""
    print(f"Where can {result.item.name} ({result.item.id}) go from {result.origin.name}{when}?")
    _print_reached(result.reached)
    _print_summary(result.summary)
    return 0


def paths_cmd(args: argparse.Namespace) -> int:
    with Database(get_settings()) as db:
        result = JourneyService(db).paths(_query(args, args.origin), args.to)
    if args.json:
        return _print_json(compact_paths(result))
    if not result.paths:
        print(f"{result.item.name} does not reach {result.target.name} from {result.origin.name}.")
        return 0
    hops = count(result.hops, "hop") if result.hops is not None else "hops not known"
    print(f"{count(len(result.paths), 'shortest path')}, {hops}, evidence: {result.evidence}")
    for number, path in enumerate(result.paths, start=1):
        print(f"  {number}. " + _route(path))
    return 0


def sources_of_cmd(args: argparse.Namespace) -> int:
    with Database(get_settings()) as db:
        result = JourneyService(db).sources_of(_query(args, args.org))
    if args.json:
        return _print_json(compact_upstream(result))
    print(f"Where does {result.item.name} reaching {result.target.name} come from?")
    _print_reached(result.origins)
    return 0


def cut_cmd(args: argparse.Namespace) -> int:
    with Database(get_settings()) as db:
        result = minimum_cut(JourneyService(db), _query(args, args.origin), args.to)
    if _json(args, result):
        return 0
    print(result.note)
    for hop in result.flows:
        print(f"  {hop.flow_id}: {hop.from_id} -> {hop.to_id} ({hop.kind})")
    return 0


def _query(args: argparse.Namespace, origin: str) -> JourneyQuery:
    """The journey question of a reach, paths, sources-of or cut command line."""
    return JourneyQuery(
        origin=origin,
        item=args.item,
        include_derived=args.include_derived,
        as_of=args.as_of,
        max_hops=args.max_hops,
        layer=getattr(args, "layer", None),
    )


def search_cmd(args: argparse.Namespace) -> int:
    with Database(get_settings()) as db:
        hits = ExploreService(db).search(args.text)
    if args.json:
        import json

        print(json.dumps([h.model_dump() for h in hits], indent=2))
        return 0
    for hit in hits:
        print(f"{hit.id:<45} {hit.type:<16} {hit.name}")
    return 0


def _json(args: argparse.Namespace, result: BaseModel) -> bool:
    if args.json:
        _print_json(result)
    return bool(args.json)


def _print_json(answer: BaseModel) -> int:
    """The API's JSON of an answer (reach, paths and sources-of: the compact shape)."""
    print(answer.model_dump_json(indent=2))
    return 0


def _print_reached(reached: list[Reached]) -> None:
    if not reached:
        print("  (nowhere: no flow that carries it leads on)")
        return
    width = max(len(r.actor.name) for r in reached)
    print(f"  {'organisation':<{width}}  {'type':<16} {'evidence':<8} hops  via")
    for r in reached:
        kind = r.actor.org_type or r.actor.kind
        via = " -> ".join(h.to_id for h in r.path[:-1]) or "(direct)"
        print(f"  {r.actor.name:<{width}}  {kind:<16} {r.evidence:<8} {r.hops:>4}  {via}")


def _print_summary(summary: ReachSummary) -> None:
    print(
        f"\n{count(summary.total, 'organisation')}: "
        + ", ".join(f"{n} {e}" for e, n in summary.by_evidence.items())
    )
    if summary.kept_indefinitely:
        print("Kept indefinitely by: " + ", ".join(summary.kept_indefinitely_by))
    elif summary.longest_retention:
        print(f"Longest retention stated: {summary.longest_retention}")
    if summary.lawful_bases:
        print("Lawful bases: " + "; ".join(summary.lawful_bases))
    if summary.storage_countries:
        print("Stored in: " + ", ".join(summary.storage_countries))
    if summary.highest_tier:
        print(f"Most sensitive NPD tier met: {summary.highest_tier}")


def _route(path: list[Hop]) -> str:
    return " -> ".join([path[0].from_id, *(h.to_id for h in path)])
