// Every node (or, with $ids, those whose id is listed), with its labels and properties.
// Never write tokens (their hashes) or the audit trail: an export is the knowledge only. Terms
// nodes are not written either: each flow carries its terms in an export.
MATCH (n)
WHERE ($ids IS NULL OR n.id IN $ids) AND NOT (n:Token OR n:AuditEntry OR n:Terms)
RETURN labels(n) AS labels, properties(n) AS props
ORDER BY n.id
