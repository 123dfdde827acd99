// Counts of nodes by label and of relationships by type (for `edflows stats` and tests).
// The knowledge only: the audit trail and write tokens are bookkeeping, shown by
// `edflows audit` and `edflows token list`, so a reload that changes nothing counts as none.
CALL () {
  MATCH (n) WHERE NOT (n:AuditEntry OR n:Token)
  UNWIND labels(n) AS label
  RETURN 'node' AS what, label AS name, count(*) AS count
  UNION ALL
  MATCH ()-[r]->()
  RETURN 'relationship' AS what, type(r) AS name, count(*) AS count
}
RETURN what, name, count ORDER BY what, name
