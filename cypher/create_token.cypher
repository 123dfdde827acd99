// Store a new write token: only the SHA-256 hash of its secret, never the secret itself.
CREATE (t:Token)
SET t = $props, t.created = datetime(), t.revoked = false
RETURN t{.id, .role, .urn, .trust, .label, .created, .revoked} AS token
