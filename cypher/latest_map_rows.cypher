// The rows of a school's latest map version (the "before" of a map replacement).
MATCH (v:MapVersion {urn: $urn})
RETURN v.version AS version, v.digest AS digest, v.rows_json AS rows_json
ORDER BY v.version DESC
LIMIT 1
