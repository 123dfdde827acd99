// Benchmark baseline (bench/run): edflows' reach answer in plain Cypher, the query a researcher
// would write in Neo4j Browser. For each evidence class, strongest first (`floor` 0 stated,
// 1 disputed, 2 implied, 3 unknown), ONE shortest path (SHORTEST 1 over a quantified path
// pattern) to every organisation, over the flows that carry the item at least that well; each
// organisation keeps the path of the strongest class that reaches it (a path is as strong as
// its weakest hop), with every hop's fields. A flow's class follows graph/traversal.py
// `classify`; its items are on its terms node (graph/terms.py), read by key with a COLLECT
// subquery. Same layers and in-effect filter as cypher/reach_step.cypher; no as_of; at most
// 10 hops (graph/journey_query.py DEFAULT_HOPS: a quantifier cannot be a parameter).
MATCH (s:Actor {id: $start})
UNWIND range(0, 3) AS floor
CALL (s, floor) {
  MATCH p = SHORTEST 1 (s)-[f:FLOW WHERE f.in_effect
      AND coalesce(f.layer, 'national') IN $layers
      AND CASE
        WHEN size(coalesce(COLLECT { MATCH (t:Terms {id: f.terms}) RETURN t.items }[0],
                           f.items, [])) > 0 THEN
          CASE
            WHEN none(i IN coalesce(COLLECT { MATCH (t:Terms {id: f.terms}) RETURN t.items }[0],
                                    f.items, [])
                      WHERE i IN $covering) THEN 9
            WHEN size(coalesce(f.disputed_items, [])) > 0
                 AND all(i IN coalesce(COLLECT { MATCH (t:Terms {id: f.terms})
                                                 RETURN t.items }[0], f.items, [])
                         WHERE NOT i IN $covering OR i IN f.disputed_items) THEN 1
            ELSE 0
          END
        WHEN f.tier IS NULL THEN 3
        WHEN $item_tier IS NOT NULL AND $item_tier >= f.tier THEN 2
        ELSE 9
      END <= floor]->{1,10}(o:Actor)
  WHERE o <> s
  RETURN o, p
}
WITH o, floor, p
ORDER BY floor
WITH o, collect(p)[0] AS p, min(floor) AS floor
RETURN o.id AS id, floor AS class_rank, length(p) AS hops,
       [f IN relationships(p) | f{.id, .layer, .kind, .items, .subjects, .purposes,
         .purpose_text, .lawful_basis, .art9_condition, .retention, .retention_indefinite,
         .storage_country, .tier, .valid_from, .valid_to, .outcome, .conflicts, .source_ids,
         .disputed_items, .denied_items, .disputes_json, .figures_json, .own_figures_json,
         from_id: startNode(f).id, to_id: endNode(f).id,
         terms: COLLECT { MATCH (t:Terms {id: f.terms})
                          RETURN t{.items, .subjects, .purposes, .purpose_text, .lawful_basis,
                                   .art9_condition, .retention, .retention_indefinite,
                                   .storage_country} }[0]}] AS path
