// How many nodes the database holds (an import refuses a non-empty database).
MATCH (n) RETURN count(n) AS nodes
