"""Nothing lost: `kill -9` of Neo4j itself (not the client) during a national load (6,000
schools of the spine and their census flows, over 10,000 flows) and during a stream of API
writes. After the restart every acknowledged write is there with its audit entry, and the load
is all there or not there at all: the graph equals the state before the load or the state after
it, never anything between. The tests kill a spare throwaway local Neo4j (`spare_neo4j`), never
the session's."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from graph.audit import CLI
from graph.db import Database
from graph.local_server import LocalNeo4j
from graph.settings import Settings
from graph.tokens import create_token
from loaders.registry import run_load
from tests.support.files import csv_subset
from tests.support.hostile import graph_state
from tests.support.server import running_api

pytestmark = [pytest.mark.integration, pytest.mark.server]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def server(spare_neo4j: LocalNeo4j) -> LocalNeo4j:
    return spare_neo4j


def _kill_9(neo4j: LocalNeo4j) -> None:
    pid = int(neo4j.pid_file.read_text().strip())
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while neo4j.status().running:
        assert time.monotonic() < deadline, "Neo4j survived kill -9"
        time.sleep(0.1)


def _settings(neo4j: LocalNeo4j) -> Settings:
    return Settings.for_server(neo4j.uri, "neo4j", neo4j.password)


def test_kill_9_of_neo4j_during_a_national_load(
    server: LocalNeo4j, shared_data: Path, tmp_path: Path
) -> None:
    settings = _settings(server)
    with Database(settings) as db:
        db.apply_schema()
        run_load(db, "local-authorities", str(shared_data / "local-authorities"))
        before = graph_state(db)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "EDFLOWS_"))}
    env.update(NEO4J_URI=server.uri, NEO4J_PASSWORD=server.password, PYTHONUNBUFFERED="1")
    # 6,000 real schools of the spine: one transaction of about 17,000 writes (6,000 IN_LA
    # links and about 11,000 census flows: over the 10,000 flows of issue 18), big enough that
    # the kill lands while it is open, and a quarter of the time of the whole spine
    spine = csv_subset(
        shared_data / "schools" / "2017-2018_england_spine.csv",
        tmp_path / "spine.csv",
        lambda _row: True,
        most=6_000,
    )
    loader = subprocess.Popen(
        [sys.executable, "-m", "api.cli.main", "load", "schools", str(spine)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    seen = bytearray()
    try:
        assert loader.stderr is not None
        os.set_blocking(loader.stderr.fileno(), False)
        deadline = time.monotonic() + 300
        while b"writing flows:" not in seen:  # flows go last: the transaction is big by now
            assert time.monotonic() < deadline, f"the load never wrote flows: {seen!r}"
            assert loader.poll() is None, f"the load ended before the kill: {seen!r}"
            seen.extend(loader.stderr.read() or b"")
            time.sleep(0.05)
        _kill_9(server)
        assert loader.wait(timeout=60) == 69  # the loader says Neo4j went away
    finally:
        if loader.poll() is None:
            loader.kill()
            loader.wait(timeout=30)

    server.start(timeout=300)
    with Database(settings) as db:
        restarted = graph_state(db)
        run_load(db, "schools", str(spine))
        after = graph_state(db)
        assert after["relationships"] - before["relationships"] > 10_000
        assert restarted in (before, after), "a killed load left part of itself in the graph"


def test_kill_9_of_neo4j_during_api_writes(server: LocalNeo4j) -> None:
    settings = _settings(server)
    with Database(settings) as db:
        db.apply_schema()
        secret = create_token(db, "editor", None, "writer", CLI).secret
    acknowledged: list[str] = []
    refused: list[int] = []
    stop = threading.Event()

    with running_api(settings.model_copy(update={"write_limit": 100_000})) as base:

        def write() -> None:
            headers = {"Authorization": f"Bearer {secret}"}
            with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
                n = 0
                while not stop.is_set():
                    n += 1
                    body = {"id": f"stream-{n}", "title": f"write {n}", "kind": "foi_answer"}
                    try:
                        answer = http.post("/sources", json=body)
                    except httpx.HTTPError:
                        refused.append(0)
                        continue
                    if answer.status_code == 201:
                        acknowledged.append(body["id"])
                    else:
                        assert answer.status_code == 503, answer.text  # never a 500
                        refused.append(answer.status_code)

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        deadline = time.monotonic() + 120
        while len(acknowledged) < 30:
            assert time.monotonic() < deadline and writer.is_alive(), "the writes stalled"
            time.sleep(0.05)
        _kill_9(server)
        while not refused:  # the stream meets the dead server
            assert time.monotonic() < deadline and writer.is_alive()
            time.sleep(0.05)
        stop.set()
        writer.join(timeout=60)

    server.start(timeout=300)
    with Database(settings) as db:
        rows, _, _ = db.driver.execute_query(
            "MATCH (s:Source) WHERE s.id STARTS WITH 'stream-' RETURN collect(s.id) AS ids"
        )
        stored = set(rows[0]["ids"])
        audited, _, _ = db.driver.execute_query(
            "MATCH (e:AuditEntry {action: 'source.add'}) RETURN collect(e.target) AS ids"
        )
    assert set(acknowledged) <= stored, sorted(set(acknowledged) - stored)
    assert stored == set(audited[0]["ids"]), "every stored write has its audit entry"
    assert len(stored) - len(acknowledged) <= 1  # at most the one in flight at the kill
