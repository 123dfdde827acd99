// Every flow in effect of ONE school's own layer ($layer = 'school:<urn>'), for a journey that
// follows it: the flows out of the school ($school) and the onward flows out of the systems
// its layer sends data to (the only places a school may write flows: graph/editing.py). Same
// filters and fields as reach_step.cypher; kept apart from the shared steps, per layer, for one
// generation (graph/journeys.py `_layer_steps`). With $shared (the shared layers), the school's
// own flows out in those layers come too: its first step of a journey, in the same round trip
// (the caller keeps them as the school's shared step; [] for none).
MATCH (s:Actor {id: $school})
OPTIONAL MATCH (s)-[own:FLOW]->(system:Actor)
WHERE own.layer = $layer
WITH s, collect(DISTINCT system) AS systems
UNWIND [s] + systems AS a
MATCH (a)-[f:FLOW]->(b:Actor)
WHERE (f.layer = $layer OR (a = s AND coalesce(f.layer, 'national') IN $shared))
  AND f.in_effect
  AND ($as_of IS NULL OR (
        (f.valid_from_day IS NULL OR f.valid_from_day <= date($as_of)) AND
        (f.valid_to_day IS NULL OR f.valid_to_day >= date($as_of))))
OPTIONAL MATCH (t:Terms {id: f.terms})
RETURN DISTINCT a.id AS from_id, b.id AS to_id,
       f{.id, .layer, .kind, .items, .subjects, .purposes, .purpose_text, .lawful_basis,
         .art9_condition, .retention, .retention_indefinite, .storage_country, .tier,
         .valid_from, .valid_to, .outcome, .conflicts, .source_ids, .disputed_items,
         .denied_items, .disputes_json, .figures_json, .own_figures_json} AS flow,
       t{.items, .subjects, .purposes, .purpose_text, .lawful_basis, .art9_condition, .retention,
         .retention_indefinite, .storage_country} AS terms,
       a{.id, .name, .kind, .org_type} AS from_node, b{.id, .name, .kind, .org_type} AS to_node
