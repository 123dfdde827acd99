"""The built package carries its non-Python files: Cypher queries, the Neo4j launcher, data."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_wheel_ships_cypher_files_and_the_neo4j_launcher(tmp_path: Path) -> None:
    # setuptools reuses build/ and would ship files since deleted from the repo
    shutil.rmtree(REPO / "build", ignore_errors=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("edflows-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped_cypher = {n for n in names if n.startswith("cypher/") and n.endswith(".cypher")}
    in_repo = {f"cypher/{p.name}" for p in (REPO / "cypher").glob("*.cypher")}
    assert shipped_cypher == in_repo
    assert "graph/neo4j_server/pom.xml" in names
    assert "graph/neo4j_server/Neo4jServer.java" in names
