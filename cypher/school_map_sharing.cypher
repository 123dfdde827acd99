// A school's map sharing: whom its map is shared with, its trusts and local authority, and
// whether it has a saved map (graph/editing.py, `set_map_sharing`).
MATCH (s:School {id: 'school:' + $urn})
OPTIONAL MATCH (s)-[:IN_TRUST]->(t:Trust)
OPTIONAL MATCH (s)-[:IN_LA]->(la:LocalAuthority)
OPTIONAL MATCH (v:MapVersion {urn: $urn})
RETURN s.id AS id, coalesce(s.map_shared_with, []) AS shared_with,
       collect(DISTINCT t.id) AS trusts, collect(DISTINCT la.id)[0] AS la,
       count(DISTINCT v) AS versions
