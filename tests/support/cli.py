"""The environment for running the `edflows` command line in a subprocess against the test
session's Neo4j (and no other NEO4J_ setting of the machine's)."""

from __future__ import annotations

import os

from graph.settings import Settings


def cli_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(
        NEO4J_URI=settings.effective_uri,
        NEO4J_USER=settings.neo4j_user,
        NEO4J_PASSWORD=settings.neo4j_password,
    )
    return env
