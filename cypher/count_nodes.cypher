// How many nodes of knowledge the database holds (an import refuses a non-empty database);
// the audit trail and the tokens, which `db reset` keeps, are not counted.
MATCH (n) WHERE NOT (n:AuditEntry OR n:Token)
RETURN count(n) AS nodes
