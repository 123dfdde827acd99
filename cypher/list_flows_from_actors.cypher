// Flows out of the given actors (the onward chains after a release's first recipient).
MATCH (a:Actor)-[f:FLOW]->(b:Actor)
WHERE a.id IN $ids AND f.layer = 'national'
OPTIONAL MATCH (t:Terms {id: f.terms})
RETURN a.id AS from_id, a.name AS from_name, b.id AS to_id, b.name AS to_name,
       b.org_type AS to_type, f.id AS id, f.kind AS kind, coalesce(t.items, f.items) AS items,
       coalesce(t.purpose_text, f.purpose_text) AS purpose, f.valid_from AS date, f.source_ids AS source_ids,
       f.conflicts AS conflicts
ORDER BY a.name, b.name, f.id
