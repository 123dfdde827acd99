// A trust by its GIAS code, with the URNs of its schools.
MATCH (t:Trust {id: 'trust:' + $code})
OPTIONAL MATCH (s:School)-[:IN_TRUST]->(t)
RETURN t.id AS id, t.name AS name, collect(s.urn) AS urns
