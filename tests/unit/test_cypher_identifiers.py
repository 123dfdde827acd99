"""Labels and relationship types never come from input unchecked: the allow-list checks of
graph/identifiers.py, and an audit of the code for every place a name enters Cypher text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.export import import_graph
from graph.identifiers import (
    ACTOR_LINK_TYPES,
    KEY_LABELS,
    RELATIONSHIP_TYPES,
    BadIdentifier,
    check_label,
    check_labels,
    check_rel_type,
    node_labels,
)
from graph.model import model
from graph.writer import Counters, _actor_row, _links

REPO = Path(__file__).resolve().parents[2]
HOSTILE = [
    "Actor:Evil",
    "Actor`) DETACH DELETE n //",
    "FLOW]->() MATCH (n) DETACH DELETE n //",
    "' OR 1=1 //",
    "$param",
    "actor",  # case matters
    "",
    " Actor",
    "Actor\u0000",
    "CALL dbms.killQueries",
    None,
    42,
]


def test_every_edflows_label_and_type_passes() -> None:
    for label in [*KEY_LABELS, *model().node_kinds]:
        assert check_label(label) == label
    assert check_labels(["Actor", "School"]) == ["Actor", "School"]
    for rel_type in RELATIONSHIP_TYPES:
        assert check_rel_type(rel_type) == rel_type
    assert "FLOW" in RELATIONSHIP_TYPES and "School" in node_labels()


@pytest.mark.parametrize("name", HOSTILE)
def test_anything_else_is_refused(name: object) -> None:
    with pytest.raises(BadIdentifier, match="is not"):
        check_label(name)
    with pytest.raises(BadIdentifier, match="is not an allowed relationship type"):
        check_rel_type(name)


def test_a_type_outside_the_given_subset_is_refused() -> None:
    assert check_rel_type("USES", ACTOR_LINK_TYPES) == "USES"
    with pytest.raises(BadIdentifier):
        check_rel_type("FLOW", ACTOR_LINK_TYPES)


def test_the_writer_checks_before_any_query_runs() -> None:
    # no transaction at all: the check comes before any query could run
    links = [("USES]->(x) DETACH DELETE x //", "a", "b")]
    with pytest.raises(BadIdentifier):
        _links(
            None,  # type: ignore[arg-type]
            "merge_actor_links",
            links,
            ACTOR_LINK_TYPES,
            "links",
            lambda *a: None,
            Counters(),
        )

    from graph.model import ActorRecord

    actor = ActorRecord.model_construct(
        id="org:x", name="x", kind="Evil`:Label", org_type=None, aliases=[], layer=None,
        props={}, source_ids=["s"], evidence=[],
    )  # fmt: skip
    with pytest.raises(BadIdentifier):
        _actor_row(actor)


def test_an_import_file_with_a_foreign_label_or_type_is_refused_before_the_database() -> None:
    # no database at all: the file is checked before the database is touched (or wiped)
    node = {"labels": ["Actor", "Admin`) DETACH DELETE n //"], "properties": {"id": "x"}}
    data = {"format": "edflows-graph", "version": 1, "nodes": [node], "relationships": []}
    with pytest.raises(BadIdentifier):
        import_graph(None, data, replace=True)  # type: ignore[arg-type]
    rel = {"type": "OWNS", "start": ["Actor", "a"], "end": ["Actor", "b"], "properties": {}}
    data = {"format": "edflows-graph", "version": 1, "nodes": [], "relationships": [rel]}
    with pytest.raises(BadIdentifier):
        import_graph(None, data, replace=True)  # type: ignore[arg-type]


# Every place where Python puts something into Cypher text, and the check that guards it.
AUDITED = {
    ("graph/writer.py", "REL_TYPE"): "check_rel_type",
    ("graph/export.py", "START_LABEL"): "KEY_LABELS",
    ("graph/export.py", "END_LABEL"): "KEY_LABELS",
    ("graph/backup.py", "START_LABEL"): "KEY_LABELS",
    ("graph/backup.py", "END_LABEL"): "KEY_LABELS",
}
DYNAMIC = re.compile(r"\$\((?P<expr>[^)]*)\)")


def test_audit_no_unchecked_name_enters_cypher_text() -> None:
    """Placeholders replaced in query text are each guarded; `$(...)` dynamic labels and types
    appear only in queries whose callers check them."""
    sources = {
        str(p.relative_to(REPO)): p.read_text(encoding="utf-8")
        for folder in ("graph", "loaders", "api", "web")
        for p in (REPO / folder).rglob("*.py")
    }
    replaced = {
        (path, m.group(1))
        for path, text in sources.items()
        for m in re.finditer(r'query\([^)]*\)\s*\.replace\("([A-Z_]+)"', text.replace("\n", " "))
    } | {
        (path, m.group(1))
        for path, text in sources.items()
        for m in re.finditer(r'\.replace\("([A-Z_]+_(?:LABEL|TYPE))"', text)
    }
    assert replaced == set(AUDITED), f"a new text placeholder: {replaced - set(AUDITED)}"
    for (path, _placeholder), guard in AUDITED.items():
        assert guard in sources[path]
    # no f-string or concatenation builds Cypher: every query comes from cypher/*.cypher
    for path, text in sources.items():
        assert not re.search(r"f[\"'](MATCH|MERGE|CREATE|SET|CALL|UNWIND|RETURN)\b", text), path
    dynamic = {
        p.name: sorted(set(DYNAMIC.findall(p.read_text(encoding="utf-8"))))
        for p in (REPO / "cypher").glob("*.cypher")
        if DYNAMIC.search(p.read_text(encoding="utf-8"))
    }
    assert dynamic == {
        "import_nodes.cypher": ["row.labels"],
        "import_relationships.cypher": ["row.type"],
        "merge_actors.cypher": ["row.kind"],
        "merge_actor_stubs.cypher": ["row.kind"],
    }
    assert "check_labels(" in sources["graph/export.py"]
    assert "check_rel_type(" in sources["graph/export.py"]
    assert "check_label(actor.kind)" in sources["graph/writer.py"]
