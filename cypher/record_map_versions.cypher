// Keep a version of each school's map (one node per distinct content), numbered in order per
// school. `$maps`: one row per school map (id, urn, digest, path, rows_json).
UNWIND $maps AS map
OPTIONAL MATCH (previous:MapVersion {urn: map.urn})
WITH map, max(previous.version) AS last
MERGE (v:MapVersion {id: map.id})
ON CREATE SET v.urn = map.urn, v.digest = map.digest, v.path = map.path,
              v.rows_json = map.rows_json, v.version = coalesce(last, 0) + 1,
              v.loaded_at = datetime()
