// The token whose secret hashes to $hash (looked up through the unique index on the hash).
MATCH (t:Token {hash: $hash})
RETURN t{.id, .role, .urn, .label, created: toString(t.created), .revoked} AS token
