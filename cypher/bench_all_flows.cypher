// Benchmark check (bench/run): every flow in effect, with what the Python breadth-first search
// needs to decide whether it carries an item.
MATCH (a:Actor)-[f:FLOW]->(b:Actor)
WHERE f.in_effect
OPTIONAL MATCH (t:Terms {id: f.terms})
RETURN a.id AS src, b.id AS dst, f.layer AS layer, coalesce(t.items, f.items) AS items,
       f.tier AS tier
