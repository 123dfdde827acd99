// Write flows between actors, merged by id; a flow's fields are exactly as its latest load says.
UNWIND $rows AS row
MATCH (a:Actor {id: row.source_actor})
MATCH (b:Actor {id: row.target_actor})
MERGE (a)-[f:FLOW {id: row.id}]->(b)
SET f = row.props
RETURN count(f) AS written
