// Mark whom a school's map is shared with: ids of its trust and/or its local authority (the
// schools of those may start their own map from it). An empty list shares it with nobody.
MATCH (s:School {id: 'school:' + $urn})
SET s.map_shared_with = $shared_with
RETURN s.map_shared_with AS shared_with
