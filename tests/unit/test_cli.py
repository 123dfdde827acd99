"""The command line as a new user meets it: arguments where the README puts them, `-v`
anywhere, `--version`, `--json`, defaults in `--help`, and one clear line (exit 69) when Neo4j
is out of reach or a setting is bad, without the driver's retry warnings."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.cli.main import EX_UNAVAILABLE, build_parser, parse, split_verbose
from graph.local_server import free_port

REPO = Path(__file__).resolve().parents[2]


def _parse(*argv: str) -> argparse.Namespace:
    line, verbose = split_verbose(argv)
    args = parse(build_parser(), line)
    args.verbose = verbose
    return args


def test_school_map_file_after_the_urn_option_as_the_readme_writes_it() -> None:
    args = _parse("load", "school-map", "--urn", "100000", "map.csv")
    assert (args.source, args.urn, args.path) == ("school-map", "100000", "map.csv")
    args = _parse("load", "school-map", "map.csv", "--urn", "100000")
    assert (args.source, args.urn, args.path) == ("school-map", "100000", "map.csv")


def test_a_stray_argument_is_still_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        _parse("load", "school-map", "--urn", "100000", "map.csv", "other.csv")
    assert stop.value.code == 2
    assert "unrecognized arguments: other.csv" in capsys.readouterr().err


def test_verbose_anywhere_on_the_line() -> None:
    for argv in (
        ["-v", "reach", "--from", "100000", "--item", "pupil.contact.postcode"],
        ["reach", "-v", "--from", "100000", "--item", "pupil.contact.postcode"],
        ["reach", "--from", "100000", "--item", "pupil.contact.postcode", "--verbose"],
    ):
        args = _parse(*argv)
        assert args.verbose is True
        assert (args.command, args.item) == ("reach", "pupil.contact.postcode")
    assert _parse("stats").verbose is False


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        _parse("--version")
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == "edflows 0.1.0"


@pytest.mark.parametrize(
    "argv",
    [
        ["stats", "--json"],
        ["load", "base", "--json"],
        ["token", "list", "--json"],
        ["neo4j", "status", "--json"],
        ["db", "ping", "--json"],
    ],
)
def test_json_where_the_issue_asks_for_it(argv: list[str]) -> None:
    assert _parse(*argv).json is True


def _subparsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found.extend(_subparsers(sub))
    return found


def test_help_shows_every_default() -> None:
    checked = 0
    for sub in _subparsers(build_parser()):
        text = sub.format_help()
        for action in sub._actions:
            if action.default in (None, False, argparse.SUPPRESS):
                continue
            assert f"(default: {action.default})" in " ".join(text.split()), (
                sub.prog,
                action.dest,
            )
            checked += 1
    assert checked >= 10  # serve/up --host and --port, audit --limit, template --format, ...


def _run(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "EDFLOWS_"))}
    return subprocess.run(
        [sys.executable, "-m", "api.cli.main", *argv],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["stats"],
        ["db", "ping"],
        ["token", "list"],
        ["reach", "--from", "100000", "--item", "pupil.contact.postcode"],
    ],
)
def test_neo4j_down_is_one_line_and_exit_69(argv: list[str], tmp_path: Path) -> None:
    down = f"bolt://127.0.0.1:{free_port()}"  # nothing listens there
    done = _run(*argv, NEO4J_URI=down, NEO4J_PASSWORD="x", EDFLOWS_STATE_DIR=str(tmp_path))
    assert done.returncode == EX_UNAVAILABLE, done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines == [
        f"edflows: error: Neo4j at {down} is not reachable (run with -v for details)"
    ], done.stderr
    assert done.stdout == ""


def test_neo4j_down_with_v_shows_the_detail() -> None:
    down = f"bolt://127.0.0.1:{free_port()}"
    done = _run("db", "ping", "-v", NEO4J_URI=down, NEO4J_PASSWORD="x")
    assert done.returncode == EX_UNAVAILABLE
    assert "Connection refused" in done.stderr
    assert "Traceback" not in done.stderr


def test_aura_uri_without_password_is_one_line() -> None:
    done = _run("db", "ping", NEO4J_URI="neo4j+s://abcd1234.databases.neo4j.io")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("edflows: error: bad setting: NEO4J_URI points at")
    assert "NEO4J_PASSWORD" in lines[0] and "Traceback" not in done.stderr


def test_a_malformed_setting_is_one_line_naming_its_variable() -> None:
    done = _run("stats", EDFLOWS_BOLT_PORT="seven")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("edflows: error: bad setting: EDFLOWS_BOLT_PORT:")
