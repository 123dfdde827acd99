// Every node with its labels and properties, the audit trail and the tokens' hashes included
// (`edflows backup`; never served by the API). In id order, so a backup is deterministic.
MATCH (n)
RETURN labels(n) AS labels, properties(n) AS props
ORDER BY n.id
