"""The README's examples are tests: every `edflows ...` line of README.md's ```sh blocks runs
here, as written (read from the README at test time, so it cannot drift), through the CLI's
entry point (`api.cli.main.main`, in this process: a subprocess per line cost the suite half a
minute of start-ups; tests/unit/test_cli.py and others run the real `edflows` program), against
the session's Neo4j (NEO4J_URI in the environment), writing into tmp_path.

Lines that cannot run in a test are listed in NOT_RUN with the reason; every other line must
run and exit 0. Two adjustments, both stated: a token id in the README (`tok_...`) is a
placeholder, replaced by the id of a token an earlier README line created; and `edflows import`
("into an empty database") runs on an emptied database, from a JSON export of the example
school's neighbourhood (`--root example --depth 2`, as the README's line before it): a
whole-graph export of the bundled data is 29,000 nodes and took the suite a minute to write and
read back; the whole-graph round trip is tests/integration/test_export_import.py's."""

from __future__ import annotations

import json
import os
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from api.cli.main import main
from graph.db import Database
from graph.settings import Settings, get_settings
from tests.support.cli import cli_env

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


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


class Cli:
    """`edflows WORDS` in this process, as the installed program runs it, with the
    environment and working directory of a user's shell (set by the test, restored after)."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def __call__(self, words: list[str]) -> Ran:
        self.capsys.readouterr()
        get_settings.cache_clear()  # the settings are read once per process: read them anew
        try:
            code = main(words)
        except SystemExit as exc:  # argparse's own exits
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            get_settings.cache_clear()
        out = self.capsys.readouterr()
        return Ran(code, out.out, out.err)


def test_readme_lines_are_found() -> None:
    lines = readme_lines()
    assert any(line.startswith("edflows notice") for line in lines)
    assert any(line.startswith("edflows token create") for line in lines)
    # every line is either run or excused
    for line in lines:
        assert line.startswith("edflows ") or why_not(line), f"README line not handled: {line}"


def test_every_readme_edflows_command_runs(
    bundled: Database,
    neo4j_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in [n for n in os.environ if n.startswith("NEO4J_")]:
        monkeypatch.delenv(name)
    for name, value in cli_env(neo4j_settings).items():
        if name.startswith("NEO4J_"):
            monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    run = Cli(capsys)
    commands = [shlex.split(line) for line in readme_lines() if line.startswith("edflows ")]
    assert commands, "the README shows no edflows command"
    imports = [c for c in commands if c[1] == "import"]
    created: list[str] = []
    before = run(["token", "list", "--json"])
    assert before.returncode == 0, before.stderr
    seen: set[str] = {t["id"] for t in json.loads(before.stdout)}
    for words in [c for c in commands if c[1] != "import"]:
        words = words[1:]
        if words[:2] == ["token", "revoke"]:
            assert created, "the README revokes a token before creating one"
            words = [w if not w.startswith("tok_") else created[0] for w in words]
        result = run(words)
        assert result.returncode == 0, f"edflows {shlex.join(words)}: {result.stderr}"
        if words[:2] == ["token", "create"]:
            listed = run(["token", "list", "--json"])
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
    # `edflows import FILE` ("into an empty database"): FILE an export of a subgraph
    for words in imports:
        target = words[-1]
        exported = run(["export", "--format", "json", "--root", "example", "-o", target])
        assert exported.returncode == 0, exported.stderr
        bundled.wipe()
        bundled.apply_schema()
        result = run(words[1:])
        assert result.returncode == 0, f"{shlex.join(words)}: {result.stderr}"
        stats = run(["stats", "--json"])
        assert stats.returncode == 0, stats.stderr
        counted = json.loads(stats.stdout)
        graph_json = json.loads((tmp_path / target).read_text())
        assert counted and graph_json["nodes"], "the import left an empty graph"
