// One step of a school's (or any actor's) map: every flow out of the frontier, any item, with
// the category the school's own map gives the flow (null on national and catalogue flows).
UNWIND $frontier AS from_id
MATCH (a:Actor {id: from_id})-[f:FLOW]->(b:Actor)
WHERE $layers IS NULL OR f.layer IN $layers
OPTIONAL MATCH (t:Terms {id: f.terms})
RETURN a.id AS from_id, b.id AS to_id, f.id AS id, f.kind AS kind, coalesce(t.items, f.items) AS items,
       f.source_ids AS source_ids, f.in_effect AS in_effect,
       coalesce(t.category, f.category) AS category, f.layer AS layer,
       b{.id, .name, .kind, .org_type, .category} AS node
ORDER BY f.id
LIMIT $limit
