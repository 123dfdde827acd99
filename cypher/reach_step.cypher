// One step of a reach: the flows in effect out of the frontier, with the fields a hop shows.
// Refused, withdrawn or only requested flows are not followed; with $as_of, only flows in
// force that day. Whether a flow can carry the item, and with what evidence class, is decided
// in one place for every caller: graph/traversal.py, `classify` (so a step's rows serve any
// item, and the app's StepCache keeps them once). Only the $layers given are followed: the
// shared ones (national, catalogue); a school's own layer comes from reach_layer_flows.cypher.
UNWIND $frontier AS from_id
MATCH (a:Actor {id: from_id})-[f:FLOW]->(b:Actor)
WHERE f.in_effect AND coalesce(f.layer, 'national') IN $layers
  AND ($as_of IS NULL OR (
        (f.valid_from_day IS NULL OR f.valid_from_day <= date($as_of)) AND
        (f.valid_to_day IS NULL OR f.valid_to_day >= date($as_of))))
OPTIONAL MATCH (t:Terms {id: f.terms})
RETURN a.id AS from_id, b.id AS to_id,
       f{.id, .layer, .kind, .items, .subjects, .purposes, .purpose_text, .lawful_basis,
         .art9_condition, .retention, .retention_indefinite, .storage_country, .tier,
         .valid_from, .valid_to, .outcome, .conflicts, .source_ids, .disputed_items,
         .denied_items, .disputes_json, .figures_json, .own_figures_json} AS flow,
       t{.items, .subjects, .purposes, .purpose_text, .lawful_basis, .art9_condition, .retention,
         .retention_indefinite, .storage_country} AS terms,
       b{.id, .name, .kind, .org_type} AS node
