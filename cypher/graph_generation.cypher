// The graph's generation, for caches of results built from it. Every change (a load, an edit
// through the API, an import, a token) writes an audit entry in its own transaction, and
// entries are never changed or deleted (short of wiping the database): so the number of
// entries and the newest one's id change with every committed change, and only then.
// An empty trail (a wiped database, or writes that bypass edflows) gives no generation:
// callers then cache nothing.
MATCH (e:AuditEntry) WHERE e.at IS NOT NULL
WITH e ORDER BY e.at DESC, e.id DESC LIMIT 1
RETURN e.id AS newest, COUNT { (:AuditEntry) } AS entries
