// One entry of the audit trail, written in the same transaction as the change it records.
CREATE (e:AuditEntry)
SET e = $props, e.at = datetime()
RETURN e.id AS id
