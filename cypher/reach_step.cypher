// One step of a reach: the flows out of the frontier that can carry the item, each with its
// evidence class. `stated`: the flow lists an item in $covering; `implied`: it lists no items
// but states an NPD tier that covers the item ($item_tier >= tier); `unknown`: it states
// neither. Flows refused or only requested are not followed; with $as_of, only flows in force.
// $layers (when set) keeps to the national layer, the supplier catalogue and ONE school's own
// map, so a journey from a school never runs through another school's systems.
UNWIND $frontier AS from_id
MATCH (a:Actor {id: from_id})-[f:FLOW]->(b:Actor)
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
       b{.id, .name, .kind, .org_type} AS node
