// The sources and data items that the given actors and the flows between them refer to.
MATCH (a:Actor) WHERE a.id IN $ids
OPTIONAL MATCH (a)-[f:FLOW]->(b:Actor)
WHERE b.id IN $ids AND ($layers IS NULL OR f.layer IN $layers)
OPTIONAL MATCH (t:Terms {id: f.terms})
WITH collect(DISTINCT a.source_ids) + collect(DISTINCT f.source_ids) AS source_lists,
     collect(DISTINCT coalesce(t.items, f.items)) AS item_lists
UNWIND (source_lists + item_lists) AS list
UNWIND list AS id
RETURN collect(DISTINCT id) AS ids
