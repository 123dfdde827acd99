// Structural links between actors (IN_LA, IN_TRUST, MADE_BY, SUBSIDIARY_OF, ...), one type per
// run: graph/writer.py puts the type in place of REL_TYPE after checking it against a fixed set
// (a static type lets Neo4j check for an existing link from the small end, not by scanning).
UNWIND $rows AS row
MATCH (a:Actor {id: row.from})
MATCH (b:Actor {id: row.to})
MERGE (a)-[:REL_TYPE]->(b)
