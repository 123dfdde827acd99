"""The app under uvicorn on a free loopback port, in a thread: for tests that need real HTTP
(the load test, the browser tests)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

from api.app import create_app
from graph.local_server import free_port
from graph.settings import Settings


@contextmanager
def running_api(settings: Settings) -> Iterator[str]:
    """Serve a new app for `settings` until the block ends; yields its base URL."""
    with serving(create_app(settings)) as base_url:
        yield base_url


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve `app` until the block ends; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        backlog=512,
        # uvicorn's default of 5 s closes idle keep-alive connections just as a busy client
        # reuses them (a "connection reset by peer"); serve them as long as the client waits
        timeout_keep_alive=75,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
