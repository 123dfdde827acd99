// Before an aggregates load: forget the figure claims of flows that the new file no longer
// gives figures for (the flows it does give are set by set_flow_figures).
MATCH ()-[f:FLOW]->()
WHERE f.figures_json IS NOT NULL AND NOT f.id IN $ids
REMOVE f.figures_json, f.figure_claims_json
