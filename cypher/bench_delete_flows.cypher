// Benchmark (bench/run): remove the flows the per-row baseline wrote, by id, before the real
// loader writes the same rows.
UNWIND $ids AS id
MATCH ()-[f:FLOW {id: id}]->()
DELETE f
