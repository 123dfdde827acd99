"""The project's own curated files (`loaders/curated/`): where they are, and the sources they share.

Kept apart from `base_map` and `catalogue` so each of those can import it (and `base_map` the
catalogue) without importing each other back.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from graph.model import SourceRecord
from loaders.yamlfile import build, read_yaml

CURATED = "loaders.curated"


def curated_path(name: str) -> Path:
    """A packaged curated file by name (`base.yaml`, `demo_school_map.yaml`, ...)."""
    return Path(str(resources.files(CURATED).joinpath(name)))


def shared_sources() -> list[SourceRecord]:
    """The sources every curated file may cite (`loaders/curated/sources.yaml`)."""
    path = curated_path("sources.yaml")
    raw = read_yaml(path)
    return [build(path, SourceRecord, s, "source") for s in raw.get("sources", [])]
