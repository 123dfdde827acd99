// The audit history of one flow, newest first: the API changes aimed at it and the load that
// last wrote it (its load_id).
MATCH (e:AuditEntry)
WHERE e.target = $id OR ($load_id IS NOT NULL AND e.load_id = $load_id)
RETURN e{.id, .at, .actor, .role, .action, .target, .urn, .before_json, .after_json,
         .load_id, .summary} AS entry
ORDER BY e.at DESC, e.id DESC
LIMIT $limit
