// Benchmark (bench/run): the heap each running transaction holds (Neo4j's own estimate), polled
// while the school-maps file loads, to measure what ONE transaction of a whole file costs.
SHOW TRANSACTIONS YIELD transactionId, currentQuery, estimatedUsedHeapMemory
RETURN transactionId AS id, currentQuery AS query, estimatedUsedHeapMemory AS heap_bytes
