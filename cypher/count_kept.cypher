// What a reset keeps: the number of audit entries and of tokens.
CALL () { MATCH (e:AuditEntry) RETURN count(e) AS audit_entries }
CALL () { MATCH (t:Token) RETURN count(t) AS tokens }
RETURN audit_entries, tokens
