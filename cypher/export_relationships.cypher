// Every relationship (or, with $ids, those between listed nodes; with $layers, only flows of
// those layers), with the ids and labels of its ends and its properties (a flow's terms apart:
// graph/export.py folds them in, so an export carries each flow whole).
MATCH (a)-[r]->(b)
WHERE ($ids IS NULL OR (a.id IN $ids AND b.id IN $ids))
  AND ($layers IS NULL OR type(r) <> 'FLOW' OR r.layer IN $layers)
OPTIONAL MATCH (t:Terms {id: r.terms})
RETURN type(r) AS type, a.id AS start, labels(a) AS start_labels, b.id AS end,
       labels(b) AS end_labels, properties(r) AS props, properties(t) AS terms
ORDER BY type, start, end, r.id
