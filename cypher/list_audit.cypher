// The audit trail, newest first, filtered by school URN, time, actor and target; paginated.
MATCH (e:AuditEntry)
WHERE ($urn IS NULL OR e.urn = $urn)
  AND ($since IS NULL OR e.at >= datetime($since))
  AND ($actor IS NULL OR e.actor = $actor OR e.actor STARTS WITH $actor + ':')
  AND ($target IS NULL OR e.target = $target)
RETURN e{.id, .at, .actor, .role, .action, .target, .urn, .before_json, .after_json,
         .load_id, .summary} AS entry
ORDER BY e.at DESC, e.id DESC
SKIP $offset
LIMIT $limit
