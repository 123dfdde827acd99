"""Invariants of the project's curated files (loaders/curated/*.yaml, graph/model/items.yaml),
checked without Neo4j: no key given twice in a mapping; every claim cites a source that exists;
every data-item id a file names is in the catalogue; every id names one thing.

A claim's source may be in the file itself, in the shared `loaders/curated/sources.yaml`, in
the catalogue's own sources (`graph/model/items.yaml`) or in the national map (`base.yaml`),
which every plan that loads these files includes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from loaders.catalogue import curated_catalogue
from loaders.curated_files import curated_path
from loaders.yamlfile import LINE, read_yaml, strip_lines

REPO = Path(__file__).resolve().parents[2]
CURATED = sorted((REPO / "loaders" / "curated").glob("*.yaml"))
ITEMS_YAML = REPO / "graph" / "model" / "items.yaml"
ITEM_KEYS = {"items", "typical_items"}  # keys whose values are catalogue item ids


@cache
def parsed(path: Path) -> Any:
    """A file read once for the whole module (the reader checks duplicate keys)."""
    return read_yaml(path)


def walk(value: Any, trail: str = "") -> Iterator[tuple[str, str, Any, int | None]]:
    """(trail, key, value, line) of every key of every mapping, depth first."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key != LINE:
                yield trail, key, inner, value.get(LINE)
                yield from walk(inner, f"{trail}.{key}")
    elif isinstance(value, list):
        for number, inner in enumerate(value):
            yield from walk(inner, f"{trail}[{number}]")


def source_ids(path: Path) -> list[str]:
    data = parsed(path)
    return [s["id"] for s in (data.get("sources") or []) if isinstance(s, dict)]


@cache
def known_sources() -> frozenset[str]:
    shared = {curated_path("sources.yaml"), curated_path("base.yaml"), ITEMS_YAML}
    return frozenset(i for path in shared for i in source_ids(path))


@pytest.mark.parametrize("path", [*CURATED, ITEMS_YAML], ids=lambda p: p.name)
def test_no_key_is_given_twice(path: Path) -> None:
    parsed(path)  # the reader refuses a duplicate key, naming the line of both


def test_the_files_are_found() -> None:
    names = {p.name for p in CURATED}
    assert {"base.yaml", "suppliers.yaml", "sources.yaml", "demo_school_map.yaml"} <= names


@pytest.mark.parametrize("path", CURATED, ids=lambda p: p.name)
def test_every_claim_cites_a_source_that_exists(path: Path) -> None:
    known = known_sources() | set(source_ids(path))
    data = parsed(path)
    cited = [
        (line, claim["source"])
        for _, key, value, line in walk(data)
        if key == "claims" and isinstance(value, list)
        for claim in value
        if isinstance(claim, dict) and "source" in claim
    ]
    assert [(line, s) for line, s in cited if s not in known] == []
    if path.name in {"base.yaml", "suppliers.yaml"}:
        assert len(cited) > 50  # the walk found the claims


@pytest.mark.parametrize("path", [*CURATED, ITEMS_YAML], ids=lambda p: p.name)
def test_every_item_id_is_in_the_catalogue(path: Path) -> None:
    catalogue = set(curated_catalogue().items)
    data = parsed(path)
    named = [
        (line, item)
        for _, key, value, line in walk(data)
        if key in ITEM_KEYS and isinstance(value, list)
        for item in value
        if isinstance(item, str)
    ]
    assert [(line, i) for line, i in named if i not in catalogue] == []


@pytest.mark.parametrize("path", [*CURATED, ITEMS_YAML], ids=lambda p: p.name)
def test_every_id_within_a_section_names_one_thing(path: Path) -> None:
    data = parsed(path)
    for section in ("sources", "actors", "flows", "suppliers", "products", "items"):
        entries = data.get(section) if isinstance(data, dict) else None
        if not isinstance(entries, list):
            continue
        ids = Counter(e["id"] for e in entries if isinstance(e, dict) and "id" in e)
        assert [i for i, n in ids.items() if n > 1] == [], section


def test_no_source_id_means_two_documents() -> None:
    """A source id defined in two files (the catalogue repeats a few of base.yaml's) has the
    same definition in both: one id, one document."""
    first: dict[str, tuple[str, Any]] = {}
    differ = []
    for path in [*CURATED, ITEMS_YAML]:
        for source in parsed(path).get("sources") or []:
            record = strip_lines(source)
            name, earlier = first.setdefault(record["id"], (path.name, record))
            if earlier != record:
                differ.append(f"{record['id']}: {name} and {path.name}")
    assert differ == []
    assert len(first) > 100
