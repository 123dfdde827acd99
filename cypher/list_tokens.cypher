// Every token, newest first, without its hash.
MATCH (t:Token)
RETURN t{.id, .role, .urn, .trust, .label, .created, .revoked,
         .revoked_at} AS token
ORDER BY t.created DESC, t.id
