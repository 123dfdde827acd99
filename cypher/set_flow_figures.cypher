// The figure claims of flows (from aggregates.csv): kept apart from the flow's other claims, so
// that merge_flows (a base or register load) leaves them in place.
UNWIND $rows AS row
MATCH ()-[f:FLOW {id: row.id}]->()
SET f.figure_claims_json = row.claims_json, f.figures_json = row.figures_json
