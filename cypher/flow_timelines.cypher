// The dated timelines of the given flows (graph/release_report.py): each event names the
// claims that evidence it; the claims give their sources. Flows without a timeline are left out.
UNWIND $ids AS id
MATCH (a:Actor)-[f:FLOW {id: id}]->(b:Actor)
WHERE f.timeline_json IS NOT NULL AND f.timeline_json <> '[]'
OPTIONAL MATCH (t:Terms {id: f.terms})  // claims many flows share are on their terms node
RETURN f.id AS id, a.id AS from_id, a.name AS from_name, b.id AS to_id, b.name AS to_name,
       f.timeline_json AS timeline, coalesce(f.claims_json, t.claims_json) AS claims
ORDER BY b.name, f.id
