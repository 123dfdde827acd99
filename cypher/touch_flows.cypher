// Flows a load names again unchanged: only their load id is brought up to date (so that
// delete_stale_flows.cypher keeps them).
UNWIND $ids AS id
MATCH ()-[f:FLOW {id: id}]->()
SET f.load_id = $load_id
