// How many nodes of any kind the database holds (a restore needs a wholly empty database).
MATCH (n) RETURN count(n) AS nodes
