// Every flow id (the aggregates loader checks that the flows its figures name exist).
MATCH ()-[f:FLOW]->()
RETURN collect(f.id) AS ids
