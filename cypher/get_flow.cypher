// One flow by id, with its ends and all its properties (its terms apart: graph/terms.py).
MATCH (a:Actor)-[f:FLOW {id: $id}]->(b:Actor)
OPTIONAL MATCH (t:Terms {id: f.terms})
RETURN a.id AS from_id, b.id AS to_id, properties(f) AS flow, properties(t) AS terms
