// The versions of a school's map, newest first.
MATCH (v:MapVersion {urn: $urn})
RETURN v.version AS version, v.digest AS digest, v.path AS path, v.rows_json AS rows_json,
       toString(v.loaded_at) AS loaded_at
ORDER BY v.version DESC
