// One step of an upstream search: the flows INTO the frontier that can carry the item (same
// evidence classes and filters as reach_step.cypher).
UNWIND $frontier AS to_id
MATCH (a:Actor)-[f:FLOW]->(b:Actor {id: to_id})
WHERE f.in_effect
  AND ($layers IS NULL OR f.layer IN $layers)
  AND ($as_of IS NULL OR (
        (f.valid_from_day IS NULL OR f.valid_from_day <= date($as_of)) AND
        (f.valid_to_day IS NULL OR f.valid_to_day >= date($as_of))))
WITH a, f, b, [i IN coalesce(f.items, []) WHERE i IN $covering] AS matched
WITH a, f, b, matched,
  CASE
    WHEN size(matched) > 0 THEN 'stated'
    WHEN size(coalesce(f.items, [])) > 0 THEN 'none'
    WHEN f.tier IS NOT NULL AND $item_tier IS NOT NULL AND $item_tier >= f.tier THEN 'implied'
    WHEN f.tier IS NOT NULL THEN 'none'
    ELSE 'unknown'
  END AS evidence
WHERE evidence <> 'none'
RETURN a.id AS from_id, b.id AS to_id, evidence, matched, properties(f) AS flow,
       a{.id, .name, .kind, .org_type} AS node
