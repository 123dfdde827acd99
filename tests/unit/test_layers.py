"""Layers point one way: every module's imports, read with ast, against the folders' rules.

`graph/` (model, Neo4j, load-plan contract, guard, query services) is the bottom layer and
imports nothing of `api/`, `web/`, `loaders/` or `bench/`. `loaders/` import `graph/` (and
`cypher/`) only. `web/` and `api/` sit on top (`web/` never imports `api/`); `bench/` may
import anything, and nothing imports `bench/` but the command line's bench command. No two
folders import each other, directly or round a longer loop, and no two modules do either (an
import moved into a function to dodge a loop is still a loop). Imports inside functions and
under TYPE_CHECKING count too.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FOLDERS = {"api", "graph", "loaders", "web", "bench", "cypher", "tests"}
# which other top-level folders each folder's modules may import
ALLOWED: dict[str, set[str]] = {
    "cypher": set(),
    "graph": {"cypher"},
    "loaders": {"graph", "cypher"},
    "web": {"graph", "cypher", "loaders"},
    "api": {"graph", "cypher", "loaders", "web"},
    "bench": {"api", "graph", "cypher", "loaders", "web"},
}
# the only modules outside bench/ that may import bench/
BENCH_IMPORTERS = {"api/cli/bench_cmds.py"}


Imports = dict[str, list[tuple[int, str]]]  # module path -> (line, top-level folder)


def imports_in(source: str, rel: str) -> list[tuple[int, str]]:
    """(line, top-level folder) of every project import in a module, wherever it stands."""
    tree = ast.parse(source, filename=rel)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, rel.split("/")[0]))  # relative: its own folder
    return [(line, top) for line, top in found if top in FOLDERS]


@cache
def project_imports() -> Imports:
    modules = sorted(p for folder in FOLDERS for p in (REPO / folder).rglob("*.py"))
    return {
        p.relative_to(REPO).as_posix(): imports_in(
            p.read_text(encoding="utf-8"), p.relative_to(REPO).as_posix()
        )
        for p in modules
    }


def wrong_way_imports(imports: Imports) -> list[str]:
    """One line per import that breaks a folder's rule (file:line, what, why)."""
    wrong = []
    for rel, found in imports.items():
        own = rel.split("/")[0]
        for line, top in found:
            if top == own or own == "tests":
                continue
            if top == "tests":
                wrong.append(f"{rel}:{line} imports tests/ (only tests may)")
            elif top == "bench" and rel not in BENCH_IMPORTERS:
                wrong.append(f"{rel}:{line} imports bench/ (only {sorted(BENCH_IMPORTERS)})")
            elif top != "bench" and top not in ALLOWED[own]:
                wrong.append(
                    f"{rel}:{line} imports {top}/ ({own}/ may import {sorted(ALLOWED[own])})"
                )
    return wrong


def folder_cycles(imports: Imports) -> list[list[str]]:
    """Loops in the graph of which folder imports which (tests/ left out: nothing imports it)."""
    edges: dict[str, set[str]] = defaultdict(set)
    for rel, found in imports.items():
        own = rel.split("/")[0]
        if own != "tests":
            edges[own] |= {top for _, top in found if top not in {own, "tests"}}
    cycles: list[list[str]] = []
    for start in sorted(edges):
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        while stack:
            node, trail = stack.pop()
            for nxt in sorted(edges.get(node, ())):
                if nxt == start:
                    cycles.append([*trail, start])
                elif nxt not in trail and nxt > start:  # each loop once, from its least folder
                    stack.append((nxt, [*trail, nxt]))
    return cycles


def module_cycles(root: Path) -> list[list[str]]:
    """Groups of modules that import each other (strongly connected, more than one module)."""
    paths = {}
    for folder in FOLDERS - {"tests"}:
        for p in (root / folder).rglob("*.py"):
            name = p.relative_to(root).with_suffix("").as_posix().replace("/", ".")
            paths[name.removesuffix(".__init__")] = p
    edges: dict[str, set[str]] = {}
    for name, p in paths.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                targets |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        edges[name] = {t for t in targets if t in paths and t != name}
    reach = {n: _reachable(n, edges) for n in edges}
    groups = {frozenset(m for m in reach[n] if n in reach[m]) | {n} for n in edges}
    return sorted(sorted(g) for g in groups if len(g) > 1)


def _reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in edges[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


def test_every_import_points_down_the_layers() -> None:
    imports = project_imports()
    assert len(imports) > 100, "the project's modules were not found"
    assert {"graph/journeys.py", "loaders/common.py", "api/app.py"} <= imports.keys()
    assert wrong_way_imports(imports) == []


def test_no_two_folders_import_each_other() -> None:
    assert folder_cycles(project_imports()) == []


def test_no_two_modules_import_each_other() -> None:
    assert module_cycles(REPO) == []


def test_the_checks_catch_a_wrong_way_import_and_a_loop() -> None:
    """The rules themselves, on made-up modules: an import inside a function from graph/ into
    loaders/ is wrong and makes a loop; bench/ imported outside its command is wrong."""
    imports: Imports = {
        "graph/probe.py": imports_in(
            "def f() -> None:\n    from loaders.common import slug\n", "graph/probe.py"
        ),
        "loaders/probe.py": imports_in(
            "import graph.db\nfrom . import common\n", "loaders/probe.py"
        ),
        "web/probe.py": imports_in("import bench.runner\n", "web/probe.py"),
        "api/cli/bench_cmds.py": imports_in(
            "from bench.generate import generate\n", "api/cli/bench_cmds.py"
        ),
    }
    assert wrong_way_imports(imports) == [
        "graph/probe.py:2 imports loaders/ (graph/ may import ['cypher'])",
        "web/probe.py:1 imports bench/ (only ['api/cli/bench_cmds.py'])",
    ]
    assert folder_cycles(imports) == [["graph", "loaders", "graph"]]


def test_a_loop_between_two_modules_is_found(tmp_path: Path) -> None:
    """Two modules that import each other, one of them inside a function, are one loop."""
    (tmp_path / "loaders").mkdir()
    (tmp_path / "loaders" / "a.py").write_text("from loaders.b import g\n", encoding="utf-8")
    (tmp_path / "loaders" / "b.py").write_text(
        "def g() -> None:\n    from loaders import a\n", encoding="utf-8"
    )
    (tmp_path / "loaders" / "c.py").write_text("import loaders.a\n", encoding="utf-8")
    assert module_cycles(tmp_path) == [["loaders.a", "loaders.b"]]


def test_the_answer_size_benchmark_gzips_as_the_api_does() -> None:
    from api.app import GZIP_LEVEL
    from bench.answer_size import GZIP_LEVEL as BENCH_LEVEL

    assert BENCH_LEVEL == GZIP_LEVEL
