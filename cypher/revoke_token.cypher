// Revoke a token: it is kept (the audit trail names it) but refused from the next request on.
MATCH (t:Token {id: $id})
WITH t, t{.id, .role, .urn, .trust, .label, .created, .revoked} AS before
SET t.revoked = true, t.revoked_at = coalesce(t.revoked_at, datetime())
RETURN before, t{.id, .role, .urn, .trust, .label, .created, .revoked,
                 .revoked_at} AS after
