// A school by URN (is there one?).
MATCH (s:School {id: 'school:' + $urn})
RETURN s.id AS id, s.name AS name
