// Delete the knowledge (every node but the audit trail and the tokens), in batches:
// `edflows db reset` and `import --replace` without --all.
MATCH (n) WHERE NOT (n:AuditEntry OR n:Token)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
