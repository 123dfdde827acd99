// Delete every node and relationship, in batches (tests and `edflows db reset`).
MATCH (n)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
