"""The API's answers on the bundled data for a fixed set of questions, kept in a golden file.

`tests/integration/test_golden.py` asks the same questions of the live app and compares the
answers with `tests/golden/answers.json`: a refactor must not change what the API says.

When an answer changes ON PURPOSE (a new evidence class, a curated-file fix, a new field),
regenerate the file and commit it with the change that explains it:

    .venv/bin/python -m tests.support.golden --write

That starts a throwaway local Neo4j (or uses NEO4J_URI, whose database it EMPTIES), loads the
bundled data from EDFLOWS_SHARED_DATA (default ../shared/data), asks every question and writes
the file. Without `--write` it prints which answers differ from the file.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden" / "answers.json"

# (name, path with its query string): reach, paths, sources-of, cut and releases
QUESTIONS: list[tuple[str, str]] = [
    ("reach-demo-postcode", "/reach?from=example&item=pupil.contact.postcode"),
    (
        "reach-demo-postcode-2017-derived",
        "/reach?from=example&item=pupil.contact.postcode&as_of=2017-03-01&include_derived=true",
    ),
    (
        "reach-npd-name-commercial",
        "/reach?from=dataset:npd&item=pupil.identity.name&recipient_type=commercial",
    ),
    (
        "reach-demo-ethnicity-2hops",
        "/reach?from=example&item=pupil.characteristics.ethnicity&max_hops=2",
    ),
    (
        "paths-demo-home-office",
        "/paths?from=example&to=body:home-office&item=pupil.contact.postcode",
    ),
    ("paths-demo-npd-name", "/paths?from=example&to=dataset:npd&item=pupil.identity.name"),
    ("cut-demo-home-office", "/cut?from=example&to=body:home-office&item=pupil.contact.postcode"),
    (
        "sources-of-home-office-postcode",
        "/sources-of?org=body:home-office&item=pupil.contact.postcode&limit=20",
    ),
    ("sources-of-npd-name", "/sources-of?org=dataset:npd&item=pupil.identity.name&limit=10"),
    ("releases-media", "/releases?recipient_type=media"),
    ("releases-2013", "/releases?year=2013&limit=20"),
    ("releases-postcode", "/releases?item=pupil.contact.postcode&limit=10&offset=5"),
]


def ask(client: Any) -> dict[str, Any]:
    """Every question's status and JSON answer, by name (`client`: a TestClient of the app)."""
    answers: dict[str, Any] = {}
    for name, path in QUESTIONS:
        response = client.get(path)
        answers[name] = {"path": path, "status": response.status_code, "body": response.json()}
    return answers


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """One line per question whose answer differs (with the first differing place)."""
    out = []
    for name in sorted(expected.keys() | actual.keys()):
        if name not in actual or name not in expected:
            out.append(f"{name}: only in {'the golden file' if name in expected else 'the app'}")
            continue
        where = _first_difference(expected[name], actual[name], name)
        if where:
            out.append(where)
    return out


def read() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return data


def write(answers: dict[str, Any]) -> None:
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(answers, indent=1, sort_keys=True, ensure_ascii=False)
    GOLDEN.write_text(text + "\n", encoding="utf-8")


def _first_difference(a: Any, b: Any, where: str) -> str | None:
    if type(a) is not type(b):
        return f"{where}: {type(a).__name__} in the golden file, {type(b).__name__} now"
    if isinstance(a, dict):
        for key in sorted(a.keys() | b.keys()):
            if key not in a or key not in b:
                return f"{where}.{key}: only in {'the golden file' if key in a else 'the app'}"
            found = _first_difference(a[key], b[key], f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found = _first_difference(x, y, f"{where}[{i}]")
            if found:
                return found
        if len(a) != len(b):
            return f"{where}: {len(a)} entries in the golden file, {len(b)} now"
        return None
    if a != b:
        return f"{where}: {a!r} in the golden file, {b!r} now"
    return None


@contextmanager
def _bundled_settings() -> Iterator[Any]:
    """Settings of a Neo4j holding the bundled data (NEO4J_URI's, or a throwaway local one)."""
    import tempfile

    from graph.db import Database
    from graph.local_server import LocalNeo4j, free_port
    from graph.settings import Settings
    from loaders.bundled import load_bundled

    shared = Path(os.environ.get("EDFLOWS_SHARED_DATA", REPO.parent / "shared" / "data"))
    with tempfile.TemporaryDirectory(prefix="edflows-golden-") as home:
        server = None
        if os.environ.get("NEO4J_URI"):
            settings = Settings()
        else:
            server = LocalNeo4j(
                home=Path(home),
                lib_dir=REPO / ".edflows" / "lib",
                port=free_port(),
                password=secrets.token_urlsafe(16),
                heap="3g",
                pagecache="1g",
                log=lambda msg: print(msg, file=sys.stderr),
            )
            print("Starting a throwaway Neo4j ...", file=sys.stderr, flush=True)
            server.start(timeout=300)
            settings = Settings.for_server(server.uri, "neo4j", server.password)
        try:
            with Database(settings) as db:
                db.apply_schema()
                db.wipe()
                load_bundled(db, shared)
            yield settings
        finally:
            if server is not None:
                server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="write the golden file")
    args = parser.parse_args(argv)
    from fastapi.testclient import TestClient

    from api.app import create_app

    with _bundled_settings() as settings, TestClient(create_app(settings)) as client:
        answers = ask(client)
    if args.write:
        write(answers)
        print(f"wrote {len(answers)} answers to {GOLDEN.relative_to(REPO)}")
        return 0
    diffs = differences(read(), answers)
    for line in diffs:
        print(line)
    print(f"{len(diffs)} of {len(answers)} answers differ from {GOLDEN.relative_to(REPO)}")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
