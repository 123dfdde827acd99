// Every node (or, with $ids, those whose id is listed), with its labels and properties.
// Never write tokens (their hashes) or the audit trail: an export is the knowledge only.
MATCH (n)
WHERE ($ids IS NULL OR n.id IN $ids) AND NOT (n:Token OR n:AuditEntry)
RETURN labels(n) AS labels, properties(n) AS props
ORDER BY n.id
