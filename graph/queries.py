"""Cypher queries live in `cypher/<name>.cypher`; this module loads them by name, once.

Values always travel as parameters. The few queries whose label or relationship type must
vary take it from a fixed allow-list (see `graph.model`), never from input.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def query(name: str) -> str:
    """The text of `cypher/<name>.cypher`; a missing name is a programming error."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"bad query name {name!r}")
    path = resources.files("cypher").joinpath(f"{name}.cypher")
    if not path.is_file():
        raise LookupError(f"no query file cypher/{name}.cypher")
    return path.read_text(encoding="utf-8")


def statements(name: str) -> list[str]:
    """A multi-statement file (such as the schema) split on `;`, without comments."""
    text = "\n".join(
        line for line in query(name).splitlines() if not line.lstrip().startswith("//")
    )
    return [part.strip() for part in text.split(";") if part.strip()]


def available() -> list[str]:
    """Names of every query file shipped with the package."""
    return sorted(
        entry.name.removesuffix(".cypher")
        for entry in resources.files("cypher").iterdir()
        if entry.name.endswith(".cypher")
    )
