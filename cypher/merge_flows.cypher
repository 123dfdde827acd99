// Write flows between actors, merged by id; a flow's fields are exactly as its latest load says,
// and `load_id` names that load (the :Load node), so its provenance is one lookup away.
// A flow whose id now joins other actors (an edited register names another recipient) is moved:
// the old relationship goes, so the id stays unique and nothing is left at the old ends.
// `$shared`: properties many rows have in common (row.shared is the key; "" for none).
// The figure claims an aggregates load set (figure_claims_json, figures_json) are kept.
UNWIND $rows AS row
MATCH (a:Actor {id: row.source_actor})
MATCH (b:Actor {id: row.target_actor})
OPTIONAL MATCH (x)-[old:FLOW {id: row.id}]->(y)
  WHERE x <> a OR y <> b
DELETE old
WITH a, b, row
MERGE (a)-[f:FLOW {id: row.id}]->(b)
WITH f, row, f.figure_claims_json AS figure_claims, f.figures_json AS figures
SET f = $shared[row.shared], f += row.props, f.load_id = $load_id,
    f.figure_claims_json = figure_claims, f.figures_json = figures
RETURN count(f) AS written
