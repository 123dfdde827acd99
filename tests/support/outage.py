"""`python -m tests.support.outage`: how fast the API fails, and recovers, when Neo4j goes away.

Starts a throwaway local Neo4j (loopback only), serves the app in-process (TestClient), stops
Neo4j, sends 50 requests to /healthz and /search and reports the p95 time to the 503 answer;
starts Neo4j again and reports how long the same app takes to answer 200 again, without a
restart. Prints one JSON object. A measurement, not a test (no test asserts a time). It lives
beside the tests, not in bench/, because it drives the app itself and the CLI imports bench/:
the two folders must not import each other (tests/unit/test_layers.py).
"""

from __future__ import annotations

import json
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from graph.local_server import LocalNeo4j, free_port
from graph.settings import Settings

REPO = Path(__file__).resolve().parent.parent
REQUESTS = 50


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="edflows-outage-") as home:
        server = LocalNeo4j(
            home=Path(home),
            lib_dir=REPO / ".edflows" / "lib",
            port=free_port(),
            password=secrets.token_urlsafe(12),
            heap="512m",
            pagecache="128m",
            log=lambda _msg: None,
        )
        server.start(timeout=300)
        try:
            settings = Settings.for_server(server.uri, "neo4j", server.password)
            with TestClient(create_app(settings), raise_server_exceptions=False) as client:
                assert client.get("/healthz").status_code == 200
                server.stop()
                times, statuses = [], []
                for n in range(REQUESTS):
                    url = "/healthz" if n % 2 else "/search?q=school"
                    start = time.perf_counter()
                    statuses.append(client.get(url).status_code)
                    times.append(time.perf_counter() - start)
                server.start(timeout=300)
                back = time.perf_counter()
                while client.get("/healthz").status_code != 200:
                    time.sleep(0.1)
                recovered = time.perf_counter() - back
        finally:
            server.stop()
    print(
        json.dumps(
            {
                "requests_while_down": REQUESTS,
                "statuses": sorted(set(statuses)),
                "p95_s_to_503": round(statistics.quantiles(times, n=20)[18], 3),
                "max_s_to_503": round(max(times), 3),
                "recovered_s_after_neo4j_answers": round(recovered, 3),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
