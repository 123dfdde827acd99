"""Ending a test session's throwaway Neo4j: its data folder is a temporary one that nobody
reads again, so it is killed at once instead of stopped cleanly (a clean stop writes a
checkpoint first: about 7 s a server at the end of every run). Servers whose data matters are
stopped with `LocalNeo4j.stop()`; tests of that stop are in test_local_server.py."""

from __future__ import annotations

import os
import signal
import time

from graph.local_server import LocalNeo4j


def discard(server: LocalNeo4j) -> None:
    """Kill the throwaway server's process (if it runs) and wait until it is gone."""
    try:
        pid = int(server.pid_file.read_text().strip())
    except (OSError, ValueError):
        return
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        try:  # our own child: reap it
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                break
        except ChildProcessError:
            pass
        time.sleep(0.05)
    server.pid_file.unlink(missing_ok=True)
