"""The bundled data that `edflows up` loads: the project's curated files and ../shared/data."""

from __future__ import annotations

from graph.db import Database


def load_bundled(db: Database) -> None:
    """Load every bundled source, in dependency order (idempotent)."""
    db.apply_schema()
