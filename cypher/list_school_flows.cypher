// Every flow a school's data starts on: the school's own flows (national census returns and
// its map's systems) and the onward shares its map declares (layer `school:<urn>`).
CALL () {
  MATCH (a:Actor {id: $school_id})-[f:FLOW]->(b:Actor)
  WHERE f.layer IN ['national', $layer]
  RETURN a, f, b
  UNION
  MATCH (a:Actor)-[f:FLOW {layer: $layer}]->(b:Actor)
  RETURN a, f, b
}
OPTIONAL MATCH (t:Terms {id: f.terms})
RETURN a.id AS from_id, a.name AS from_name, b.id AS to_id, b.name AS to_name,
       b.kind AS to_kind, b.org_type AS to_org_type, properties(f) AS flow,
       properties(t) AS terms
ORDER BY f.id
