// One flow by id, with its ends and all its properties.
MATCH (a:Actor)-[f:FLOW {id: $id}]->(b:Actor)
RETURN a.id AS from_id, b.id AS to_id, properties(f) AS flow
