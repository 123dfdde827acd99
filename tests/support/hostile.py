"""Hostile strings and graph fingerprints shared by the hostile-input, fuzzing and failure tests.

`PAYLOADS` are the strings an attacker tries (Cypher injection, HTML/JS for the pages, path
traversal for file names, very long and odd unicode); `graph_state` is a full fingerprint of the
graph (every node's labels and properties, every relationship) to prove nothing changed.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from graph.db import Database

CYPHER = [
    "' OR 1=1 //",
    '"}) MATCH (n) DETACH DELETE n //',
    "') MATCH (n) DETACH DELETE n RETURN 1 //",
    "\u0027 OR \u00271\u0027=\u00271",
    "`) DETACH DELETE n //",
    "school:100000`]->() MATCH (n) DETACH DELETE n //",
    "$param",
    "{id: $x}",
    "CALL dbms.killQueries([]) //",
    "CALL apoc.cypher.runWrite('MATCH (n) DETACH DELETE n', {})",
    "1; MATCH (n) DETACH DELETE n",
    "*:* OR name:*",  # Lucene syntax for the fulltext search
]
HTML = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "</textarea><script>alert(1)</script>",
]
TRAVERSAL = [
    "../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/etc/passwd",
    "C:\\Windows\\win.ini",
    "app.css\x00.png",
]
ODD = [
    "A" * 5000,
    "\u202egnp.exe",  # right-to-left override
    "\ufeff\u200b\u200d",  # BOM and zero-width characters
    "\U0001f4a9" * 50,
    "\ufffd\ufffe",  # replacement character and a noncharacter
    "\x00",
    "\u03a9\u2248\u00e7\u221a\u222b\u02dc\u00b5\u2264\u2265\u00f7",  # math and Greek
    "%s%s%n",
]
PAYLOADS = [*CYPHER, *HTML, *TRAVERSAL, *ODD]
# payloads that would do harm if a page showed them as they are
MARKUP = [p for p in PAYLOADS if any(c in p for c in "<>\"'")]


def graph_state(db: Database) -> dict[str, Any]:
    """A fingerprint of everything in the graph: any change of any node, relationship or
    property changes it."""
    digest = hashlib.sha256()
    nodes = rels = 0
    with db.driver.session(database=db.database) as session:
        for record in session.run(
            "MATCH (n) RETURN labels(n) AS l, properties(n) AS p ORDER BY elementId(n)"
        ):
            nodes += 1
            digest.update(_canon([sorted(record["l"]), record["p"]]))
        for record in session.run(
            "MATCH (a)-[r]->(b) RETURN elementId(a) AS a, type(r) AS t, elementId(b) AS b, "
            "properties(r) AS p ORDER BY elementId(r)"
        ):
            rels += 1
            digest.update(_canon([record["a"], record["t"], record["b"], record["p"]]))
    fingerprint = db.read("get_graph_fingerprint")[0]
    return {
        "nodes": nodes,
        "relationships": rels,
        "sha256": digest.hexdigest(),
        "loads": sorted(fingerprint["loads"]),
        "versions": sorted(fingerprint["versions"]),
    }


def _canon(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, default=str).encode("utf-8")
