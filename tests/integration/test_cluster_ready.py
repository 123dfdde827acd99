"""Cluster-ready: through the routing scheme (`neo4j://`) against the session's server, reads go
as reads and writes as writes, and every session and query of one Database chains causal
bookmarks, so a read right after a write (the generation read after an edit) sees it."""

from __future__ import annotations

import pytest
from neo4j import ManagedTransaction

from graph.audit import CLI, record
from graph.db import Database
from graph.settings import Settings

pytestmark = pytest.mark.integration


def test_routing_uri_reads_its_own_writes_through_bookmarks(
    db: Database, neo4j_settings: Settings
) -> None:
    uri = neo4j_settings.effective_uri
    assert uri.startswith("bolt://"), "the session's server is reached directly"
    routed = neo4j_settings.model_copy(update={"neo4j_uri": "neo4j://" + uri.split("://", 1)[1]})
    with Database(routed) as cluster:
        assert cluster.uri.startswith("neo4j://")
        assert cluster.bookmarks.get_bookmarks() == set()
        for n in range(5):

            def work(tx: ManagedTransaction, n: int = n) -> str:
                return record(tx, CLI, "test.write", f"target-{n}", None, {"n": n})

            entry = cluster.write_tx(work)
            after_write = cluster.bookmarks.get_bookmarks()
            assert after_write, "a write leaves a bookmark in the shared manager"
            # the very next read, a separate query, is routed as a read and sees the write
            generation = cluster.read("graph_generation")
            assert generation and generation[0]["newest"] == entry, generation
            assert generation[0]["entries"] == n + 1
        # the routing table names the server for both roles (a single instance is all roles)
        table = cluster.driver._pool.routing_tables[cluster.database]
        assert table.readers and table.writers
