// Figures about a dataset as a whole (NPD requests and releases counted over a period), from
// aggregates.csv: the release explorer and report show them.
MATCH (a:Actor) WHERE a.figures_json IS NOT NULL AND NOT a.id IN [r IN $rows | r.id]
REMOVE a.figures_json, a.figure_claims_json
WITH count(*) AS cleared
UNWIND $rows AS row
MATCH (a:Actor {id: row.id})
SET a.figure_claims_json = row.claims_json, a.figures_json = row.figures_json
