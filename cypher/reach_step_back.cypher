// One step of an upstream search: the flows in effect INTO the frontier (same filters and
// fields as reach_step.cypher; the evidence class is decided by graph/traversal.py, `classify`).
UNWIND $frontier AS to_id
MATCH (a:Actor)-[f:FLOW]->(b:Actor {id: to_id})
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
       a{.id, .name, .kind, .org_type} AS node
