"""The graph's generation: a key that changes with every committed change to the graph, so that
results built from it can be cached and are never served stale.

Every change edflows makes writes an audit entry in the same transaction (graph/audit.py), and
entries are only ever added; `cypher/graph_generation` reads the count and the newest entry.
One small indexed read per use, across processes: an edit through the API, a load from the CLI
in another process and an import all move it. No audit trail, no generation: cache nothing.
"""

from __future__ import annotations

from graph.db import Database


def current(db: Database) -> str | None:
    """The graph's generation now, or None when there is no audit trail to key on."""
    rows = db.read("graph_generation")
    if not rows:
        return None
    return f"{rows[0]['entries']}:{rows[0]['newest']}"
