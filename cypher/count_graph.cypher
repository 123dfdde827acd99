// Counts of nodes by label and of relationships by type (for `edflows stats` and tests).
CALL () {
  MATCH (n) UNWIND labels(n) AS label
  RETURN 'node' AS what, label AS name, count(*) AS count
  UNION ALL
  MATCH ()-[r]->()
  RETURN 'relationship' AS what, type(r) AS name, count(*) AS count
}
RETURN what, name, count ORDER BY what, name
