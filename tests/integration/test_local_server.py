"""The local Neo4j server's life cycle, driven exactly as a user drives it: the `edflows` CLI.

Each test runs its own server on a free loopback port with a throwaway state directory
(sharing only the jar cache), so it never touches the session's server or a user's data.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.local_server import free_port

pytestmark = [pytest.mark.integration, pytest.mark.server]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def cli_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "EDFLOWS_"))}
    env.update(
        EDFLOWS_STATE_DIR=str(tmp_path / "state"),
        EDFLOWS_LIB_DIR=str(REPO / ".edflows" / "lib"),
        EDFLOWS_BOLT_PORT=str(free_port()),
        EDFLOWS_HEAP="512m",
        EDFLOWS_PAGECACHE="128m",
        NEO4J_PASSWORD=secrets.token_urlsafe(12),
    )
    yield env
    pid_file = tmp_path / "state" / "neo4j" / "server.pid"
    if pid_file.exists():  # never leave a server behind, even when a test fails
        subprocess.run([*EDFLOWS, "neo4j", "stop"], env=env, check=False, capture_output=True)


EDFLOWS = [sys.executable, "-m", "api.cli.main"]


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*EDFLOWS, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=300
    )


def test_start_ping_crash_restart_stop_and_their_repeats(cli_env: dict[str, str]) -> None:
    """One server's whole life (two starts, not three: each start costs tens of seconds)."""
    port = cli_env["EDFLOWS_BOLT_PORT"]
    started = run(cli_env, "neo4j", "start")
    assert started.returncode == 0, started.stderr
    assert f"ready at bolt://127.0.0.1:{port}" in started.stdout

    again = run(cli_env, "neo4j", "start")
    assert again.returncode == 0
    assert "already running" in again.stdout

    ping = run(cli_env, "db", "ping")
    assert ping.returncode == 0, ping.stderr
    assert "5.26" in ping.stdout and "community" in ping.stdout

    status = run(cli_env, "neo4j", "status")
    assert status.returncode == 0 and "running" in status.stdout

    # a crash: status tells the truth, a restart works, and what was written persists
    assert run(cli_env, "db", "init").returncode == 0
    pid = int((Path(cli_env["EDFLOWS_STATE_DIR"]) / "neo4j" / "server.pid").read_text())
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)

    crashed = run(cli_env, "neo4j", "status")
    assert crashed.returncode == 3
    assert "crashed" in crashed.stdout and str(pid) in crashed.stdout

    restarted = run(cli_env, "neo4j", "start")
    assert restarted.returncode == 0, restarted.stderr
    assert "ready" in restarted.stdout
    assert run(cli_env, "db", "ping").returncode == 0
    # what was written before the crash is still there (the schema made by `db init`)
    from neo4j import GraphDatabase

    uri = f"bolt://127.0.0.1:{port}"
    with GraphDatabase.driver(uri, auth=("neo4j", cli_env["NEO4J_PASSWORD"])) as driver:
        records, _, _ = driver.execute_query(
            "SHOW CONSTRAINTS YIELD name RETURN collect(name) AS n"
        )
    assert "actor_id" in records[0]["n"]

    pid = int((Path(cli_env["EDFLOWS_STATE_DIR"]) / "neo4j" / "server.pid").read_text())
    stopped = run(cli_env, "neo4j", "stop")
    assert stopped.returncode == 0 and "Neo4j stopped" in stopped.stdout
    assert not _alive(pid), "stop leaves no process behind"

    twice = run(cli_env, "neo4j", "stop")
    assert twice.returncode == 0 and "not running" in twice.stdout

    after = run(cli_env, "neo4j", "status")
    assert after.returncode == 3 and "stopped" in after.stdout


def test_missing_java_is_one_clear_line(cli_env: dict[str, str], tmp_path: Path) -> None:
    env = dict(cli_env, EDFLOWS_LIB_DIR=str(tmp_path / "empty-lib"), PATH=str(tmp_path))
    result = run(env, "neo4j", "start")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "edflows: error: `java` was not found on PATH: install Java 17 or 21 "
        "(Debian: apt-get install openjdk-17-jre-headless)."
    ]


def test_a_taken_port_is_refused_clearly(cli_env: dict[str, str]) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", int(cli_env["EDFLOWS_BOLT_PORT"])))
        sock.listen()
        result = run(cli_env, "neo4j", "start")
    assert result.returncode == 1
    assert "is taken by another program" in result.stderr


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
