// Remove the flows an earlier load of the same input wrote that its latest version no longer has.
MATCH ()-[f:FLOW {origin: $origin}]->()
WHERE NOT f.id IN $keep
DELETE f
RETURN count(*) AS removed
