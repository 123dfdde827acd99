// The audit entries of the last $seconds, newest first (at most $limit), with the trail's count
// and newest entry: what the app's cache reads when the graph's generation moved, to follow the
// change entry by entry instead of emptying itself (graph/cache.py, `GraphCache.sync`). Only a
// flow's change carries its record (its ends and layer); a school map's rows are not needed.
CALL () {
  MATCH (n:AuditEntry) WHERE n.at IS NOT NULL
  WITH n ORDER BY n.at DESC, n.id DESC LIMIT 1
  RETURN n.id AS newest
}
WITH newest, COUNT { (:AuditEntry) } AS entries
OPTIONAL MATCH (e:AuditEntry) WHERE e.at >= datetime() - duration({seconds: $seconds})
WITH newest, entries, e ORDER BY e.at DESC, e.id DESC LIMIT $limit
RETURN newest, entries,
       [x IN collect(e) | x{.id, .action, .urn, .target,
         after_json: CASE WHEN x.action IN ['flow.add', 'flow.retire'] THEN x.after_json END}]
       AS window
