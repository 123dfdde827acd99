// Benchmark check and limit baseline (bench/run): every flow in effect, with what the Python
// breadth-first search needs to decide whether it carries an item and how (graph/traversal.py
// `classify`), and its id for the witness paths.
MATCH (a:Actor)-[f:FLOW]->(b:Actor)
WHERE f.in_effect
OPTIONAL MATCH (t:Terms {id: f.terms})
RETURN a.id AS src, b.id AS dst, f.id AS id, coalesce(f.layer, 'national') AS layer,
       coalesce(t.items, f.items) AS items, f.tier AS tier, f.disputed_items AS disputed
