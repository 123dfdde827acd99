// Benchmark baseline (bench/run): a naive reach. One variable-length pattern returning every
// path from the start (as the ids along it), with the carrying predicate on every relationship
// of every path (the rules of graph/traversal.py `classify`, written as Cypher); the client
// takes the organisations at the paths' ends. Run with a timeout: on a national graph the
// number of paths explodes. A flow's items are on its terms node (graph/terms.py), read by key
// for each relationship (a COLLECT subquery: a pattern comprehension needs a relationship).
MATCH p = (s:Actor {id: $start})-[fs:FLOW*1..10]->(o:Actor)
WHERE all(f IN fs WHERE f.in_effect
        AND ($layers IS NULL OR f.layer IN $layers)
        AND (any(i IN coalesce(COLLECT { MATCH (t:Terms {id: f.terms}) RETURN t.items }[0],
                               f.items, [])
                 WHERE i IN $covering)
             OR (size(coalesce(COLLECT { MATCH (t:Terms {id: f.terms}) RETURN t.items }[0],
                               f.items, [])) = 0
                 AND (f.tier IS NULL OR ($item_tier IS NOT NULL AND $item_tier >= f.tier)))))
  AND o <> s
RETURN [n IN nodes(p) | n.id] AS ids
