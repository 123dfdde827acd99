// Benchmark baseline (bench/run): ONE flow written by one auto-commit MERGE, as a naive loader
// would, on the same constraints as the real loader's batched merge_flows.cypher.
MATCH (a:Actor {id: $source_actor})
MATCH (b:Actor {id: $target_actor})
MERGE (a)-[f:FLOW {id: $id}]->(b)
SET f = $props
