// Structural links between actors (IN_LA, IN_TRUST, MADE_BY, SUBSIDIARY_OF, ...). The type
// comes from a fixed set checked in graph/writer.py before it gets here.
UNWIND $rows AS row
MATCH (a:Actor {id: row.from})
MATCH (b:Actor {id: row.to})
MERGE (a)-[:$(row.type)]->(b)
