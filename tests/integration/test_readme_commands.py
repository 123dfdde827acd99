"""The README's examples are tests: every `edflows ...` line of README.md's ```sh blocks runs
here, as written (read from the README at test time, so it cannot drift), through the CLI
entry point in a subprocess, against the session's Neo4j (NEO4J_URI), writing into tmp_path.

Lines that cannot run in a test are listed in NOT_RUN with the reason; every other line must
run and exit 0. Two adjustments, both stated: a token id in the README (`tok_...`) is a
placeholder, replaced by the id of a token an earlier README line created; and `edflows import`
("into an empty database") runs on an emptied database, from a whole-graph JSON export."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from graph.db import Database
from graph.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.writes_bundled]

REPO = Path(__file__).resolve().parents[2]

# first word(s) of a line -> why it does not run here
NOT_RUN = {
    "make run": "serves forever (and starts its own Neo4j)",
    "make test": "the whole suite: this test is part of it",
    "bench/run": "the benchmark runs for minutes to a quarter of an hour (tests/integration/"
    "test_bench.py runs its machinery)",
    "bench/soak": "the soak runs for minutes (tests/integration/test_soak.py runs its machinery)",
    "curl": "an HTTP example against a running server: the API tests cover each endpoint",
    "TOKEN=": "a shell variable holding a secret printed earlier",
    "edflows up": "serves forever",
}


def readme_lines() -> list[str]:
    """The command lines of README.md's ```sh blocks: comments stripped, continuations joined."""
    lines: list[str] = []
    inside = False
    pending = ""
    for raw in (REPO / "README.md").read_text().splitlines():
        if raw.strip().startswith("```"):
            inside = raw.strip() == "```sh"
            continue
        if not inside:
            continue
        text = pending + raw.strip()
        if text.endswith("\\"):
            pending = text[:-1] + " "
            continue
        try:
            words = shlex.split(text, comments=True)
        except ValueError:  # a quoted argument spanning lines (a JSON body)
            pending = text + "\n"
            continue
        pending = ""
        if words:
            lines.append(shlex.join(words))
    return lines


def why_not(line: str) -> str | None:
    for start, reason in NOT_RUN.items():
        if line.startswith(start):
            return reason
    return None


def run_cli(words: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    code = "import sys; from api.cli.main import main; sys.exit(main())"
    return subprocess.run(
        [sys.executable, "-c", code, *words],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_readme_lines_are_found() -> None:
    lines = readme_lines()
    assert any(line.startswith("edflows notice") for line in lines)
    assert any(line.startswith("edflows token create") for line in lines)
    # every line is either run or excused
    for line in lines:
        assert line.startswith("edflows ") or why_not(line), f"README line not handled: {line}"


def test_every_readme_edflows_command_runs(
    bundled: Database, neo4j_settings: Settings, tmp_path: Path
) -> None:
    env = dict(
        os.environ,
        NEO4J_URI=neo4j_settings.neo4j_uri or "",
        NEO4J_USER=neo4j_settings.neo4j_user,
        NEO4J_PASSWORD=neo4j_settings.neo4j_password,
        PYTHONPATH=str(REPO),
    )
    commands = [shlex.split(line) for line in readme_lines() if line.startswith("edflows ")]
    assert commands, "the README shows no edflows command"
    imports = [c for c in commands if c[1] == "import"]
    created: list[str] = []
    before = run_cli(["token", "list", "--json"], env, tmp_path)
    assert before.returncode == 0, before.stderr
    seen: set[str] = {t["id"] for t in json.loads(before.stdout)}
    for words in [c for c in commands if c[1] != "import"]:
        words = words[1:]
        if words[:2] == ["token", "revoke"]:
            assert created, "the README revokes a token before creating one"
            words = [w if not w.startswith("tok_") else created[0] for w in words]
        result = run_cli(words, env, tmp_path)
        assert result.returncode == 0, f"edflows {shlex.join(words)}: {result.stderr}"
        if words[:2] == ["token", "create"]:
            listed = run_cli(["token", "list", "--json"], env, tmp_path)
            assert listed.returncode == 0, listed.stderr
            ids = {t["id"] for t in json.loads(listed.stdout)} - seen
            assert len(ids) == 1, ids
            created.extend(ids)
            seen |= ids
        for flag in ("-o", "--output"):
            if flag in words:
                out = tmp_path / words[words.index(flag) + 1]
                # a file, or a folder of files (`export --format neo4j-admin`)
                written = [out] if out.is_file() else sorted(out.glob("*"))
                assert written and all(f.stat().st_size > 0 for f in written), out
    # `edflows import FILE` ("into an empty database"): FILE from a whole-graph JSON export
    for words in imports:
        target = words[-1]
        exported = run_cli(["export", "--format", "json", "-o", target], env, tmp_path)
        assert exported.returncode == 0, exported.stderr
        bundled.wipe()
        bundled.apply_schema()
        result = run_cli(words[1:], env, tmp_path)
        assert result.returncode == 0, f"{shlex.join(words)}: {result.stderr}"
        stats = run_cli(["stats", "--json"], env, tmp_path)
        assert stats.returncode == 0, stats.stderr
        assert json.loads(stats.stdout), "the import left an empty graph"
