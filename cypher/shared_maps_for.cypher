// The maps other schools' trusts or local authority marked shareable with this school's
// (same trust, or same local authority), each school's newest saved version.
MATCH (me:School {id: 'school:' + $urn})
OPTIONAL MATCH (me)-[:IN_TRUST]->(t:Trust)
OPTIONAL MATCH (me)-[:IN_LA]->(la:LocalAuthority)
WITH [x IN collect(DISTINCT t.id) + collect(DISTINCT la.id) WHERE x IS NOT NULL] AS mine
MATCH (other:School)
WHERE other.map_shared_with IS NOT NULL AND other.urn <> $urn
  AND any(x IN other.map_shared_with WHERE x IN mine)
MATCH (v:MapVersion {urn: other.urn})
WITH other, mine, v ORDER BY v.version DESC
WITH other, mine, collect(v)[0] AS latest
MATCH (by:Actor) WHERE by.id IN other.map_shared_with AND by.id IN mine
RETURN other.urn AS urn, other.name AS name, latest.version AS version,
       latest.rows_json AS rows_json, collect(by.id) AS by_ids, collect(by.name) AS by_names
ORDER BY name, urn
