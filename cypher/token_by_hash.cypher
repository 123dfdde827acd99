// The token whose secret hashes to $hash (looked up through the unique index on the hash).
MATCH (t:Token {hash: $hash})
RETURN t{.id, .role, .urn, .trust, .label, .created, .revoked} AS token
