// Keep a version of a school's map (one node per distinct file content), numbered in order.
OPTIONAL MATCH (previous:MapVersion {urn: $urn})
WITH max(previous.version) AS last
MERGE (v:MapVersion {id: $id})
ON CREATE SET v.urn = $urn, v.digest = $digest, v.path = $path, v.rows_json = $rows_json,
              v.version = coalesce(last, 0) + 1, v.loaded_at = datetime()
