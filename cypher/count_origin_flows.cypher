// How many flows an input (loader + file, or a school's map) has written so far.
MATCH ()-[f:FLOW {origin: $origin}]->()
RETURN count(f) AS flows
