"""The benchmark's own parts, on a small real graph: the SYNTHETIC generator is deterministic,
labels everything it makes and writes the school maps as ONE file the project's loaders accept;
the benchmark's independent breadth-first search (the limit baseline) agrees with the reach
service on the organisations, their classes and their hop counts; the naive baseline query
finds the same organisations when it finishes; the plain-Cypher same-answer baseline gives the
same organisations, classes and hop counts, with each hop's fields. (The benchmark's timings
are not tested here: performance is measured by bench/run, never asserted in a test.)"""

from __future__ import annotations

import csv
import itertools
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bench.baselines import LimitBFS, cypher_answer, flow_rank, witness_classes
from bench.generate import generate
from bench.runner import render_table
from graph.db import Database
from graph.journey_query import JourneyQuery
from graph.journeys import JourneyService, layers_for
from graph.results import HOP_PROPERTIES
from graph.terms import unfold
from loaders.registry import run_load

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
SCHOOLS = 40


@pytest.fixture()
def mini_shared(shared_data: Path, tmp_path: Path) -> Path:
    """A shared-data folder with the first SCHOOLS schools of the real spine and the real
    release register."""
    folder = tmp_path / "shared"
    (folder / "schools").mkdir(parents=True)
    (folder / "npd-releases").mkdir()
    spine = shared_data / "schools" / "2017-2018_england_spine.csv"
    with spine.open(encoding="utf-8-sig") as handle:
        lines = list(itertools.islice(handle, SCHOOLS + 1))
    (folder / "schools" / spine.name).write_text("".join(lines), encoding="utf-8")
    releases = shared_data / "npd-releases" / "releases.csv"
    (folder / "npd-releases" / "releases.csv").write_bytes(releases.read_bytes())
    return folder


def test_the_generator_is_deterministic_and_labels_what_it_makes(
    mini_shared: Path, tmp_path: Path
) -> None:
    first = generate(mini_shared, tmp_path / "a", "small", seed=3)
    second = generate(mini_shared, tmp_path / "b", "small", seed=3)
    other = generate(mini_shared, tmp_path / "c", "small", seed=4)
    for name in first.manifest["files"]:
        assert (first.folder / name).read_bytes() == (second.folder / name).read_bytes()
    maps = "school_maps.csv"
    assert (first.folder / maps).read_bytes() != (other.folder / maps).read_bytes()
    assert first.manifest["synthetic"] is True and first.manifest["schools"] == SCHOOLS
    assert first.manifest["school_map_files"] == [maps]  # ONE file
    with (first.folder / maps).open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == SCHOOLS * 20
    assert all(
        r["system"].startswith("SYNTHETIC") and r["evidence_kind"] == "synthetic" for r in rows
    )
    with (first.folder / "releases.csv").open() as handle:
        releases = list(csv.DictReader(handle))
    assert releases and all(r["recipient"].startswith("SYNTHETIC") for r in releases)
    assert all(r["source_kind"] == "synthetic" and not r["source_url"] for r in releases)
    # asked for parts: the same rows, split at local-authority boundaries
    split = generate(mini_shared, tmp_path / "d", "small", seed=3, part_rows=SCHOOLS * 10)
    assert len(split.manifest["school_map_files"]) > 1
    assert split.manifest["school_map_rows"] == first.manifest["school_map_rows"]


def test_generated_inputs_load_and_the_python_bfs_agrees_with_reach(
    db: Database, mini_shared: Path, shared_data: Path, tmp_path: Path
) -> None:
    inputs = generate(mini_shared, tmp_path / "bench", "small", seed=1)
    run_load(db, "base", None)
    run_load(db, "local-authorities", str(shared_data / "local-authorities"))
    run_load(db, "schools", str(next((mini_shared / "schools").iterdir())))
    run_load(db, "suppliers", None)
    run_load(db, "releases", str(mini_shared / "npd-releases" / "releases.csv"))
    for name, file in (
        ("suppliers", "products.csv"),
        ("releases", "releases.csv"),
        ("school-maps", "school_maps.csv"),
    ):
        report = run_load(db, name, str(inputs.folder / file))
        assert report.written.get("flows"), (name, report.written)
    # every generated source says it is synthetic
    kinds = db.driver.execute_query(
        "MATCH (s:Source) WHERE s.title STARTS WITH 'SYNTHETIC' RETURN DISTINCT s.kind AS kind",
        database_=db.database,
    ).records
    assert {r["kind"] for r in kinds} == {"synthetic"}

    journeys = JourneyService(db)
    index = journeys.index()
    bfs = LimitBFS.load(db, index)
    with (inputs.folder / "school_maps.csv").open() as handle:
        urns = sorted({r["urn"] for r in csv.DictReader(handle)})
    items = ["pupil.contact.postcode", "pupil.identity.name", "pupil.online.browsing_history",
             "pupil.characteristics.ethnicity", "pupil.biometric.fingerprint_template"]  # fmt: skip
    compared = 0
    for urn, item in itertools.product(urns[:6], items):
        result = journeys.reach(JourneyQuery(origin=urn, item=item))
        got = {r.actor.id: (r.evidence, r.hops) for r in result.reached}
        start = f"school:{urn}"
        assert got == witness_classes(bfs.answer(start, item)), (urn, item)
        compared += len(got)
        covering, item_tier = index.covering(item), index.tier(item)
        params: dict[str, Any] = {
            "start": start,
            "covering": sorted(covering),
            "item_tier": item_tier,
            "layers": layers_for(start),
        }
        # the naive baseline, when it finishes, finds the same organisations
        rows = db.read("bench_naive_reach", timeout=30, **params)
        assert {r["ids"][-1] for r in rows} == set(got), (urn, item)
        if urn not in urns[:2]:
            continue  # the plain-Cypher baseline on 10 pairs (its first plans cost ~1-2 s)
        # the plain-Cypher baseline gives the same answer: organisations, classes, hops, and
        # a path of flows that run from the school to the organisation, each with its fields
        rows = db.read_plain("bench_shortest_reach", timeout=30, **params)
        assert cypher_answer(rows) == got, (urn, item)
        for row in rows:
            ends = [(h["from_id"], h["to_id"]) for h in row["path"]]
            assert ends[0][0] == start and ends[-1][1] == row["id"]
            assert all(a[1] == b[0] for a, b in itertools.pairwise(ends))
            for hop in row["path"]:
                assert set(HOP_PROPERTIES) <= set(hop), (urn, item, hop["id"])
                flow = unfold(hop, hop["terms"])  # its items are on its terms node
                rank = flow_rank(
                    flow.get("items") or (),
                    flow.get("tier"),
                    frozenset(flow.get("disputed_items") or ()),
                    covering,
                    item_tier,
                )
                assert rank <= row["class_rank"], (urn, item, hop["id"])
    assert compared > 100  # the pairs reach suppliers, sub-processors and NPD recipients


def test_bench_run_documents_itself_and_renders_a_table() -> None:
    done = subprocess.run(
        [str(REPO / "bench" / "run"), "--help"], capture_output=True, text=True, check=True
    )
    assert "--scale" in done.stdout and "national" in done.stdout
    from bench.runner import Run

    run = Run(
        load={
            "loader_rows_per_s": 30000.0,
            "baseline_rows_per_s": 400.0,
            "ratio": 75.0,
            "full_load_s": 70.0,
        }
    )
    table = render_table(run)
    assert (
        "| load: school-map flows/s | 30,000 | 400 (per-row MERGE) | 75x | >= 50x | yes |" in table
    )
    assert "| load: full national load | 70.0 s |  |  | <= 60 s | NO |" in table
