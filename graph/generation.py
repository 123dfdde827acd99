"""The graph's generation: a key that changes with every committed change to the graph, so that
results built from it can be cached and are never served stale; and what a change touched, so
that a cache can follow it instead of emptying itself.

Every change edflows makes writes an audit entry in the same transaction (graph/audit.py), and
entries are only ever added; `cypher/graph_generation` reads the count and the newest entry.
One small indexed read per use, across processes: an edit through the API, a load from the CLI
in another process and an import all move it. No audit trail, no generation: cache nothing.

`read_window` reads the entries of the last moments with the count; `effects` says what those
entries changed, in terms a cache of reach steps understands (graph/stepcache.py): the flows
changed, the organisations whose steps out or in changed, and whether answers built from the
whole graph (notices, the catalogue) must go. Any entry it does not know, or a window that
does not account for every new entry, gives None: forget everything (never a guess).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from graph.db import Database
from graph.identifiers import SHARED_LAYERS

WINDOW_SECONDS = 60  # how far back the cache looks for the entries of a change
WINDOW_LIMIT = 2_000  # ... and how many at most (more: it forgets everything instead)
SCHOOL_ONLY = ("school-map.replace", "school-map.share", "school-profile.update")
NO_EFFECT = ("token.create", "token.revoke")  # tokens are in no answer
FLOW_CHANGES = ("flow.add", "flow.retire")


def current(db: Database) -> str | None:
    """The graph's generation now, or None when there is no audit trail to key on."""
    rows = db.read("graph_generation")
    if not rows:
        return None
    return key(rows[0]["entries"], rows[0]["newest"])


def key(entries: int, newest: str | None) -> str:
    return f"{entries}:{newest}"


def count_of(generation: str | None) -> int | None:
    """The number of audit entries a generation counts (None for none, or one not ours)."""
    if generation is None:
        return None
    head = generation.split(":", 1)[0]
    return int(head) if head.isdigit() else None


def newest_of(generation: str | None) -> str | None:
    return None if generation is None or ":" not in generation else generation.split(":", 1)[1]


@dataclass(frozen=True)
class Entry:
    """One audit entry as the cache reads it (`cypher/audit_window`)."""

    id: str
    action: str
    urn: str | None = None
    target: str | None = None
    after_json: str | None = None


@dataclass(frozen=True)
class Window:
    """The trail's generation at the read, and its newest entries (newest first)."""

    generation: str | None
    entries: list[Entry]


def read_window(db: Database) -> Window:
    rows = db.read("audit_window", seconds=WINDOW_SECONDS, limit=WINDOW_LIMIT)
    if not rows:
        return Window(None, [])
    row = rows[0]
    entries = [
        Entry(
            id=e["id"],
            action=str(e.get("action") or ""),
            urn=e.get("urn"),
            target=e.get("target"),
            after_json=e.get("after_json"),
        )
        for e in row["window"]
        if e and e.get("id")
    ]
    return Window(key(row["entries"], row["newest"]), entries)


@dataclass
class Effects:
    """What a run of changes touched, for a cache of steps (graph/stepcache.py `forget`)."""

    flows: set[str] = field(default_factory=set)  # flows whose record changed or is new
    out_of: set[str] = field(default_factory=set)  # organisations whose flows out changed
    into: set[str] = field(default_factory=set)  # ... whose flows in changed
    flow_prefixes: set[str] = field(default_factory=set)  # a school's map: all its flows
    source_prefixes: set[str] = field(default_factory=set)  # a school's own sources
    answers: bool = False  # whole answers and the catalogue go (any change but a token's)


def effects(entries: list[Entry]) -> Effects | None:
    """What `entries` changed, or None when any of them is not known to be local: a load, an
    import, a reset, a proposal, an action this code does not know, a flow change whose record
    cannot be read. Then the caller forgets everything."""
    found = Effects()
    for entry in entries:
        if entry.action in NO_EFFECT:
            continue
        found.answers = True
        if entry.action in SCHOOL_ONLY and entry.urn:
            # a school's own layer and its own sources; never in a shared step
            found.flow_prefixes.add(f"flow:school-{entry.urn}:")
            found.source_prefixes.add(f"school-{entry.urn}-")
        elif entry.action == "source.add" and entry.target:
            continue  # a new source: nothing kept can name it yet
        elif entry.action in FLOW_CHANGES and entry.target:
            record = _record(entry.after_json)
            if record is None:
                return None
            found.flows.add(entry.target)
            layer = str(record.get("layer") or "national")
            if layer in SHARED_LAYERS:
                found.out_of.add(str(record["from"]))
                found.into.add(str(record["to"]))
        else:
            return None
    return found


def _record(after_json: str | None) -> dict[str, Any] | None:
    """A flow change's record, if it names the flow's ends."""
    if not after_json:
        return None
    try:
        record = json.loads(after_json)
    except ValueError:
        return None
    if not isinstance(record, dict) or not record.get("from") or not record.get("to"):
        return None
    return record
